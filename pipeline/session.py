"""One stream through the whole pipeline in one process: capture → transcribe → claims → index.

Capture runs in its own thread and hands audio to transcription through a bounded queue (with a
sentinel for end of stream), so a slow model applies back-pressure instead of growing memory.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from capture.archive import StreamArchive, load_manifest
from capture.segmenter import PyAVSegmenter, SegmentData, open_input
from models import AudioChunk, Claim, InputError, Product, Stream, StreamStatus, Utterance
from pipeline.services import Services

if TYPE_CHECKING:
    from claims.extractor import ClaimExtractor

_END = object()


@dataclass
class SessionResult:
    stream: str
    segments: int = 0
    utterances: int = 0
    claims: list[Claim] = field(default_factory=list)
    duration: float = 0.0


ProgressFn = Callable[[float], None]  # called with the stream time reached so far


class SessionRunner:
    """Runs one stream's pipeline; `on_utterance` sees every utterance with its claims as it is indexed."""

    def __init__(self, services: Services, stream: Stream, products: list[Product] | None = None) -> None:
        self.services = services
        self.stream = stream
        self.products = products or []
        self.on_progress: ProgressFn | None = None

    def ingest_file(self, path: Path, *, append: bool = False) -> SessionResult:
        """Archive, transcribe, extract and index a recorded file. InputError before anything is written
        if the file cannot be used or the stream already exists (unless `append`)."""
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: no such file")
        container = open_input(str(path))
        try:
            if not container.streams.audio:
                raise InputError(f"{path}: no audio track (OnRecord needs the host's voice)")
            existing = load_manifest(self.services.store, self.stream.id)
            if existing is not None and not append:
                raise InputError(f"stream {self.stream.id!r} already exists; choose another --stream id")
            stream = existing.stream if existing is not None else self.stream
            self.stream = stream
            self.services.catalog.upsert_stream(stream.model_copy(update={"status": StreamStatus.RECORDING}))
            archive = StreamArchive.open(self.services.store, stream)
            segmenter = PyAVSegmenter(stream.id, self.services.settings.segment_seconds, t_offset=archive.end)
            result = self._run(lambda: segmenter.run(container), archive)
        finally:
            container.close()
        return result

    def _run(
        self, events: Callable[[], Iterator[SegmentData | AudioChunk]], archive: StreamArchive
    ) -> SessionResult:
        result = SessionResult(stream=self.stream.id)
        audio: queue.Queue[object] = queue.Queue(maxsize=16)
        failure: list[BaseException] = []

        def capture() -> None:
            try:
                for ev in events():
                    if isinstance(ev, SegmentData):
                        archive.append_segment(ev.data, ev.t0, ev.t1)
                        result.segments += 1
                        result.duration = ev.t1
                    else:
                        audio.put(ev)
            except BaseException as exc:  # handed to the consuming thread, re-raised there
                failure.append(exc)
            finally:
                audio.put(_END)

        thread = threading.Thread(target=capture, name=f"capture-{self.stream.id}", daemon=True)
        thread.start()
        try:
            self._consume(self._chunks(audio), result)
        finally:
            thread.join()
        status = StreamStatus.FAILED if failure else StreamStatus.FINISHED
        error = str(failure[0]) if failure else None
        archive.finish(status, error)
        self.services.catalog.set_status(self.stream.id, status, error)
        self.services.index.save()
        if failure:
            raise failure[0]
        return result

    @staticmethod
    def _chunks(q: queue.Queue[object]) -> Iterator[AudioChunk]:
        while (item := q.get()) is not _END:
            assert isinstance(item, AudioChunk)
            yield item

    def _consume(self, chunks: Iterator[AudioChunk], result: SessionResult) -> None:
        transcriber = self.services.transcriber(self.products)
        extractor = self.services.extractor(self.products)
        for utt in transcriber.run(chunks):
            claims = self.process_utterance(utt, extractor)
            result.utterances += 1
            result.claims.extend(claims)
            if self.on_progress:
                self.on_progress(utt.t1)

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
