"""The learned half of claims: which claim types and risks a sentence carries, with a calibrated score.

Rules find exact values (48h, ×10, 满200减30, 7 days) with high precision, but a closed list of
patterns cannot know every product and phrasing (适合烧烤店打包生蚝, 一卷400节, 泡沫丰富易清洗). So
each label (nine claim types, five risks) also has a logistic model over two views of the text:

- character n-grams (1-3, hashed; digits folded to 0, punctuation to one boundary mark): fast,
  robust to unknown product words and to ASR that splits words wrongly;
- the sentence's multilingual-e5 passage vector (the same vector the search index stores, so a
  pipeline that indexes an utterance pays for it once): meaning beyond the surface words, and
  English sentences through the same model.

Two models are trained from the same data (`claims/training/`, `scripts/train_claims.py`): `full`
(n-grams + vector) and `text` (n-grams only, when no embedder is configured). Scores are Platt-
calibrated on out-of-fold predictions of the training data, so 0.5 means "as likely as not" for
every label alike. The weights (`claims/model/claims-linear.npz`) record the hash of the data they
were trained on; `tests/claims/test_classifier.py` fails when data and weights drift apart.

    clf = ClaimClassifier().load()                 # cheap constructor; load() reads the weights
    probs = clf.predict(["下单送一片面膜"], vectors=None)   # (n, len(LABELS)) calibrated scores
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models import ClaimType, ModelAssetError, RiskRule

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

TYPE_LABELS: tuple[str, ...] = tuple(t.value for t in ClaimType)
RISK_LABELS: tuple[str, ...] = tuple(f"risk:{r.value}" for r in RiskRule)
LABELS: tuple[str, ...] = TYPE_LABELS + RISK_LABELS
WEIGHTS = Path(__file__).resolve().parent / "model" / "claims-linear.npz"
TRAINING = Path(__file__).resolve().parent / "training"
NGRAM_RANGE = (1, 3)
NGRAM_BITS = 18
VECTOR_DIM = 384
# n-gram weights are stored as int8 on a mu-law scale per label (`pack_weights`): 4x smaller than
# float16 on disk (2.7 MB instead of 9 MB for both models), scores within 0.05 of the float weights
MU_A = 1.0

_PUNCT = re.compile(
    r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    r"!-/:-@\[-`{-~…—–·“”‘’【】《》「」|]+"
)
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def pack_weights(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(labels, features) float weights → int8 codes and each label's largest |weight|. Mu-law, not
    linear: a linear int8 scale set by the few large weights rounds most small ones to 0."""
    w = np.asarray(w, dtype=np.float32)
    top = np.maximum(np.abs(w).max(axis=1, keepdims=True), 1e-12)
    codes = np.sign(w) * np.round(127 * np.log1p(np.abs(w) / MU_A) / np.log1p(top / MU_A))
    return codes.astype(np.int8), top[:, 0].astype(np.float32)


def unpack_weights(codes: np.ndarray, top: np.ndarray) -> np.ndarray:
    """The inverse of `pack_weights` (float32)."""
    scale = np.log1p(top.astype(np.float32)[:, None] / MU_A) / 127
    mags = MU_A * np.expm1(np.abs(codes.astype(np.float32)) * scale)
    return (np.sign(codes) * mags).astype(np.float32)


def normalise(text: str) -> str:
    """The text the n-gram view sees: width-folded, lower-case, numbers as 0, punctuation and
    spaces as one '|' boundary (also at both ends)."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _DIGITS.sub("0", t)
    t = _PUNCT.sub("|", t)
    return "|" + t.strip("|") + "|"


def make_vectorizer() -> Any:
    """The n-gram view: scikit-learn's HashingVectorizer (stateless, so training and use agree)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char", ngram_range=NGRAM_RANGE, n_features=2**NGRAM_BITS, alternate_sign=False,
        norm="l2", binary=True, preprocessor=normalise, lowercase=False, dtype=np.float32,
    )


def data_hash(paths: Iterable[Path]) -> str:
    """sha256 over the training files (names and bytes), in name order."""
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda p: p.name):
        h.update(p.name.encode("utf-8") + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class LinearModel:
    """One view's weights: n-gram weights (labels × 2**bits), vector weights (labels × dim, or
    empty), intercepts, and the Platt calibration (a, b) of each label: p = σ(a·z + b)."""

    ngram: np.ndarray
    vector: np.ndarray | None
    bias: np.ndarray
    vector_scale: float
    platt: np.ndarray  # (labels, 2)

    def scores(self, grams: csr_matrix, vectors: np.ndarray | None) -> np.ndarray:
        z = np.asarray(grams @ self.ngram.T) + self.bias
        if self.vector is not None:
            if vectors is None:
                raise ValueError("this model needs sentence vectors")
            z = z + (vectors * self.vector_scale) @ self.vector.T
        p: np.ndarray = 1.0 / (1.0 + np.exp(-(z * self.platt[:, 0] + self.platt[:, 1])))
        return p


class ClaimClassifier:
    """Calibrated per-label scores for sentences. Loads its weights once (thread-safe)."""

    def __init__(self, weights: Path = WEIGHTS) -> None:
        self.weights = weights
        self._lock = threading.Lock()
        self._models: dict[str, LinearModel] | None = None
        self._vectorizer: Any = None
        self.meta: dict[str, str] = {}

    def load(self) -> ClaimClassifier:
        """Read the weights; raises ModelAssetError when they are missing or do not fit this code."""
        with self._lock:
            if self._models is None:
                self._models = self._read()
                self._vectorizer = make_vectorizer()
        return self

    def _read(self) -> dict[str, LinearModel]:
        try:
            z = np.load(self.weights, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ModelAssetError(f"cannot read the claims model {self.weights}: {exc}") from exc
        labels = tuple(str(x) for x in z["labels"])
        if labels != LABELS or int(z["ngram_bits"]) != NGRAM_BITS:
            raise ModelAssetError(
                f"the claims model {self.weights.name} was trained for other labels or features; "
                "rebuild it with `make train-claims`"
            )
        self.meta = {k: str(z[k]) for k in ("data_sha256", "embed_model", "trained_with")}
        models = {}
        for name in ("full", "text"):
            vec = z[f"{name}_vector"].astype(np.float32)
            ngram = z[f"{name}_ngram"]
            if ngram.dtype == np.int8:
                ngram = unpack_weights(ngram, z[f"{name}_ngram_top"])
            models[name] = LinearModel(
                ngram=ngram.astype(np.float32),
                vector=vec if vec.size else None,
                bias=z[f"{name}_bias"].astype(np.float32),
                vector_scale=float(z[f"{name}_vector_scale"]),
                platt=z[f"{name}_platt"].astype(np.float32),
            )
        return models

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """(len(texts), len(LABELS)) calibrated scores in [0, 1]; with `vectors` (the texts' e5
        passage vectors, L2-normalised rows) the full model, else the n-gram model."""
        self.load()
        assert self._models is not None
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        grams = self._vectorizer.transform(list(texts))
        model = self._models["full" if vectors is not None else "text"]
        return model.scores(grams, vectors).astype(np.float32)


__all__ = ["LABELS", "RISK_LABELS", "TYPE_LABELS", "ClaimClassifier", "LinearModel", "data_hash", "make_vectorizer",
           "normalise", "pack_weights", "unpack_weights"]
