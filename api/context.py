"""What the API's routes share, composed once from Services in the app's lifespan (cheap to build)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from fastapi import HTTPException, Request

from models import Manifest, Stream
from pipeline.evidence import Ed25519Signer, EvidenceBuilder
from pipeline.review import ReviewDesk
from pipeline.services import Services
from pipeline.tickets import TicketDesk, WebhookSender

if TYPE_CHECKING:
    from index.hybrid import HybridIndex


class CachingEmbedder:
    """Remembers the vectors of recent queries (agents ask the same few questions all day); passages
    and everything else go straight to the wrapped embedder."""

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


@dataclass
class ApiContext:
    services: Services
    evidence: EvidenceBuilder
    tickets: TicketDesk
    review: ReviewDesk
    webhook: WebhookSender | None
    _index: HybridIndex | None = None
    _index_snapshot: str | None = None
    _embedder: CachingEmbedder | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_services(cls, services: Services, webhook_url: str = "") -> ApiContext:
        keys_dir = services.settings.data_dir / "keys"
        accounts = services.accounts
        evidence = EvidenceBuilder(services.store, services.catalog, Ed25519Signer(keys_dir))
        return cls(
            services=services,
            evidence=evidence,
            tickets=TicketDesk(services.catalog, accounts, evidence, services.clip_url),
            review=ReviewDesk(services.catalog, accounts, services.clip_url),
            webhook=WebhookSender(webhook_url, keys_dir / "webhook.secret") if webhook_url else None,
        )

    @property
    def accounts(self):  # type: ignore[no-untyped-def]  # AccountsCatalog, composed by pipeline.services
        return self.services.accounts

    def stream_of(self, stream_id: str, merchant: str) -> Stream:
        """The merchant's stream, or 404: another merchant's stream looks exactly like a missing one."""
        stream = self.services.catalog.get_stream(stream_id)
        if stream is None or stream.merchant != merchant:
            raise HTTPException(404, f"unknown stream {stream_id!r}")
        return stream

    def manifest_of(self, stream_id: str, merchant: str) -> Manifest:
        self.stream_of(stream_id, merchant)
        manifest = self.services.archive.manifest(stream_id)
        if manifest is None:
            raise HTTPException(404, f"stream {stream_id!r} has nothing recorded yet")
        return manifest

    def index(self) -> HybridIndex:
        """The saved search index, reopened when a new snapshot is saved (by an ingest or a recorder, in
        this process or another), with a query-vector cache in front of the embedder."""
        current = self.services.settings.index_dir / "CURRENT"
        try:
            snapshot = current.read_text(encoding="utf-8").strip()
        except OSError:
            snapshot = None
        with self._lock:
            if self._index is None or snapshot != self._index_snapshot:
                from index.hybrid import HybridIndex

                if self._embedder is None:
                    self._embedder = CachingEmbedder(self.services.embedder)
                self._index = HybridIndex(self.services.settings.index_dir, self._embedder)
                self._index_snapshot = snapshot
            return self._index


async def context(request: Request) -> ApiContext:  # no I/O: spares a worker-thread hop per request
    ctx: ApiContext = request.app.state.ctx
    return ctx
