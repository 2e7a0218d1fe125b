"""Category suggester: given a free-text case description, rank the sub-classes (小类) it most likely
belongs to, so the person filing a case picks from a short list instead of about 150 categories.

Pure Python on top of scikit-learn (no Django imports), so it is testable without a database.

Model: TF-IDF over character uni- and bigrams of the normalised text (Chinese needs no word
segmentation for this; on the shipped data, adding trigrams or jieba words did not help) and a linear
SVM. Scores are the softmax of the SVM margins with one temperature fitted on out-of-fold margins
(temperature scaling), so they lie in 0..1, sum to 1 over all categories and read roughly as
probabilities. Besides the examples, every sub-class name of the shipped catalogue is one training
example, so a category with few or no examples can still be suggested by its name.

Process-wide model: `get_model()` trains lazily on the shipped train split (data/descriptions.jsonl)
plus whatever `retrain(extra)` was last given (e.g. past, verified cases); it is thread-safe.
Importing this module is cheap: scikit-learn is only imported when a model is trained.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA_DIR / "categories.json"
DESCRIPTIONS_PATH = DATA_DIR / "descriptions.jsonl"

NGRAM_RANGE = (1, 2)
SVM_C = 1.0
DEFAULT_TEMPERATURE = 0.15  # used when there are too few examples per category to fit one
CALIBRATION_FOLDS = 2
MAX_TEXT = 2000  # characters considered; descriptions are short, pasted documents need not be read whole

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """The text as the model sees it: NFKC (full-width → half-width), lower case, every number → 0,
    whitespace collapsed. Markup is not interpreted: `<script>` is just more text."""
    text = unicodedata.normalize("NFKC", str(text))[:MAX_TEXT].lower()
    text = _DIGITS.sub("0", text)
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Model:
    """A trained suggester. Immutable once built, so one instance may serve many threads."""

    vectorizer: Any
    svm: Any
    temperature: float
    n_examples: int

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.svm.classes_)

    def scores(self, text: str) -> list[tuple[str, float]]:
        """Every category with its score, best first; [] for blank text."""
        clean = normalise(text)
        if not clean:
            return []
        decision = self.svm.decision_function(self.vectorizer.transform([clean]))
        if decision.ndim == 1:  # two categories: one margin, for the second
            margins = [-float(decision[0]) / 2, float(decision[0]) / 2]
        else:
            margins = [float(m) for m in decision[0]]
        probabilities = _softmax(margins, self.temperature)
        return sorted(zip(self.categories, probabilities, strict=True), key=lambda pair: (-pair[1], pair[0]))

    def suggest(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The `k` best categories as (code, score in 0..1), best first; [] for blank text or k < 1."""
        if k < 1:
            return []
        return self.scores(text)[:k]


def _softmax(values: Sequence[float], temperature: float) -> list[float]:
    top = max(values)
    exps = [math.exp((v - top) / temperature) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def _fit(texts: Sequence[str], labels: Sequence[str]) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAM_RANGE, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    svm = LinearSVC(C=SVM_C)
    svm.fit(matrix, labels)
    return vectorizer, svm


def _fit_temperature(texts: Sequence[str], labels: Sequence[str]) -> float:
    """Temperature scaling: the T that minimises the log-loss of softmax(margin / T) on out-of-fold margins."""
    import numpy as np
    from scipy.optimize import minimize_scalar
    from sklearn.model_selection import StratifiedKFold

    if len(set(labels)) < 3 or len(labels) < 4 * CALIBRATION_FOLDS:
        return DEFAULT_TEMPERATURE
    folds = StratifiedKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=0)
    margins, gold = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # categories with fewer examples than folds
        splits = list(folds.split(texts, labels))
    for train_idx, test_idx in splits:
        vectorizer, svm = _fit([texts[i] for i in train_idx], [labels[i] for i in train_idx])
        index = {str(c): n for n, c in enumerate(svm.classes_)}
        known = [i for i in test_idx if labels[i] in index]  # a category absent from this fold is skipped
        if not known or len(index) < 3:
            continue
        fold_margins = svm.decision_function(vectorizer.transform([texts[i] for i in known]))
        full = np.full((len(known), len(set(labels))), -np.inf)  # align folds on one column order
        columns = {c: n for n, c in enumerate(sorted(set(labels)))}
        for n, code in enumerate(svm.classes_):
            full[:, columns[str(code)]] = fold_margins[:, n]
        margins.append(full)
        gold.extend(columns[labels[i]] for i in known)
    if not margins:
        return DEFAULT_TEMPERATURE
    matrix = np.vstack(margins)
    matrix -= matrix.max(axis=1, keepdims=True)
    gold_margins = matrix[np.arange(len(gold)), gold]

    def loss(log_t: float) -> float:
        scaled = matrix / math.exp(log_t)
        return float(np.mean(np.log(np.exp(scaled).sum(axis=1)) - gold_margins / math.exp(log_t)))

    result = minimize_scalar(loss, bounds=(math.log(0.005), math.log(5.0)), method="bounded")
    return round(math.exp(result.x), 4)


