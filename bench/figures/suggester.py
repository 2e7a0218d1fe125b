"""The category suggester on the project's held-out split (wangge/cases/data/heldout.jsonl): top-1 and top-3
shares overall and by register (residents' messages, grid workers' notes, hotline summaries) against issue
14's targets, the time to train on the shipped text, and the time one suggestion takes. No database: the
model is trained here from the shipped data, as a process does before any retraining is stored."""

import time

from bench.measure import Row, ms, p50, p95, timings

NAME = "suggester"
GROUPS = {"all": "all", "resident": "residents", "grid": "grid workers", "hotline": "hotline"}


def run(ctx) -> list[Row]:
    from wangge.cases import classifier

    started = time.perf_counter()
    model = classifier.train(classifier.load_shipped_examples("train"))
    trained = time.perf_counter() - started
    result = classifier.evaluate_held_out(model)
    rows = []
    for group, label in GROUPS.items():
        scores = result[group]
        for key, target in (("top1", classifier.TARGET_TOP1), ("top3", classifier.TARGET_TOP3)):
            rows.append(
                Row(
                    f"suggester {key[:3]}-{key[3:]} · {label} (n = {scores['n']})",
                    f"{scores[key] * 100:.1f} %",
                    target=f"≥ {target * 100:.0f} %",
                    passed=scores[key] >= target,
                )
            )
    texts = [row["text"] for row in classifier.load_held_out()]
    samples = timings(lambda: [model.suggest(text, 5) for text in texts[:50]], repeat=max(3, ctx["repeat"] // 4))
    per_call = [sample / 50 for sample in samples]
    rows.append(Row(f"suggester: train on {model.n_examples:,} examples", f"{trained:.1f} s"))
    rows.append(Row("suggester: one suggestion, p50 / p95", f"{ms(p50(per_call))} / {ms(p95(per_call))}"))
    return rows
