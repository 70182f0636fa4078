"""Shared fixtures for index tests: a small real embedder (char n-gram hashing) and the bundled e5."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class HashingEmbedder:
    """A real, model-free implementation of index.embedder.Embedder: hashed character 1-2 grams.

    Cheap and deterministic, for tests of persistence, filters and threading that need vectors
    but not meaning.
    """

    name = "hashing-test-embedder"
    dim = 64

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for g in grams:
            v[int(hashlib.md5(g.encode()).hexdigest()[:8], 16) % self.dim] += 1.0
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encode_queries(texts)


@pytest.fixture
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def e5_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    from index.e5_assets import ensure_e5_model

    models = Path(os.environ.get("ONRECORD_TEST_MODELS_DIR", tmp_path_factory.mktemp("models")))
    return ensure_e5_model("bundled", models)


@pytest.fixture(scope="session")
def e5(e5_path: str):  # noqa: ANN201 - SentenceTransformerEmbedder
    from index.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(e5_path).load()
