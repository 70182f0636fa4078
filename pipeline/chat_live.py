"""A live chat source beside a recording: its events go on record in batches while the video is captured.

Two threads meet at a bounded queue: the reader takes what the source sends (blocking on a full queue, so
a slow disk slows the reading, never drops an event), the writer flushes a batch every `flush_s` or
`max_batch` events through `ChatWriter` (archive batch on the chain, catalog rows, index). A batch waits
until the recording has its first entry, so the stream clock it is on no longer moves. Nothing here
raises into the recording: an error ends the chat capture, is logged and kept in `stats.error`, and the
video goes on. The source's gaps go on the chain as chat gaps.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from capture.archive import StreamArchive
from capture.chat import ChatSource
from models import ChatEvent, ChatFeedGap, OnRecordError, Stream
from pipeline.chat import ChatWriter
from pipeline.services import Services

log = logging.getLogger(__name__)
_END = object()


@dataclass
class LiveChatStats:
    received: int = 0  # events the source gave
    added: int = 0  # stored (new)
    repeated: int = 0  # already stored
    batches: int = 0
    gaps: int = 0
    lost: int = 0  # read after the chat capture failed, not stored
    error: str | None = None


class LiveChat:
    """Runs `source` for `stream` until `stop()`; `archive()` is the recording's archive (None until it opens)."""

    def __init__(
        self,
        services: Services,
        stream: Stream,
        source: ChatSource,
        archive: Callable[[], StreamArchive | None],
        *,
        flush_s: float = 2.0,
        max_batch: int = 2000,
        queue_size: int = 10_000,
        index: bool = True,
    ) -> None:
        self.services, self.stream, self.source, self.archive = services, stream, source, archive
        self.flush_s, self.max_batch, self.index = flush_s, max_batch, index
        self.queue: queue.Queue[object] = queue.Queue(maxsize=queue_size)
        self.stats = LiveChatStats()
        self.flushed = threading.Condition()  # notified after each batch (tests and benchmarks wait on it)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._writer: ChatWriter | None = None

    def start(self) -> LiveChat:
        for target, name in ((self._read, "chat-read"), (self._write, "chat-write")):
            thread = threading.Thread(target=target, name=f"{name}-{self.stream.id}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout_s: float = 30.0) -> LiveChatStats:
        """Stop reading, store what was read, and return the stats."""
        self._stop.set()
        close = getattr(self.source, "close", None)
        if close is not None:
            close()
        for thread in self._threads:
            thread.join(timeout_s)
        return self.stats

    def _read(self) -> None:
        try:
            for item in self.source.events(self._stop):
                if isinstance(item, ChatEvent):
                    self.stats.received += 1
                self.queue.put(item)
        except (OnRecordError, OSError) as exc:  # a source's own failure ends the chat, not the video
            self._fail(f"chat source {self.source.name} failed: {exc}")
        finally:
            self.queue.put(_END)

    def _write(self) -> None:
        pending: list[ChatEvent] = []
        due = time.monotonic() + self.flush_s
        while True:
            try:
                item = self.queue.get(timeout=max(0.0, due - time.monotonic()))
            except queue.Empty:
                item = None
            if isinstance(item, ChatEvent):
                pending.append(item)
            now, ended, gap = time.monotonic(), item is _END, isinstance(item, ChatFeedGap)
            if pending and (ended or gap or len(pending) >= self.max_batch or now >= due):
                if self._flush(
                    pending, final=ended or gap
                ):  # a gap goes on the chain after what came before it
                    pending = []
            if isinstance(item, ChatFeedGap):
                self._gap(item)
            if now >= due:
                due = now + self.flush_s
            if ended:
                if pending:
                    self._fail(
                        f"{len(pending)} chat events not stored: the recording never opened its archive"
                    )
                return

    def _ready(self, final: bool) -> ChatWriter | None:
        archive = self.archive()
        if archive is None or (not archive.manifest.entries and not final):
            return None
        if self._writer is None or self._writer.archive is not archive:
            self._writer = ChatWriter(self.services, self.stream, archive, index=self.index)
        return self._writer

    def _flush(self, events: list[ChatEvent], *, final: bool = False) -> bool:
        """Store `events`; False when they must wait (no archive yet) or were dropped after an error."""
        if not events:
            return True
        if self.stats.error is not None:
            self.stats.lost += len(events)  # the chat capture has failed (stats.error says why)
            return True
        writer = self._ready(final)
        if writer is None:
            return False
        try:
            done = writer.write(events, strict=False)
        except (OnRecordError, OSError) as exc:
            self._fail(f"storing {len(events)} chat events failed: {exc}")
            return True
        self.stats.added += done.added
        self.stats.repeated += done.repeated
        self.stats.batches += 1 if done.added else 0
        with self.flushed:
            self.flushed.notify_all()
        return True

    def _gap(self, gap: ChatFeedGap) -> None:
        writer = self._ready(final=True)
        if writer is None or self.stats.error is not None:
            return
        try:
            writer.gap(gap)
            self.stats.gaps += 1
        except (OnRecordError, OSError) as exc:
            self._fail(f"recording a chat gap failed: {exc}")

    def _fail(self, message: str) -> None:
        if self.stats.error is None:
            self.stats.error = message
            log.error("stream %s: %s; the video recording goes on", self.stream.id, message)
        self._stop.set()
