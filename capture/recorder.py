"""Record one live source into one stream's archive, for as long as it runs, without silent loss.

Each connection is one PyAV container cut by a PyAVSegmenter; segments go to the archive as
they close (manifest and playlist updated each time), audio chunks are yielded to the caller.
When the source drops, the segment in progress is kept, the recorder reconnects with bounded
backoff, and the time between the last recorded second and the reconnect is recorded as a gap
with its reason, in the same chain. A recorder started again on an existing stream (after a
crash or SIGKILL) continues it: the time it was away becomes a gap "recorder restarted".

Clocks: within a connection, stream time follows the source's timestamps; across connections
(and restarts) it follows the recorder's clock, ``t = (now − started_at)``, so gaps have their
real length. Each segment's wall clock comes from the source where it has one (HLS program
date-time), else from ``started_at + t``; the manifest says which.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import av

from capture.archive import StreamArchive
from capture.hls import SourceClock
from capture.reconnect import Attempts, Backoff, connect_with_backoff
from capture.segmenter import PyAVSegmenter, SegmentData
from capture.sources import Source, SourceKind, classify, open_source
from models import AudioChunk, CaptureError, OnRecordError, Segment, Stream, StreamStatus
from storage.objects import ObjectStore

GAP_TOLERANCE_S = 0.05  # below this, a reconnect continues at the archive's end (verify's tolerance)


@dataclass(frozen=True)
class RecorderConfig:
    segment_s: float = 4.0
    # audio goes to the transcriber every this many seconds, not only when a segment closes
    # (a sentence is then seconds sooner in the live index); None: once per segment
    audio_chunk_s: float | None = 1.0
    open_timeout_s: float = 10.0
    read_timeout_s: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)


@dataclass
class _Connection:
    container: av.container.InputContainer
    t_open: float  # stream time when the connection was opened
    clock: SourceClock | None
    complete: bool  # the source says it has ended (HLS ENDLIST)


class LiveRecorder:
    """Records `url` into `stream`'s archive; `run(stop)` yields the audio as it is captured."""

    def __init__(
        self,
        store: ObjectStore,
        stream: Stream,
        url: str,
        config: RecorderConfig | None = None,
        *,
        on_status: Callable[[StreamStatus, str | None], None] | None = None,
        on_segment: Callable[[Segment], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.stream = stream
        self.url = url
        self.config = config or RecorderConfig()
        self.on_status = on_status
        self.on_segment = on_segment
        self.clock = clock
        self.archive: StreamArchive | None = None
        self.segments = 0
        self.end_note: str | None = None  # why a live recording ended, when the source just went away
        self._t_start = 0.0
        self._mono0 = 0.0

    def stream_now(self) -> float:
        """The current time on the stream clock, by the recorder's clock."""
        return self._t_start + (self.clock() - self._mono0)

    def run(self, stop: threading.Event, duration_s: float | None = None) -> Iterator[AudioChunk]:
        """Record until the source ends, `stop` is set, or `duration_s` (wall clock) has passed.

        The archive is always left valid with a final status. Raises InputError for a source that
        is not usable media, and CaptureError when it cannot be reached within the backoff window.
        """
        source = classify(self.url)
        archive = self.archive = StreamArchive.open(self.store, self.stream)
        started_at = archive.manifest.stream.started_at
        resumed = bool(archive.manifest.entries)
        self._mono0 = self.clock()
        since_start = (datetime.now(UTC) - started_at).total_seconds()
        self._t_start = max(archive.end, since_start) if source.live else archive.end
        timer = threading.Timer(duration_s, stop.set) if duration_s else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        status, error = StreamStatus.FINISHED, None
        try:
            yield from self._loop(source, stop, "recorder restarted" if resumed else "waiting for the source")
            error = self.end_note
        except OnRecordError as exc:
            status, error = StreamStatus.FAILED, str(exc)
            raise
        finally:
            if timer is not None:
                timer.cancel()
            archive.finish(status, error)
            self._notify(status, error)

    def _loop(self, source: Source, stop: threading.Event, reason: str) -> Iterator[AudioChunk]:
        while not stop.is_set():
            try:
                conn, attempts = connect_with_backoff(
                    lambda: self._open(source), self.config.backoff, stop, on_failure=self._reconnecting
                )
            except CaptureError as exc:
                if not self.segments:
                    raise
                self.end_note = f"the source did not come back: {exc}"  # the stream has ended
                return
            if conn is None:  # stopped while the source was away: that time is a gap too
                if source.live:
                    self._gap(self.stream_now(), f"{reason}; recording stopped", attempts)
                return
            if not self._archive_entries() and source.live:
                self._start_clock_now(conn)  # a fresh recording starts when its source is first reached
            t0 = self._gap(conn.t_open, reason, attempts)
            self._notify(StreamStatus.RECORDING, None)
            lost = "the source ended the stream"
            with conn.container:
                try:
                    yield from self._record(conn, t0, stop)
                except CaptureError as exc:  # dropped mid-stream: the partial segment is already kept
                    lost = str(exc)
            if not source.live or conn.complete or stop.is_set():
                return
            reason = f"source lost: {lost}"
            self._reconnecting(Attempts(0, lost))

    def _archive_entries(self) -> int:
        return len(self.archive.manifest.entries) if self.archive is not None else 0

    def _start_clock_now(self, conn: _Connection) -> None:
        assert self.archive is not None
        mono, since_open = self.clock(), self.stream_now() - conn.t_open
        self.archive.restart_clock(datetime.now(UTC) - timedelta(seconds=since_open))
        self._t_start, self._mono0, conn.t_open = 0.0, mono - since_open, 0.0

    def _open(self, source: Source) -> _Connection:
        clock, complete = None, False
        if source.kind is SourceKind.HLS:
            clock, complete = SourceClock.probe_hls(source.url, self.config.open_timeout_s)
        t_open = self.stream_now()
        container = open_source(source, self.config.open_timeout_s, self.config.read_timeout_s)
        return _Connection(container, t_open, clock, complete)

    def _gap(self, t_open: float, reason: str, attempts: Attempts) -> float:
        """Record [archive end, t_open) as a gap if it is real; returns where recording continues."""
        assert self.archive is not None
        end = self.archive.end
        if t_open - end <= GAP_TOLERANCE_S:
            return end
        if attempts.failures:
            reason = f"{reason}; {attempts.failures} failed attempts, last: {attempts.last_error}"
        self.archive.append_gap(end, t_open, reason)
        return t_open

    def _record(self, conn: _Connection, t0: float, stop: threading.Event) -> Iterator[AudioChunk]:
        assert self.archive is not None
        segmenter = PyAVSegmenter(
            self.stream.id, self.config.segment_s, t_offset=t0, audio_chunk_s=self.config.audio_chunk_s
        )
        for ev in segmenter.run(conn.container, stop):
            if isinstance(ev, SegmentData):
                wall = conn.clock.wall(ev.src_t0) if conn.clock and ev.src_t0 is not None else None
                seg = self.archive.append_segment(
                    ev.data, ev.t0, ev.t1, wall_clock=wall, clock_source="source" if wall else "recorder"
                )
                self.segments += 1
                if self.on_segment is not None:
                    self.on_segment(seg)
            else:
                yield ev

    def _reconnecting(self, attempts: Attempts) -> None:
        if self.archive is not None and self.archive.manifest.stream.status is not StreamStatus.RECONNECTING:
            self.archive.set_status(StreamStatus.RECONNECTING, attempts.last_error)
            self._notify(StreamStatus.RECONNECTING, attempts.last_error)

    def _notify(self, status: StreamStatus, error: str | None) -> None:
        if self.on_status is not None:
            self.on_status(status, error)
