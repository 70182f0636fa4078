"""Record one live source into one stream's archive, for as long as it runs, without silent loss.

Each connection is one PyAV container cut by a PyAVSegmenter; segments go to the archive as
they close (manifest and playlist updated each time), audio chunks are yielded to the caller.
When the source drops, the segment in progress is kept, the recorder reconnects with bounded
backoff, and the time between the last recorded second and the reconnect is recorded as a gap
with its reason, in the same chain. A recorder started again on an existing stream (after a
crash or SIGKILL) continues it: the time it was away becomes a gap "recorder restarted" (where
its source sends again what the archive ends with, only what the source skipped is a gap).

Clocks: within a connection, stream time follows the source's timestamps; across connections
(and restarts) it follows the recorder's clock, ``t = (now − started_at)``, so gaps have their
real length. Each segment's wall clock comes from the source where it has one (HLS program
date-time), else from ``started_at + t``; the manifest says which.

Nothing is archived twice: a reconnect (or a playlist) that lands in media already recorded —
an HLS window still holding segments the last connection read, a server re-sending its last
seconds, a source looping from its start — is recognised by `ReplayGuard` (the same bytes at the
same timestamps) and dropped; recording continues after it on the source's own timeline, with a
gap only for what the source really skipped. New media at old timestamps (an RTMP publisher that
restarted at pts 0) is new content and is kept.

Sources that are not live are not looped. A local file, a file over HTTP with a known duration
(mp4, mkv, FLV…) and an HLS playlist with EXT-X-ENDLIST are recorded once, at their own pace:
never faster than real time, so no segment's wall clock lies in the future, and never reconnected
at their end (`onrecord ingest` archives a file at once).

A write that fails (disk full, store unreachable) is not a source drop and is never retried: the
recording ends with status failed and a gap, with the reason, from the last good segment to the
stream time reached (`StreamArchive.fail`, best effort), and the StorageError is raised; what was
recorded before stays verifiable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import av

from capture.archive import StreamArchive
from capture.archive_audio import archived_packets
from capture.hls import SourceClock
from capture.overlap import ReplayGuard, src_time
from capture.reconnect import Attempts, Backoff, connect_with_backoff
from capture.segmenter import PyAVSegmenter, SegmentData
from capture.sources import Source, SourceKind, classify, open_source, recorded_duration
from models import AudioChunk, CaptureError, OnRecordError, Segment, StorageError, Stream, StreamStatus
from storage.objects import ObjectStore

GAP_TOLERANCE_S = 0.05  # below this, a reconnect continues at the archive's end (verify's tolerance)
RESEED_S = 120.0  # a restarted recorder recognises this much of the archive's end if sent again


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
    recorded_s: float | None = None  # a recording, not live: its duration (s) where it has one

    @property
    def recorded(self) -> bool:
        """A file or VOD: recorded once at its own pace, never reconnected at its end."""
        return self.complete or self.recorded_s is not None


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
        self.guard = ReplayGuard()  # one per run: a restarted recorder starts a new connection series
        self._t_start = 0.0
        self._mono0 = 0.0
        self._reached = 0.0  # the stream time the last segment closed at, written or not
        self._repeating: tuple[float, Iterator[float]] | None = None  # replay-only connections since

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
        if resumed and source.live:
            self._seed(archive)
        self._mono0 = self.clock()
        since_start = (datetime.now(UTC) - started_at).total_seconds()
        self._t_start = max(archive.end, since_start) if source.live else archive.end
        timer = threading.Timer(duration_s, stop.set) if duration_s else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        status, error = StreamStatus.FINISHED, None
        failing: OnRecordError | None = None
        try:
            yield from self._loop(source, stop, "recorder restarted" if resumed else "waiting for the source")
            error = self.end_note
        except StorageError as exc:  # the store cannot take the recording: end it, never retry
            status, error, failing = StreamStatus.FAILED, str(exc), exc
            archive.fail(error, max(self._reached, archive.end))
            raise
        except OnRecordError as exc:
            status, error, failing = StreamStatus.FAILED, str(exc), exc
            raise
        finally:
            if timer is not None:
                timer.cancel()
            if not isinstance(failing, StorageError):
                archive.finish(status, error)
            self._final_notify(status, error, failing)

    def _seed(self, archive: StreamArchive) -> None:
        """Read the archive's last seconds back, so a source that sends them again is recognised.
        An archive that cannot be read back costs only that: the recording goes ahead."""
        try:
            self.guard.seed(archived_packets(self.store, archive.manifest, archive.end - RESEED_S))
        except (CaptureError, StorageError):
            self.guard = ReplayGuard()

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
            self._notify(StreamStatus.RECORDING, None)
            lost = "the source ended the stream"
            with conn.container:
                try:
                    yield from self._record(conn, self._placer(conn, reason, attempts), stop)
                except CaptureError as exc:  # dropped mid-stream: the partial segment is already kept
                    lost = str(exc)
            if not source.live or stop.is_set() or (conn.recorded and lost == "the source ended the stream"):
                return  # a recorded file or VOD is not looped
            if self._only_repeats(stop):
                self.end_note = "the source only repeats what is already recorded"
                return
            reason = f"source lost: {lost}"
            self._reconnecting(Attempts(0, lost))

    def _only_repeats(self, stop: threading.Event) -> bool:
        """After a connection that sent nothing new: wait as after a failed attempt, and True once
        the source has sent only what is recorded for longer than the backoff's give-up time."""
        if self.guard.kept or not self.guard.replayed:
            self._repeating = None
            return False
        now = self.clock()
        if self._repeating is None:
            self._repeating = (now, self.config.backoff.delays())
        since, delays = self._repeating
        if now - since > self.config.backoff.give_up_s:
            return True
        stop.wait(next(delays))
        return False

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
        return _Connection(container, t_open, clock, complete, recorded_duration(source, container))

    def _placer(
        self, conn: _Connection, reason: str, attempts: Attempts
    ) -> Callable[[float], tuple[float, float | None]]:
        """Where the connection's first packet goes on the stream clock (and the gap before it).

        After a replay the source's own timeline says how much it skipped; otherwise, and on a first
        connection, the recorder's clock does."""
        src_end = self.guard.src_end
        if src_end is None:  # nothing recorded in this series: place it now (a resume gap is eager)
            t0 = self._gap(conn.t_open, reason, attempts)
            return lambda _src: (t0, None)

        def place(first_src: float) -> tuple[float, float | None]:
            assert self.archive is not None
            if self.guard.replayed:
                skipped = max(0.0, first_src - src_end)
                return self._gap(self.archive.end + skipped, reason, attempts), first_src
            return self._gap(conn.t_open, reason, attempts), None

        return place

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

    def _record(
        self, conn: _Connection, place: Callable[[float], tuple[float, float | None]], stop: threading.Event
    ) -> Iterator[AudioChunk]:
        assert self.archive is not None

        def packets(demuxed: Iterable[av.Packet]) -> Iterable[av.Packet]:
            kept = self.guard.connection(demuxed)
            return self._paced(kept, stop) if conn.recorded else kept

        segmenter = PyAVSegmenter(
            self.stream.id,
            self.config.segment_s,
            t_offset=self.archive.end,
            audio_chunk_s=self.config.audio_chunk_s,
            packet_filter=packets,
            begin=place,
        )
        for ev in segmenter.run(conn.container, stop):
            if isinstance(ev, SegmentData):
                self._reached = ev.t1
                wall = conn.clock.wall(ev.src_t0) if conn.clock and ev.src_t0 is not None else None
                seg = self.archive.append_segment(
                    ev.data, ev.t0, ev.t1, wall_clock=wall, clock_source="source" if wall else "recorder"
                )
                self.segments += 1
                if self.on_segment is not None:
                    self.on_segment(seg)
            else:
                yield ev

    def _paced(self, packets: Iterable[av.Packet], stop: threading.Event) -> Iterator[av.Packet]:
        """A recording read no faster than real time (its wall clock then never lies ahead of now)."""
        first: float | None = None
        mono0 = self.clock()
        for packet in packets:
            src = src_time(packet)
            first = src if first is None else first
            ahead = (src - first) - (self.clock() - mono0)
            if ahead > 0 and stop.wait(ahead):
                return
            yield packet

    def _reconnecting(self, attempts: Attempts) -> None:
        if self.archive is not None and self.archive.manifest.stream.status is not StreamStatus.RECONNECTING:
            self.archive.set_status(StreamStatus.RECONNECTING, attempts.last_error)
            self._notify(StreamStatus.RECONNECTING, attempts.last_error)

    def _final_notify(self, status: StreamStatus, error: str | None, failing: OnRecordError | None) -> None:
        """Report the final status; a second failure there (a catalog on the same full disk) must
        not hide the error that ended the recording, so it becomes a note on that error."""
        try:
            self._notify(status, error)
        except OnRecordError as exc:
            if failing is None:
                raise
            failing.add_note(f"reporting the failed status also failed: {exc}")

    def _notify(self, status: StreamStatus, error: str | None) -> None:
        if self.on_status is not None:
            self.on_status(status, error)
