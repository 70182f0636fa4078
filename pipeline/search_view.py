"""Search as the API serves it: the saved index, reopened when a newer snapshot is saved (by an ingest
or a recorder, in this process or another), with a cache of query vectors in front of the embedder.

Agents ask the same few questions all day ("几天发货", "送什么赠品"); a cached query vector turns a
~20 ms embedding into a dictionary lookup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from models import SearchFilters, SearchHit
from pipeline.services import Services

if TYPE_CHECKING:
    from index.hybrid import HybridIndex


class CachingEmbedder:
    """Remembers the vectors of recent queries; passages and everything else go straight through."""

    def __init__(self, inner: Any, size: int = 4096) -> None:
        self.inner, self.size = inner, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vecs = self.inner.encode_queries(missing)
            with self._lock:
                for t, v in zip(missing, vecs, strict=True):
                    found[t] = self._cache[t] = v
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])


class SearchView:
    """Thread-safe; cheap to build (nothing is opened before the first search)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._index: HybridIndex | None = None
        self._snapshot: str | None = None
        self._embedder: CachingEmbedder | None = None
        self._lock = threading.Lock()

    def _current(self) -> HybridIndex:
        current = self.services.settings.index_dir / "CURRENT"
        try:
            snapshot: str | None = current.read_text(encoding="utf-8").strip()
        except OSError:
            snapshot = None
        with self._lock:
            if self._index is None or snapshot != self._snapshot:
                from index.hybrid import HybridIndex

                if self._embedder is None:
                    self._embedder = CachingEmbedder(self.services.embedder)
                self._index = HybridIndex(self.services.settings.index_dir, self._embedder)
                self._snapshot = snapshot
            return self._index

    def search(
        self,
        query: str,
        filters: SearchFilters,
        k: int = 10,
        mode: Literal["hybrid", "lexical", "semantic"] = "hybrid",
    ) -> list[SearchHit]:
        """Hits from the newest saved snapshot (see `index.hybrid.HybridIndex.search`; same errors)."""
        return self._current().search(query, filters, k=k, mode=mode)
