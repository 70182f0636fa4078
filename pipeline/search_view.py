"""Search as the API serves it: the saved index, reopened when a newer snapshot is saved (by an ingest
or a recorder, in this process or another), with a cache of query vectors in front of the embedder.

Agents ask the same few questions all day ("几天发货", "送什么赠品"); a cached query vector turns a
~20 ms embedding into a dictionary lookup. New questions that arrive together (from the server's
request threads) are embedded together: one model call for the batch costs little more than
one for a single query.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from models import SearchFilters, SearchHit
from pipeline.services import Services

if TYPE_CHECKING:
    from index.analyzer import JiebaAnalyzer
    from index.hybrid import HybridIndex


class QueryBatcher:
    """Embeds queries from many threads in shared model calls. No timer: while one batch is being
    embedded the next requests queue up, and the next call takes all of them, so an idle server adds
    no delay and a busy one amortises each call over many queries."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], max_batch: int = 32) -> None:
        self.encode, self.max_batch = encode, max_batch
        self._queue: queue.SimpleQueue[tuple[str, Future[np.ndarray]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="query-embedder", daemon=True)
                self._thread.start()
        futures: list[Future[np.ndarray]] = []
        for text in texts:
            futures.append(Future())
            self._queue.put((text, futures[-1]))
        return np.stack([f.result() for f in futures])

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = self.encode([text for text, _ in batch])
            except BaseException as exc:  # handed to every waiting request, which re-raises it
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors, strict=True):
                future.set_result(vector)


class CachingEmbedder:
    """Remembers the vectors of recent queries; passages and everything else go straight through."""

    def __init__(self, inner: Any, size: int = 4096) -> None:
        self.inner, self.size = inner, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._batcher = QueryBatcher(inner.encode_queries)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
            for t in found:
                self._cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vecs = self._batcher(missing)
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
        self._loading: str | None = None
        self._embedder: CachingEmbedder | None = None
        self._analyzer: JiebaAnalyzer | None = None
        self._lock = threading.Lock()

    def _current(self) -> HybridIndex:
        """The index of the newest snapshot. A running stream saves one every few seconds: the first
        request to see it loads it while the others go on searching the previous one (one
        jieba dictionary for all of them: loading it was most of a reload)."""
        current = self.services.settings.index_dir / "CURRENT"
        try:
            snapshot: str | None = current.read_text(encoding="utf-8").strip()
        except OSError:
            snapshot = None
        with self._lock:
            if self._index is not None and snapshot in (self._snapshot, self._loading):
                return self._index
            if self._index is None:  # nothing to serve meanwhile: open it under the lock
                self._index, self._snapshot = self._open(), snapshot
                return self._index
            self._loading = snapshot
        try:
            fresh = self._open()
        except BaseException:
            with self._lock:
                self._loading = None  # the next request tries again
            raise
        with self._lock:
            self._index, self._snapshot, self._loading = fresh, snapshot, None
        return fresh

    def _open(self) -> HybridIndex:
        from index.analyzer import JiebaAnalyzer
        from index.hybrid import HybridIndex

        if self._embedder is None:
            self._embedder = CachingEmbedder(self.services.embedder)
        if self._analyzer is None:
            self._analyzer = JiebaAnalyzer()
        return HybridIndex(self.services.settings.index_dir, self._embedder, analyzer=self._analyzer).load()

    def search(
        self,
        query: str,
        filters: SearchFilters,
        k: int = 10,
        mode: Literal["hybrid", "lexical", "semantic"] = "hybrid",
    ) -> list[SearchHit]:
        """Hits from the newest saved snapshot (see `index.hybrid.HybridIndex.search`; same errors)."""
        return self._current().search(query, filters, k=k, mode=mode)
