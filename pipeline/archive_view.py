"""The read side of the archive for the API: manifests, clips, chain checks and legal holds.

The API may import only `models` and `pipeline`; this is its one door to `capture`. Manifests are
cached while unchanged: a 4-hour stream's manifest is ~1 MB of JSON (tens of ms to parse), and an
agent asks for many clips of the same stream. A local store's manifest is revalidated by its file's
mtime and size on every use; an object store's is trusted for `ttl` seconds (a live stream's new
segments then show up at most that late).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from capture.archive import load_manifest, manifest_key
from capture.clip import ClipCut, cut_clip
from capture.legal_hold import legal_hold
from capture.verify import verify_stream
from models import ChatEvent, Manifest, VerifyReport
from storage.objects import ObjectStore

__all__ = ["ArchiveView"]


class ArchiveView:
    """Cached, thread-safe read access to one store's streams."""

    def __init__(
        self,
        store: ObjectStore,
        *,
        size: int = 64,
        ttl: float = 2.0,
        chat: Callable[[str], Sequence[ChatEvent]] | None = None,
    ) -> None:
        self.store, self.size, self.ttl = store, size, ttl
        self.chat = chat  # a stream's chat events as the catalog holds them, checked against the chain
        self._cache: OrderedDict[str, tuple[object, Manifest | None]] = OrderedDict()
        self._lock = threading.Lock()

    def _token(self, stream_id: str) -> object:
        """What tells a cached manifest is still current: file stat locally, a time slot otherwise."""
        path = self.store.local_path(manifest_key(stream_id))
        if path is None:
            return ("ttl", int(time.monotonic() / self.ttl))
        try:
            st = path.stat()
        except FileNotFoundError:
            return ("missing",)
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def manifest(self, stream_id: str) -> Manifest | None:
        """The stream's manifest, or None when nothing is recorded; StorageError if it cannot be read."""
        token = self._token(stream_id)
        with self._lock:
            hit = self._cache.get(stream_id)
            if hit is not None and hit[0] == token:
                self._cache.move_to_end(stream_id)
                return hit[1]
        manifest = load_manifest(self.store, stream_id)
        with self._lock:
            self._cache[stream_id] = (token, manifest)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return manifest

    def clip(self, stream_id: str, start: float, end: float, out: Path, *, exact: bool = False) -> ClipCut:
        """Cut [start, end) into `out` (see `capture.clip.cut_clip`; same errors)."""
        return cut_clip(
            self.store, stream_id, start, end, out, reencode=exact, manifest=self.manifest(stream_id)
        )

    def verify(self, stream_id: str) -> VerifyReport:
        """The chain check, including the catalog's chat against the archived chat."""
        return verify_stream(self.store, stream_id, self.chat(stream_id) if self.chat else None)

    def legal_hold(self, stream_id: str) -> dict[str, Any] | None:
        return legal_hold(self.store, stream_id)