def catalogue_examples(path: Path = CATALOGUE_PATH) -> list[tuple[str, str]]:
    """(sub-class name, code) for every sub-class of the shipped catalogue."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(sub["name"], sub["code"]) for cls in data["classes"] for sub in cls["subclasses"]]


def train(examples: Iterable[tuple[str, str]], *, with_catalogue: bool = True) -> Model:
    """Train on (text, category code) pairs; with_catalogue adds each shipped sub-class name as one example."""
    pairs = [(normalise(text), str(code)) for text, code in examples]
    if with_catalogue:
        pairs += [(normalise(name), code) for name, code in catalogue_examples()]
    pairs = [(text, code) for text, code in pairs if text and code]
    if len({code for _, code in pairs}) < 2:
        raise ValueError("Training needs examples of at least two categories.")
    texts = [text for text, _ in pairs]
    labels = [code for _, code in pairs]
    temperature = _fit_temperature(texts, labels)
    vectorizer, svm = _fit(texts, labels)
    return Model(vectorizer=vectorizer, svm=svm, temperature=temperature, n_examples=len(pairs))


def load_shipped_examples(split: str | None = None) -> list[tuple[str, str]]:
    """The labelled descriptions shipped in data/descriptions.jsonl: all of them, or one split ("train"/"test")."""
    if split not in (None, "train", "test"):
        raise ValueError(f"Unknown split {split!r}: use 'train', 'test' or None.")
    examples = []
    with DESCRIPTIONS_PATH.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            if split is None or row.get("split", "train") == split:
                examples.append((row["text"], row["category"]))
    return examples


def evaluate(model: Model, examples: Iterable[tuple[str, str]]) -> dict[str, float | int]:
    """Share of examples whose category is the first suggestion (top1) or among the first three (top3)."""
    n = top1 = top3 = 0
    for text, code in examples:
        ranked = [c for c, _ in model.suggest(text, k=3)]
        n += 1
        top1 += bool(ranked) and ranked[0] == code
        top3 += code in ranked
    return {"top1": top1 / n if n else 0.0, "top3": top3 / n if n else 0.0, "n": n}


# --- the process-wide model ----------------------------------------------------------------------
_lock = threading.Lock()
_model: Model | None = None
_extra: list[tuple[str, str]] = []


def get_model() -> Model:
    """The shared model, trained on first use (shipped train split plus the extra examples of `retrain`)."""
    global _model
    model = _model
    if model is None:
        with _lock:
            if _model is None:
                _model = train(load_shipped_examples("train") + _extra)
            model = _model
    return model


def warm_in_background() -> threading.Thread | None:
    """Train the shared model in a daemon thread now (a server worker calls this at start-up), so the
    first person asking for a suggestion does not wait seconds for the training; None when trained."""
    if _model is not None:
        return None
    thread = threading.Thread(target=get_model, name="suggester-warm-up", daemon=True)
    thread.start()
    return thread


def retrain(extra: Iterable[tuple[str, str]] = ()) -> Model:
    """Rebuild the shared model from the shipped train split plus `extra`, which replaces the extra
    examples given last time (pass the full set, e.g. all verified past cases). Readers keep using the
    old model until the new one is ready."""
    global _model, _extra
    extra = [(str(text), str(code)) for text, code in extra]
    with _lock:
        model = train(load_shipped_examples("train") + extra)
        _extra, _model = extra, model
    return model


def forget_model() -> None:
    """Drop the shared model and the extra examples (tests; a changed catalogue)."""
    global _model, _extra
    with _lock:
        _model, _extra = None, []


def suggest(text: str, k: int = 5) -> list[tuple[str, float]]:
    """The k most likely category codes for `text` with scores in 0..1, best first; [] for blank text."""
    if not normalise(text) or k < 1:
        return []
    return get_model().suggest(text, k)
