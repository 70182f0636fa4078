"""One stream through the whole pipeline in one process: capture → transcribe → claims → index.

Capture runs in its own thread and hands audio to transcription through a bounded queue (with a
sentinel for end of stream), so a slow model applies back-pressure instead of growing memory.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from capture.archive import StreamArchive
from capture.segmenter import PyAVSegmenter, SegmentData, open_input
from models import AudioChunk, Claim, InputError, OnRecordError, Product, Stream, StreamStatus, Utterance
from pipeline.ingest_lease import FAILED, FINISHED, RUNNING, Heartbeat, this_host
from pipeline.resume import plan_ingest, reconcile_index, resumed_events
from pipeline.services import Services
from storage.catalog import IngestRecord

if TYPE_CHECKING:
    from claims.extractor import ClaimExtractor
    from transcribe.protocol import WindowedTranscriber, WindowState

_END = object()


@dataclass
class SessionResult:
    stream: str
    segments: int = 0
    utterances: int = 0
    claims: list[Claim] = field(default_factory=list)
    duration: float = 0.0
    resumed_from: float | None = None  # where transcription restarted, when this run resumed an ingest


ProgressFn = Callable[[float], None]  # called with the stream time reached so far


class SessionRunner:
    """Runs one stream's pipeline; `on_utterance` sees every utterance with its claims as it is indexed."""

    def __init__(self, services: Services, stream: Stream, products: list[Product] | None = None) -> None:
        self.services = services
        self.stream = stream
        self.products = products or []
        self.on_progress: ProgressFn | None = None

    def ingest_file(self, path: Path, *, append: bool = False, resume: bool = False) -> SessionResult:
        """Archive, transcribe, extract and index a recorded file. InputError before anything is written
        if the file cannot be used, the stream already exists (unless `append`, for a different file),
        the file is already in the stream, or the stream's last ingest did not finish (unless `resume`).

        Every stage commits as it goes, so a killed ingest resumed with `resume` neither redoes nor
        skips anything: segments already archived are skipped (the segmenter cuts a file the same way
        every time), transcription restarts at the end of the last committed speech window, and the
        index is reconciled with the catalog. A write that fails (disk full, store unreachable) ends
        the ingest `failed`, with the hole from the last good segment recorded as a gap, and raises
        that first error."""
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: no such file")
        container = open_input(str(path))
        try:
            if not container.streams.audio:
                raise InputError(f"{path}: no audio track (OnRecord needs the host's voice)")
            rec, existing = plan_ingest(self.services, self.stream.id, path, append, resume)
            stream = existing.stream if existing is not None else self.stream
            self.stream = stream
            catalog = self.services.catalog
            mine = replace(rec, state=RUNNING, pid=os.getpid(), host=this_host(), heartbeat=time.time())
            if not resume:
                catalog.put_ingest(mine)
            elif not catalog.take_over_ingest(rec, mine.pid, mine.host, mine.heartbeat):
                raise InputError(f"stream {stream.id!r} is being resumed by another process right now")
            rec = mine
            self.services.reserve.hold()
            catalog.upsert_stream(stream.model_copy(update={"status": StreamStatus.RECORDING, "error": None}))
            result = SessionResult(stream=stream.id)
            if resume:
                result.resumed_from = rec.transcribed_t
                catalog.delete_content_from(stream.id, rec.transcribed_t)  # the uncommitted window
                reconcile_index(self.services, stream, self.products)
            archive = StreamArchive.open(self.services.store, stream)
            segmenter = PyAVSegmenter(stream.id, rec.segment_s, t_offset=rec.t_offset)
            events = resumed_events(segmenter.run(container), archive.end, rec.transcribed_t)
            with Heartbeat(catalog, rec, self.services.settings.ingest_heartbeat_seconds):
                self._run(lambda: events, archive, result, rec)
        finally:
            container.close()
        return result

    def _run(
        self,
        events: Callable[[], Iterator[SegmentData | AudioChunk]],
        archive: StreamArchive,
        result: SessionResult,
        rec: IngestRecord,
    ) -> SessionResult:
        audio: queue.Queue[object] = queue.Queue(maxsize=16)
        failure = _FirstFailure()
        reached = [archive.end]  # how far the source got (a segment that could not be written included)

        def capture() -> None:
            try:
                for ev in events():
                    if failure.happened:
                        break
                    if isinstance(ev, SegmentData):
                        reached[0] = max(reached[0], ev.t1)
                        archive.append_segment(ev.data, ev.t0, ev.t1)
                        result.segments += 1
                        result.duration = ev.t1
                    else:
                        _put(audio, ev, failure)
            except BaseException as exc:  # handed to the consuming thread, raised there if it came first
                failure.record(exc)
            finally:
                _put(audio, _END, failure)

        thread = threading.Thread(target=capture, name=f"capture-{self.stream.id}", daemon=True)
        thread.start()
        try:
            self._consume(self._chunks(audio, failure), result, rec, failure)
            if not failure.happened:
                self.services.index.save()
        except BaseException as exc:
            failure.record(exc)
        finally:
            thread.join()
        result.duration = max(result.duration, archive.end)
        if failure.first is not None:
            self._fail(archive, rec, failure.first, reached[0])
            raise failure.first
        archive.finish(StreamStatus.FINISHED, None)
        self.services.catalog.set_status(self.stream.id, StreamStatus.FINISHED, None)
        self.services.catalog.update_ingest(rec.stream_id, rec.fingerprint, state=FINISHED)
        return result

    def _fail(self, archive: StreamArchive, rec: IngestRecord, exc: BaseException, reached: float) -> None:
        """End the ingest as failed, best effort: the disk that failed the first write may fail these too,
        and the first error is the one reported."""
        status, reason = StreamStatus.FAILED, str(exc) or type(exc).__name__
        if isinstance(exc, KeyboardInterrupt):  # stopped, not broken: nothing lost, the rest not yet read
            status, reason = StreamStatus.INTERRUPTED, f"stopped by the user at {archive.end:.1f} s; --resume continues"
            with contextlib.suppress(OnRecordError, OSError):
                archive.finish(status, reason)
        else:
            self.services.reserve.release()  # room for the closing gap, the status and the index
            archive.fail(reason, reached)
        catalog = self.services.catalog
        for step in (
            lambda: catalog.set_status(self.stream.id, status, reason),
            lambda: catalog.update_ingest(rec.stream_id, rec.fingerprint, state=FAILED, heartbeat=time.time()),
            self.services.index.save,  # what was transcribed stays searchable where the disk allows
        ):
            try:
                step()
            except (OnRecordError, OSError, RuntimeError):  # faiss reports a failed write as RuntimeError
                continue

    @staticmethod
    def _chunks(q: queue.Queue[object], failure: _FirstFailure) -> Iterator[AudioChunk]:
        while (item := q.get()) is not _END and not failure.happened:
            assert isinstance(item, AudioChunk)
            yield item

    def _consume(
        self, chunks: Iterator[AudioChunk], result: SessionResult, rec: IngestRecord, failure: _FirstFailure
    ) -> None:
        """Transcribe window by window; after each window's utterances are all in the catalog, commit the
        window's end as the ingest's watermark (where a resumed ingest restarts)."""
        transcriber = self.services.transcriber(self.products)
        extractor = self.services.extractor(self.products)
        state = self._restored_state(transcriber, rec.transcribed_t)
        catalog = self.services.catalog
        for window in transcriber.windows(chunks):
            if failure.happened:  # the audio was cut short: this window may end mid-word
                return
            for utt in transcriber.transcribe_window(window, state):
                result.claims.extend(self.process_utterance(utt, extractor))
                result.utterances += 1
                if self.on_progress:
                    self.on_progress(utt.t1)
            catalog.update_ingest(rec.stream_id, rec.fingerprint, transcribed_t=window.t1, heartbeat=time.time())

    def _restored_state(self, transcriber: WindowedTranscriber, t: float) -> WindowState:
        """The transcriber's state as it was at `t`: the text said before as context, the last utterance."""
        from transcribe.protocol import WindowState

        state = WindowState()
        before = [u for u in self.services.catalog.utterances(self.stream.id) if u.t0 < t]
        if before:
            state.context = "".join(u.text for u in before)[-transcriber.context_chars :]
            state.last_t1, state.last_text = before[-1].t1, before[-1].text
            state.seen = {u.id for u in before[-16:]}
        return state

    def process_utterance(self, utt: Utterance, extractor: ClaimExtractor) -> list[Claim]:
        """Extract, store and index one utterance; returns its claims (with wall-clock times). The
        utterance is embedded once: the claims classifier and the index share its passage vector."""
        vector = extractor.embedder.encode_passages([utt.text])[0] if extractor.embedder is not None else None
        claims, risks = extractor.extract_utterance(utt, vector)
        claims = [c.model_copy(update={"at": wall_clock(self.stream, c.t0)}) for c in claims]
        catalog = self.services.catalog
        catalog.add_utterances([utt])
        catalog.add_claims(claims)
        catalog.add_risks(utt.stream_id, utt.id, utt.t0, risks)
        self.services.index.add_utterances(
            [utt], claims, merchant=self.stream.merchant, started_at=self.stream.started_at,
            risks={utt.id: risks} if risks else None, products=self.products,
            vectors={utt.id: vector} if vector is not None else None,
        )
        # Other processes (the API, `onrecord search`) see the index through its saved snapshots:
        # save every few seconds while the stream runs, so a promise is findable while on air.
        self.services.index.save_if_due(self.services.settings.index_save_seconds)
        return claims


class _FirstFailure:
    """The first error of either thread (a later one is usually its consequence: a full disk fails the
    segment write, then the catalog's, then the index's)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.first: BaseException | None = None

    @property
    def happened(self) -> bool:
        return self.first is not None

    def record(self, exc: BaseException) -> None:
        with self._lock:
            if self.first is None:
                self.first = exc


def _put(q: queue.Queue[object], item: object, failure: _FirstFailure) -> None:
    """Put `item`, without blocking forever on a consumer that has stopped (a failure, or the sentinel
    into a queue nobody drains any more)."""
    while True:
        try:
            q.put(item, timeout=0.5)
            return
        except queue.Full:
            if failure.happened:
                with contextlib.suppress(queue.Empty):
                    q.get_nowait()  # make room: nothing queued is used after a failure


def wall_clock(stream: Stream, t: float) -> datetime:
    from datetime import timedelta

    return stream.started_at + timedelta(seconds=t)


def new_stream(
    stream_id: str, *, source: str, merchant: str, started_at: datetime | None = None, title: str = ""
) -> Stream:
    return Stream(
        id=stream_id,
        merchant=merchant,
        title=title,
        source=source,
        started_at=started_at or datetime.now(UTC),
    )
