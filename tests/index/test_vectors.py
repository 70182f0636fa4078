"""faiss: exact while small, IVF beyond the threshold with recall checked against exact search."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from index.vectors import FaissVectorIndex


def _clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(50, dim))
    x = centers[rng.integers(0, 50, n)] + 0.4 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_flat_is_exact_and_switches_to_ivf_with_high_recall(tmp_path: Path) -> None:
    data = _clustered(12_000)
    index = FaissVectorIndex(32, flat_limit=4_000, nprobe=16)
    index.add(data[:3_000])
    assert index.kind == "flat"
    queries = _clustered(50, seed=1)
    assert index.recall_vs_exact(queries, 10) == 1.0
    for start in range(3_000, 12_000, 3_000):
        index.add(data[start : start + 3_000])
    assert index.kind.startswith("ivf") and len(index) == 12_000
    assert index.recall_vs_exact(queries, 10) >= 0.9

    index.save(tmp_path / "v.faiss")
    loaded = FaissVectorIndex.load(tmp_path / "v.faiss", 32, index.trained_at, flat_limit=4_000, nprobe=16)
    ids, scores = index.search(queries[0], 10)
    ids2, scores2 = loaded.search(queries[0], 10)
    assert ids.tolist() == ids2.tolist() and np.allclose(scores, scores2)


def test_filtered_search_returns_only_allowed_ids() -> None:
    data = _clustered(6_000)
    index = FaissVectorIndex(32, flat_limit=2_000, exact_limit=500)
    index.add(data)
    q = data[17]
    small = np.zeros(6_000, dtype=bool)
    small[100:300] = True  # few candidates: exact search over them
    ids, _ = index.search(q, 10, small)
    assert len(ids) == 10 and all(100 <= i < 300 for i in ids)
    large = np.zeros(6_000, dtype=bool)
    large[::2] = True  # many candidates: the IVF with a selector
    ids, _ = index.search(q, 10, large)
    assert len(ids) > 0 and all(i % 2 == 0 for i in ids)
    assert index.search(q, 10, np.zeros(6_000, dtype=bool))[0].size == 0
