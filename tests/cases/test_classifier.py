"""The category suggester: held-out accuracy by register, an honest split, ranking, odd input, a stored
model and the shared model. Pure Python: no database. (How fast it trains is the bench figure ``kernels``.)"""

import threading

import pytest

from wangge.cases import classifier

pytestmark = pytest.mark.one_run  # no database of the run: the SQLite run is enough


@pytest.fixture(scope="module")
def model():
    return classifier.train(classifier.load_shipped_examples("train"))


@pytest.fixture
def fresh_shared_model():
    classifier.forget_model()
    yield
    classifier.forget_model()


def test_held_out_accuracy_reaches_the_targets_in_every_register(model, capsys):
    """Issue 14's goal on the held-out split: top-1 ≥ 80 % and top-3 ≥ 92 %, overall and for residents'
    messages, grid workers' notes and hotline summaries alike. (Speed is a bench figure, not a test.)"""
    result = classifier.evaluate_held_out(model)

    with capsys.disabled():
        print("\ncategory suggester on the held-out split:")
        for group, scores in result.items():
            print(
                f"  {group:9s} top-1 {scores['top1'] * 100:.1f} %  top-3 {scores['top3'] * 100:.1f} %  n = {scores['n']}"
            )
    assert result["all"]["n"] == len(classifier.load_held_out()) >= 700
    assert {group: result[group]["n"] >= 200 for group in classifier.REGISTERS} == dict.fromkeys(
        classifier.REGISTERS, True
    )
    for group, scores in result.items():
        assert scores["top1"] >= classifier.TARGET_TOP1, (group, scores)
        assert scores["top3"] >= classifier.TARGET_TOP3, (group, scores)
    assert classifier.meets_targets(result)


def test_the_held_out_split_is_never_trained_on():
    train = {classifier.normalise(text) for text, _ in classifier.load_shipped_examples("train")}
    held_out = classifier.load_held_out()
    assert not {classifier.normalise(row["text"]) for row in held_out} & train
    assert {row["register"] for row in held_out} == set(classifier.REGISTERS)
    assert {row["origin"] for row in held_out} == {"composed", "written"}
    catalogue = {code for _name, code in classifier.catalogue_examples()}
    assert {row["category"] for row in held_out} == catalogue  # every sub-class is tested


def test_no_training_body_paraphrases_a_held_out_description():
    """The generator refuses a body that shares ≥ 45 % of its character bigrams with a held-out text."""
    compose = _compose_module()
    bodies = {
        code: [line.strip() for line in text.strip().splitlines() if line.strip()]
        for code, text in compose.CORES.items()
    }
    assert compose.paraphrases_of_held_out(bodies) == []
    held_out = classifier.load_held_out()[0]["text"]
    assert compose.paraphrases_of_held_out({"0101": [held_out[:-1]]}) == [(held_out[:-1], held_out)]


def test_the_training_file_is_what_the_generator_writes():
    rows = _compose_module().compose()
    shipped = classifier.load_shipped_examples("train")
    assert [(row["text"], row["category"]) for row in rows] == shipped
    assert {row["register"] for row in rows} == set(classifier.REGISTERS)


def _compose_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "compose_descriptions", classifier.DATA_DIR / "compose_descriptions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_model_survives_being_stored_and_loaded(model):
    blob = model.dumps()
    assert not blob.startswith(b"\x80")  # not a pickle: an npz (zip) archive
    assert blob[:2] == b"PK"
    loaded = classifier.Model.loads(blob)
    assert loaded.categories == model.categories
    assert (loaded.temperature, loaded.n_examples) == (model.temperature, model.n_examples)
    for row in classifier.load_held_out()[:200]:
        assert [c for c, _ in loaded.suggest(row["text"], 3)] == [c for c, _ in model.suggest(row["text"], 3)]
        assert [s for _, s in loaded.suggest(row["text"], 3)] == pytest.approx(
            [s for _, s in model.suggest(row["text"], 3)], abs=1e-5
        )


def test_a_stored_model_of_another_format_is_refused(model):
    import io

    import numpy as np

    with np.load(io.BytesIO(model.dumps())) as arrays:
        parts = {name: arrays[name] for name in arrays.files}
    parts["meta"] = np.frombuffer(b'{"format": 99}', dtype=np.uint8)
    out = io.BytesIO()
    np.savez_compressed(out, **parts)
    with pytest.raises(ValueError, match="format 99"):
        classifier.Model.loads(out.getvalue())


