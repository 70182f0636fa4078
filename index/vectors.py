"""Inner-product vector search in faiss whose index type follows the collection's size.

Small collections use exact search (IndexFlatIP). Past `flat_limit` vectors the index becomes
IVF with fp16 scalar-quantised vectors (half the memory of float32, scores equal to ~1e-3),
re-trained as the collection grows; `recall_vs_exact` measures what the approximation costs.
Vector ids are the documents' ordinals (0, 1, 2 … in the order added).
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

from index.persist import private_file
from models import SearchIndexError, StorageError

_TRAIN_SAMPLE = 64  # training points per IVF list


class FaissVectorIndex:
    """Not thread-safe by itself: the owner serialises `add` against `search`."""

    def __init__(
        self, dim: int, flat_limit: int = 50_000, nprobe: int = 24, exact_limit: int = 20_000
    ) -> None:
        self.dim = dim
        self.flat_limit = flat_limit
        self.nprobe = nprobe
        self.exact_limit = exact_limit  # filtered searches over this few vectors are done exactly
        self._index: faiss.Index = faiss.IndexFlatIP(dim)
        self._trained_at = 0  # collection size when the IVF was trained (0 while flat)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def kind(self) -> str:
        return "flat" if self._trained_at == 0 else f"ivf{self._ivf().nlist}-sqfp16"

    def _ivf(self) -> faiss.IndexIVF:
        return faiss.extract_index_ivf(self._index)

    def add(self, vectors: np.ndarray) -> None:
        """Append rows (float32, L2-normalised); switches to or re-trains the IVF when due."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise SearchIndexError(f"expected vectors of shape (n, {self.dim}), got {vectors.shape}")
        self._index.add(vectors)
        n = len(self)
        if (self._trained_at == 0 and n > self.flat_limit) or (self._trained_at and n > 4 * self._trained_at):
            self._retrain()

    def _all_vectors(self) -> np.ndarray:
        return self._index.reconstruct_n(0, len(self))

    def _retrain(self) -> None:
        data = self._all_vectors()
        n = len(data)
        nlist = int(min(max(4 * math.sqrt(n), 64), n // _TRAIN_SAMPLE))
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFScalarQuantizer(
            quantizer, self.dim, nlist, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
        )
        rng = np.random.default_rng(0)
        sample = data[rng.choice(n, size=min(n, nlist * _TRAIN_SAMPLE), replace=False)]
        ivf.train(sample)
        ivf.add(data)
        ivf.set_direct_map_type(faiss.DirectMap.Array)  # type: ignore[attr-defined]  # reconstruct by id
        self._index, self._trained_at = ivf, n

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids, scores) for one query vector, best first, among `allowed` (bool mask) if given."""
        n = len(self)
        if n == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if allowed is not None:
            candidates = np.flatnonzero(allowed[:n])
            if len(candidates) == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            if len(candidates) <= self.exact_limit:
                return self._exact(q[0], candidates, k)
            bitmap = np.packbits(allowed[:n].astype(np.uint8), bitorder="little")
            sel = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
            params = (
                faiss.SearchParametersIVF(sel=sel, nprobe=self.nprobe)  # type: ignore[call-arg]
                if self._trained_at
                else faiss.SearchParameters(sel=sel)  # type: ignore[call-arg]
            )
            scores, ids = self._index.search(q, k, params=params)
        elif self._trained_at:
            params = faiss.SearchParametersIVF(nprobe=self.nprobe)  # type: ignore[call-arg]
            scores, ids = self._index.search(q, k, params=params)
        else:
            scores, ids = self._index.search(q, k)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    def _exact(self, q: np.ndarray, candidates: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        vecs = self._index.reconstruct_batch(candidates.astype(np.int64))
        scores = vecs @ q
        top = np.argsort(-scores)[:k] if len(scores) <= k else np.argpartition(-scores, k)[:k]
        top = top[np.argsort(-scores[top])]
        return candidates[top].astype(np.int64), scores[top].astype(np.float32)

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of `ids`, (len(ids), dim) float32."""
        if len(ids) == 0:
            return np.zeros((0, self.dim), np.float32)
        return np.asarray(self._index.reconstruct_batch(np.asarray(ids, np.int64)), np.float32)

    def scores(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Inner product of `query` with the stored vectors of `ids` (exact, whatever the index type)."""
        if len(ids) == 0:
            return np.zeros(0, np.float32)
        vecs = self._index.reconstruct_batch(np.asarray(ids, np.int64))
        return (vecs @ np.asarray(query, np.float32).ravel()).astype(np.float32)

    def exact_search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Brute-force top-k over every vector: the reference the approximate index is checked against."""
        return self._exact(np.asarray(query, np.float32).ravel(), np.arange(len(self)), k)

    def recall_vs_exact(self, queries: np.ndarray, k: int = 10) -> float:
        """Mean fraction of the exact top-k that `search` returns (1.0 while the index is flat)."""
        hits = 0
        for q in queries:
            exact = set(self.exact_search(q, k)[0].tolist())
            hits += len(exact & set(self.search(q, k)[0].tolist()))
        return hits / (k * len(queries)) if len(queries) else 1.0

    def save(self, path: Path) -> None:
        """Write the index to a new 0600 file at `path`, fsynced; StorageError naming it if the disk refuses."""
        with private_file(path) as fh:
            # through our own file object, so a full disk is the OSError it is (faiss's own writer
            # reports it as a RuntimeError with the reason buried in a C++ assertion)
            writer = faiss.PyCallbackIOWriter(fh.write)  # type: ignore[attr-defined]  # not in the stubs
            try:
                faiss.write_index(self._index, writer)
            except RuntimeError as exc:
                raise StorageError(f"cannot write the search index file {path}: {exc}") from exc
            finally:
                del writer

    @classmethod
    def load(cls, path: Path, dim: int, trained_at: int, **kwargs: int) -> FaissVectorIndex:
        """Read an index `save` wrote; raises SearchIndexError when it is unreadable or of another dim."""
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise SearchIndexError(f"cannot read the vector index {path}: {exc}") from exc
        if index.d != dim:
            raise SearchIndexError(f"the vector index {path} has dim {index.d}, the embedder gives {dim}")
        out = cls(dim, **kwargs)
        out._index, out._trained_at = index, trained_at
        if trained_at:
            out._ivf().set_direct_map_type(faiss.DirectMap.Array)  # type: ignore[attr-defined]
        return out

    @property
    def trained_at(self) -> int:
        return self._trained_at
