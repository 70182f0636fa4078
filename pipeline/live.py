"""A live stream through the whole pipeline while it is on air: record → transcribe → claims → index.

The recorder runs in its own thread and never waits for the models: it hands audio to
transcription through a bounded queue with `put_nowait`, so a slow transcriber can cost
transcripts (counted in `asr_dropped_s`, recoverable later from the archive) but never a
recorded second. Each utterance is indexed as soon as it is transcribed, so a promise is
searchable while the stream is still live. Audio is transcribed in contiguous runs: a gap in
the recording starts a new run, so utterance times stay right on the stream clock.

A stream recorded again after its recorder was killed (SIGKILL, a crash) may hold seconds that
were archived but never transcribed (transcription was behind at the kill): they are read back
from the archive and transcribed first, up to `resume_tail_s`; what lies further back is
reported as `untranscribed_s`, never silently missing.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from capture.archive import load_manifest
from capture.archive_audio import archived_audio
from capture.chat import ChatSource
from capture.recorder import LiveRecorder, RecorderConfig
from models import (
    AudioChunk,
    CaptureError,
    Claim,
    OnRecordError,
    Product,
    StorageError,
    Stream,
    StreamStatus,
    Utterance,
)
from pipeline.chat_live import LiveChat, LiveChatStats
from pipeline.ingest_lease import RecordingLease
from pipeline.services import Services
from pipeline.session import SessionResult, SessionRunner

_END = object()
_CONTIGUOUS_S = 0.05


@dataclass
class LiveResult(SessionResult):
    status: StreamStatus = StreamStatus.FINISHED
    error: str | None = None
    gaps: int = 0
    lags: list[float] = field(default_factory=list)  # stream-now − utterance end, per utterance
    asr_dropped_s: float = 0.0
    resumed_s: float = 0.0  # seconds archived by an earlier run and transcribed from the archive now
    untranscribed_s: float = 0.0  # seconds archived earlier, past `resume_tail_s`, left untranscribed
    resume_error: str | None = None  # why part of the archive's tail could not be read back
    chat: LiveChatStats | None = None  # the live chat beside the video (`--comments`), when there was one


UtteranceFn = Callable[[Utterance, list[Claim]], None]


class LiveSession(SessionRunner):
    """Records `url` as `stream` and, unless `transcribe` is off, runs the pipeline on it live."""

    def __init__(
        self,
        services: Services,
        stream: Stream,
        url: str,
        products: list[Product] | None = None,
        *,
        config: RecorderConfig | None = None,
        transcribe: bool = True,
        max_backlog_chunks: int = 256,
        resume_tail_s: float = 600.0,
        comments: ChatSource | None = None,
    ) -> None:
        super().__init__(services, stream, products)
        self.comments = comments
        self.transcribe = transcribe
        self.recorder = LiveRecorder(
            services.store, stream, url, config or RecorderConfig(), on_status=self._status
        )
        self.audio: queue.Queue[object] = queue.Queue(maxsize=max_backlog_chunks)
        self.on_utterance: UtteranceFn | None = None
        self.result = LiveResult(stream=stream.id)
        self.resume_tail_s = resume_tail_s
        self._tail_end = 0.0  # where the archive ended when this run began
        # seconds of audio queued for / taken by the transcriber (each written by one thread only)
        self._offered_s = self._taken_s = 0.0

    def record(self, stop: threading.Event | None = None, duration_s: float | None = None) -> LiveResult:
        """Record until the source ends, `stop` is set or `duration_s` passes; re-raises what ended it
        abnormally (InputError: not usable media; CaptureError: unreachable) after saving the index."""
        stop = stop or threading.Event()
        failure: list[BaseException] = []

        def capture() -> None:
            try:
                for chunk in self.recorder.run(stop, duration_s):
                    self._offer(chunk)
            except BaseException as exc:  # re-raised in the calling thread
                failure.append(exc)
            finally:
                self.audio.put(_END)

        tail = self._untranscribed()  # before the recorder appends to the archive
        self.services.reserve.hold()
        self.services.catalog.upsert_stream(self.stream)
        lease = RecordingLease(
            self.services.catalog,
            self.stream,
            interval_s=self.services.settings.ingest_heartbeat_seconds,
            segment_s=self.services.settings.segment_seconds,
            reached=self._reached,
        ).take()
        thread = threading.Thread(target=capture, name=f"record-{self.stream.id}", daemon=True)
        thread.start()
        chat = self._chat()
        try:
            with lease:
                self._pipeline(tail)
        finally:
            stop.set()
            self._join(thread)
            if chat is not None:
                self.result.chat = chat.stop()
            self._save_index(failure)
            lease.release(failure[0] if failure else None)
        archive = self.recorder.archive
        if archive is not None:
            self.result.segments = len(archive.manifest.segments)
            self.result.gaps = len(archive.manifest.gaps)
            self.result.duration = archive.end
        if failure:
            raise failure[0]
        return self.result

    def _chat(self) -> LiveChat | None:
        """The live chat beside the recording (its failure never stops the video: LiveChat logs it)."""
        if self.comments is None:
            return None
        if self.transcribe:
            _ = self.services.index  # built once here: cached_property takes no lock on Python >= 3.12
        return LiveChat(
            self.services, self.stream, self.comments, lambda: self.recorder.archive, index=self.transcribe
        ).start()

    def stream_seconds(self, at: datetime) -> float:
        """A wall-clock time on this recording's stream clock (the archive's start once it is open)."""
        archive = self.recorder.archive
        started = archive.manifest.stream.started_at if archive is not None else self.stream.started_at
        return (at - started).total_seconds()

    def _reached(self) -> float:
        archive = self.recorder.archive
        return archive.end if archive is not None else 0.0

    def _join(self, thread: threading.Thread) -> None:
        """Wait for the capture thread, taking what it still queues: after a pipeline error nobody
        else reads the queue, and its end-of-stream `put` must not block on a full backlog."""
        while thread.is_alive():
            try:
                item = self.audio.get(timeout=0.1)
            except queue.Empty:
                continue
            if isinstance(item, AudioChunk):  # in the archive, not transcribed
                self.result.asr_dropped_s += item.t1 - item.t0
        thread.join()

    def _save_index(self, failure: list[BaseException]) -> None:
        """Save what was indexed; when the recording already failed (a full disk), a failing save
        becomes a note on that error instead of replacing it."""
        if not self.transcribe:
            return
        try:
            self.services.index.save()
        except (OnRecordError, OSError) as exc:
            if not failure:
                raise
            failure[0].add_note(f"saving the index also failed: {exc}")

    def _offer(self, chunk: AudioChunk) -> None:
        if not self.transcribe:
            return
        try:
            self.audio.put_nowait(chunk)
            self._offered_s += chunk.t1 - chunk.t0
        except queue.Full:  # transcription is behind: never block the recorder
            self.result.asr_dropped_s += chunk.t1 - chunk.t0

    def _status(self, status: StreamStatus, error: str | None) -> None:
        archive = self.recorder.archive
        if status is StreamStatus.FAILED:
            self.services.reserve.release()  # a full disk: room to record that the recording failed
        if archive is not None:
            self.stream = archive.manifest.stream.model_copy(update={"status": status, "error": error})
            self.services.catalog.upsert_stream(self.stream)
        self.result.status, self.result.error = status, error

    def _queued(self) -> Iterator[AudioChunk]:
        while (item := self.audio.get()) is not _END:
            assert isinstance(item, AudioChunk)
            self._taken_s += item.t1 - item.t0
            yield item

    def backlog_s(self) -> float:
        """How far transcription is behind the recording: seconds of audio queued, not yet taken."""
        return max(0.0, self._offered_s - self._taken_s)

    def _untranscribed(self) -> Iterator[AudioChunk]:
        """The archive's audio after the stream's last utterance (none for a new stream)."""
        manifest = load_manifest(self.services.store, self.stream.id)
        if not self.transcribe or manifest is None or not manifest.segments:
            return iter(())
        said = max((u.t1 for u in self.services.catalog.utterances(self.stream.id)), default=0.0)
        self._tail_end = end = manifest.duration
        start = max(said, end - self.resume_tail_s)
        self.result.untranscribed_s = round(max(0.0, start - said), 3)
        self.result.resumed_s = round(max(0.0, end - start), 3)
        return self._read_back(archived_audio(self.services.store, manifest, start))

    def _read_back(self, tail: Iterator[AudioChunk]) -> Iterator[AudioChunk]:
        """The archive's tail; an archive that cannot be read back must not stop the live recording:
        what was not read is reported as untranscribed, with the reason."""
        reached = self._tail_end - self.result.resumed_s
        try:
            for chunk in tail:
                reached = chunk.t1
                yield chunk
        except (CaptureError, StorageError) as exc:
            self.result.untranscribed_s = round(self.result.untranscribed_s + self._tail_end - reached, 3)
            self.result.resumed_s = round(max(0.0, self.result.resumed_s - (self._tail_end - reached)), 3)
            self.result.error = (
                f"the archive's last {self._tail_end - reached:.1f}s were not transcribed: {exc}"
            )

    def _pipeline(self, tail: Iterator[AudioChunk]) -> None:
        chunks = itertools.chain(tail, self._queued())
        if not self.transcribe:
            for _ in chunks:
                pass
            return
        transcriber = self.services.transcriber(self.products, live=True, backlog=self.backlog_s)
        extractor = self.services.extractor(self.products)
        # load the embedding model and the index while the first seconds are recorded, not when
        # the first sentence is (importing sentence-transformers and loading it takes ~10 s)
        self.services.embedder.load()
        self.services.index.load()
        for run in contiguous_runs(chunks):
            for utt in transcriber.transcribe(run):
                claims = self.process_utterance(utt, extractor)
                self.result.utterances += 1
                self.result.claims.extend(claims)
                if utt.t1 > self._tail_end:  # read back from the archive: no live lag
                    self.result.lags.append(self.recorder.stream_now() - utt.t1)
                if self.on_utterance is not None:
                    self.on_utterance(utt, claims)


def contiguous_runs(chunks: Iterator[AudioChunk]) -> Iterator[Iterator[AudioChunk]]:
    """Split audio into runs without holes; each run must be consumed before the next is taken."""
    held: list[AudioChunk] = []

    def run(first: AudioChunk) -> Iterator[AudioChunk]:
        yield first
        expected = first.t1
        for chunk in chunks:
            if abs(chunk.t0 - expected) > _CONTIGUOUS_S:
                held.append(chunk)
                return
            yield chunk
            expected = chunk.t1

    first = next(chunks, None)
    while first is not None:
        yield run(first)
        first = held.pop() if held else None


def record_stream(
    services: Services,
    url: str,
    stream_id: str,
    *,
    products: list[Product] | None = None,
    merchant: str | None = None,
    duration_s: float | None = None,
    transcribe: bool = True,
    give_up_s: float = 120.0,
    comments: str | None = None,
) -> LiveResult:
    """`onrecord record`: SIGTERM/SIGINT stop it cleanly (the last segment is closed and kept);
    an existing stream id continues that stream after a gap for the time the recorder was away.
    `comments`: a live chat source (a ws:// or http(s):// JSON-lines feed, or a chat file) recorded beside it."""
    import signal

    from capture.reconnect import Backoff
    from capture.sources import classify
    from pipeline.session import new_stream

    classify(url)  # an unsupported URL is an InputError before anything is written
    s = services.settings
    stream = new_stream(stream_id, source=url, merchant=merchant or s.merchant)
    config = RecorderConfig(segment_s=s.segment_seconds, backoff=Backoff(give_up_s=give_up_s))
    session = LiveSession(services, stream, url, products, config=config, transcribe=transcribe)
    if comments is not None:
        from capture.chat import open_chat_source

        session.comments = open_chat_source(comments, stream_id, session.stream_seconds)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return session.record(stop, duration_s)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