@pytest.mark.parametrize("k", [1, 3, 5, 10])
def test_suggest_returns_at_most_k_ranked_codes(model, k):
    ranked = model.suggest("幸福里小区3栋2单元楼下的污水井盖碎了，晚上差点踩进去", k=k)
    codes = [code for code, _ in ranked]
    scores = [score for _, score in ranked]
    assert len(ranked) == k
    assert len(set(codes)) == k
    assert set(codes) <= set(model.categories)
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores == sorted(scores, reverse=True)


def test_scores_over_all_categories_sum_to_one(model):
    ranked = model.suggest("建设路与人民路交叉口的红绿灯坏了", k=10_000)
    assert len(ranked) == len(model.categories) >= 151
    assert sum(score for _, score in ranked) == pytest.approx(1.0)
    assert ranked[0][0] == "0203"


def test_obvious_descriptions_come_first(model):
    assert model.suggest("小区门口的路灯晚上不亮", k=1)[0][0] == "0108"
    assert model.suggest("楼下扔了好几袋生活垃圾没人清", k=1)[0][0] == "0601"
    assert "0904" in [code for code, _ in model.suggest("有辆车停在小区出入口，挡住了路", k=3)]


@pytest.mark.parametrize("blank", ["", " ", "   \n\t ", "\u3000"])
def test_blank_text_gives_no_suggestions(model, blank):
    assert model.suggest(blank) == []
    assert classifier.suggest(blank) == []


def test_no_suggestions_for_k_below_one(model):
    assert model.suggest("路灯不亮", k=0) == []


def test_markup_is_plain_text(model):
    text = '<script>alert("x")</script><b onclick="steal()">小区门口的路灯不亮了</b>'
    ranked = model.suggest(text, k=3)
    assert "0108" in [code for code, _ in ranked]
    assert classifier.normalise(text).startswith('<script>alert("x")</script>')
    only_markup = model.suggest("<script>document.cookie</script>", k=3)
    assert len(only_markup) == 3 and all(0.0 <= score <= 1.0 for _, score in only_markup)


def test_normalise_folds_width_case_digits_and_spaces():
    assert classifier.normalise("  ３栋Ａ单元\n 12楼  ") == "0栋a单元 0楼"


def test_evaluate_counts_top1_and_top3(model):
    result = classifier.evaluate(model, [("小区门口的路灯晚上不亮", "0108"), ("小区门口的路灯晚上不亮", "1905")])
    assert result == {"top1": 0.5, "top3": 0.5, "n": 2}
    assert classifier.evaluate(model, []) == {"top1": 0.0, "top3": 0.0, "n": 0}


def test_train_needs_two_categories():
    with pytest.raises(ValueError):
        classifier.train([("路灯不亮", "0108"), ("路灯坏了", "0108")], with_catalogue=False)


def test_load_shipped_examples_by_split():
    everything = classifier.load_shipped_examples()
    train = classifier.load_shipped_examples("train")
    test = classifier.load_shipped_examples("test")
    assert everything == train + test
    assert len(train) > 5 * len(test)
    assert test == [(row["text"], row["category"]) for row in classifier.load_held_out()]
    with pytest.raises(ValueError):
        classifier.load_shipped_examples("validation")


def test_the_shared_model_is_trained_once_for_all_threads(fresh_shared_model):
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(classifier.get_model())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 and all(m is seen[0] for m in seen)
    assert classifier.get_model() is seen[0]
    assert classifier.suggest("小区门口的路灯晚上不亮", k=1)[0][0] == "0108"


def test_retrain_adds_extra_examples_and_replaces_them_next_time(fresh_shared_model):
    before = classifier.get_model()
    extra = [
        ("智慧灯杆的充电屏幕碎了", "9901"),
        ("智慧灯杆屏幕不显示", "9901"),
        ("智慧灯杆上的屏幕黑了", "9901"),
    ]
    after = classifier.retrain(extra)
    assert after is classifier.get_model() and after is not before
    assert "9901" in after.categories and "9901" not in before.categories
    assert after.n_examples == before.n_examples + 3
    assert classifier.suggest("智慧灯杆的屏幕坏了", k=1)[0][0] == "9901"

    again = classifier.retrain([])
    assert "9901" not in again.categories
