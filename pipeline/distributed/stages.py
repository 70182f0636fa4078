"""The distributed pipeline's three stages as plain functions over a WorkLedger (Celery-free, testable).

    capture  records a live URL or ingests a file into the archive (segments, chain, playlist) and
             spools its 16 kHz audio to the store as pieces (work/{stream}/audio/{n}.f32), the very
             samples the in-process pipeline would hand to the transcriber
    asr      advances one stream by one speech window: from the stream's cursor (position, previous
             text, ids seen) it cuts the next window with the transcriber's own PauseCutter, which
             looks only at the audio from the cursor on, transcribes it with the previous text as
             context, and commits the window's utterances together with the advanced cursor
    index    stitches the transcribed windows of a stream in order, from its cursor up to the first
             window not yet done, through SessionRunner.process_utterance (claims, catalog, search)

Why windows, not fixed segments: the in-process pipeline cuts audio at pauses into windows of up
to 28 s and hands each window the previous window's text. Replaying exactly those cuts and that
context makes distributed results equal to in-process ones (same utterances, same ids, same
claims), where fixed 4-s segments with overlaps would change what Whisper hears. The cost: one
stream's windows are transcribed one after another (each needs the previous text); many streams
spread over any number of workers. A retried window recomputes the same cut from the same cursor
and replaces the same rows; nothing commits unless the cursor advances with it.

Work audio: the pieces before a committed asr cursor are needed by no retry, so each asr step
deletes them (from `freed` up to the cursor, idempotently: deleting a missing object is a no-op)
and commits the new `freed` with its cursor. The last window's pieces go in the step that finds the
stream done. The ledger rows stay (a few bytes each): they number the pieces and time the stream.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from capture.archive import StreamArchive
from capture.recorder import LiveRecorder, RecorderConfig
from capture.segmenter import PyAVSegmenter, SegmentData, open_input
from models import AudioChunk, InputError, Product, Stream, StreamStatus, Utterance
from pipeline.ingest_lease import RecordingLease
from pipeline.services import Services
from pipeline.session import SessionRunner
from storage.work import AudioPiece, WorkLedger

if TYPE_CHECKING:
    from claims.extractor import ClaimExtractor
    from transcribe.protocol import WindowedTranscriber

SAMPLE_RATE = 16000
CONTIGUOUS_S = 0.05  # pieces further apart than this are separate runs (a gap), as in pipeline/live.py


def piece_key(stream_id: str, n: int) -> str:
    return f"work/{stream_id}/audio/{n:06d}.f32"


class AudioSpool:
    """Writes a stream's audio chunks to the store as numbered pieces (continuing after a restart)."""

    def __init__(self, services: Services, ledger: WorkLedger, stream_id: str) -> None:
        self.services, self.ledger, self.stream_id = services, ledger, stream_id
        self.n = ledger.next_piece_number(stream_id)

    def put(self, chunk: AudioChunk) -> AudioPiece:
        key = piece_key(self.stream_id, self.n)
        self.services.store.put(key, np.asarray(chunk.samples, dtype="<f4").tobytes())
        piece = AudioPiece(self.stream_id, self.n, chunk.t0, len(chunk.samples), key)
        self.ledger.add_piece(piece)
        self.n += 1
        return piece


# capture -------------------------------------------------------------------------------------------
def capture_file(
    services: Services, ledger: WorkLedger, stream: Stream, path: Path, on_piece: Callable[[], None]
) -> int:
    """Archive a recorded file and spool its audio; returns the number of segments."""
    container = open_input(str(path))
    try:
        if not container.streams.audio:
            raise InputError(f"{path}: no audio track (OnRecord needs the host's voice)")
        services.catalog.upsert_stream(stream)
        archive = StreamArchive.open(services.store, stream)
        spool = AudioSpool(services, ledger, stream.id)
        segmenter = PyAVSegmenter(stream.id, services.settings.segment_seconds, t_offset=archive.end)
        segments = 0
        for ev in segmenter.run(container):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
                segments += 1
            else:
                spool.put(ev)
                on_piece()
    finally:
        container.close()
    archive.finish(StreamStatus.FINISHED)
    services.catalog.set_status(stream.id, StreamStatus.FINISHED)
    return segments


def capture_live(
    services: Services,
    ledger: WorkLedger,
    stream: Stream,
    url: str,
    on_piece: Callable[[], None],
    *,
    duration_s: float | None = None,
    stop: threading.Event | None = None,
    config: RecorderConfig | None = None,
) -> int:
    """Record a live source (reconnects and gaps as LiveRecorder does) and spool its audio."""

    def status(st: StreamStatus, error: str | None) -> None:
        if recorder.archive is not None:  # the recorder may have moved the clock to first contact
            s = recorder.archive.manifest.stream.model_copy(update={"status": st, "error": error})
            services.catalog.upsert_stream(s)

    # one spooled work piece per segment: 1-s pieces would multiply the store writes and ledger rows
    config = config or RecorderConfig(segment_s=services.settings.segment_seconds, audio_chunk_s=None)
    recorder = LiveRecorder(services.store, stream, url, config, on_status=status)
    services.catalog.upsert_stream(stream)
    spool = AudioSpool(services, ledger, stream.id)
    lease = RecordingLease(
        services.catalog,
        stream,
        interval_s=services.settings.ingest_heartbeat_seconds,
        segment_s=config.segment_s,
        reached=lambda: recorder.archive.end if recorder.archive is not None else 0.0,
    ).take()  # a capture worker that dies leaves its stream interrupted, not recording
    error: BaseException | None = None
    try:
        with lease:
            for chunk in recorder.run(stop or threading.Event(), duration_s):
                spool.put(chunk)
                on_piece()
    except BaseException as exc:
        error = exc
        raise
    finally:
        lease.release(error)
    return recorder.segments


# asr -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AsrStep:
    """What one asr call did: `window` transcribed (or None), `busy` (another worker holds the
    stream), `done` (the stream is captured and fully transcribed)."""

    window: int | None = None
    busy: bool = False
    done: bool = False


@dataclass
class _Cursor:
    piece: int = 0  # the piece holding the position
    offset: int = 0  # samples into that piece
    run_t0: float | None = None  # stream time of the current contiguous run's first sample
    run_pos: int = 0  # samples since the run's start
    context: str = ""
    seen: tuple[str, ...] = ()
    last_t1: float = -1.0  # the last utterance, for the transcriber's duplicate guard
    last_text: str = ""
    window: int = 0  # the next window's number
    t: float = 0.0  # stream time transcribed so far
    freed: int = 0  # work audio pieces below this number are deleted from the store

    @classmethod
    def of(cls, state: dict[str, Any]) -> _Cursor:
        c = cls(**{k: v for k, v in state.items() if k in cls.__dataclass_fields__})
        c.seen = tuple(c.seen)
        return c

    def state(self) -> dict[str, Any]:
        return {**self.__dict__, "seen": list(self.seen)}


def _run_of(pieces: list[AudioPiece], expect: float | None) -> tuple[list[AudioPiece], AudioPiece | None]:
    """The contiguous prefix of `pieces` (the first must start at `expect` when given) and the
    first piece after a gap (None if no gap)."""
    run: list[AudioPiece] = []
    for p in pieces:
        at = run[-1].t0 + run[-1].samples / SAMPLE_RATE if run else expect
        if at is not None and abs(p.t0 - at) > CONTIGUOUS_S:
            return run, p
        run.append(p)
    return run, None


def transcribe_next(
    services: Services, ledger: WorkLedger, stream_id: str, transcriber: WindowedTranscriber
) -> AsrStep:
    """Transcribe the stream's next window if its audio is there; see the module docstring."""
    with ledger.cursor(stream_id, "asr") as held:
        if held is None:
            return AsrStep(busy=True)
        cur = _Cursor.of(held.state)
        freed = _free_audio(services, stream_id, cur)  # committed with the cursor on every path below
        while True:
            captured = held.capture_done()  # before the pieces: all of them are in
            pieces = held.pieces(cur.piece)
            starts_run = cur.run_t0 is None or cur.offset > 0
            run, after_gap = _run_of(pieces, None if starts_run else _position(cur))
            if cur.run_t0 is None and run:
                cur.run_t0 = run[0].t0
            avail = sum(p.samples for p in run) - cur.offset
            size = int(transcriber.window_s * SAMPLE_RATE)
            if avail < size and after_gap is None and not captured:
                if freed:
                    held.save(cur.state(), cur.t, False)
                return AsrStep()  # wait for more audio
            if avail <= 0 and after_gap is not None:  # the run is used up: a new run after the gap
                cur = _Cursor(piece=after_gap.n, window=cur.window, t=cur.t, freed=cur.freed)
                continue
            if avail <= 0:
                held.save(cur.state(), cur.t, True)
                return AsrStep(done=True)
            n, t0 = cur.window, _position(cur)
            utts, cut = _transcribe_window(
                services, ledger, stream_id, transcriber, cur, run, min(avail, size)
            )
            _advance(cur, run, cut)
            cur.window, cur.t = n + 1, _position(cur)
            held.store_window(n, t0, cur.t, utts)
            held.save(cur.state(), cur.t, False)
            return AsrStep(window=n)


def _transcribe_window(
    services: Services,
    ledger: WorkLedger,
    stream_id: str,
    transcriber: WindowedTranscriber,
    cur: _Cursor,
    run: list[AudioPiece],
    length: int,
) -> tuple[list[Utterance], int]:
    """The utterances of the window starting at the cursor and its length in samples; carries the
    cursor's window state (context, ids, last utterance) through the transcriber's own window call."""
    from transcribe.protocol import WindowState

    audio = _load_audio(services, run, cur.offset, length)
    t0 = _position(cur)
    window = next(iter(transcriber.windows([AudioChunk(stream_id, t0, audio, SAMPLE_RATE)])))
    ledger.mark_running(stream_id, cur.window, t0)
    state = WindowState(cur.context, set(cur.seen), cur.last_t1, cur.last_text)
    out = transcriber.transcribe_window(window, state)
    cur.context, cur.seen = state.context, tuple(sorted(state.seen))
    cur.last_t1, cur.last_text = state.last_t1, state.last_text
    return out, len(window.samples)


def _free_audio(services: Services, stream_id: str, cur: _Cursor) -> bool:
    """Delete the work audio before the committed cursor; True if `cur.freed` moved."""
    if cur.freed >= cur.piece:
        return False
    for n in range(cur.freed, cur.piece):
        services.store.delete(piece_key(stream_id, n))
    cur.freed = cur.piece
    return True


def _position(cur: _Cursor) -> float:
    # the cutter's own clock: the run's first sample plus the samples cut so far
    return (cur.run_t0 or 0.0) + cur.run_pos / SAMPLE_RATE


def _load_audio(services: Services, run: list[AudioPiece], offset: int, length: int) -> np.ndarray:
    parts, need, skip = [], length + offset, offset
    for p in run:
        if need <= 0:
            break
        data = np.frombuffer(services.store.get(p.key), dtype="<f4")
        parts.append(data[: min(len(data), need)])
        need -= len(data)
    audio = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return audio[skip : skip + length].astype(np.float32)


def _advance(cur: _Cursor, run: list[AudioPiece], cut: int) -> None:
    cur.run_pos += cut
    left = cur.offset + cut
    for p in run:
        if p.n < cur.piece:
            continue
        if left < p.samples:
            cur.piece, cur.offset = p.n, left
            return
        left -= p.samples
    cur.piece, cur.offset = run[-1].n + 1, left  # exactly at the end of the run


# index ---------------------------------------------------------------------------------------------
ExtractorFor = Callable[[list[Product]], "ClaimExtractor"]


def index_ready(services: Services, ledger: WorkLedger, stream_id: str, extractor_for: ExtractorFor) -> int:
    """Stitch the stream's transcribed windows in order into claims, catalog and search index.
    Returns how many windows were indexed (-1 when another worker is indexing this stream)."""
    with ledger.cursor(stream_id, "index") as held:
        if held is None:
            return -1
        state = held.state
        start = int(state.get("window", 0))
        windows = held.done_windows(start)
        if not windows:
            return 0
        stream = services.catalog.get_stream(stream_id)
        if stream is None:
            raise InputError(f"stream {stream_id!r} is not in the catalog")
        products = ledger.products(stream_id)
        runner = SessionRunner(services, stream, products)
        extractor = extractor_for(products)
        extractor.current_product = state.get("product")  # the product being sold carries over
        t = float(state.get("t", 0.0))
        for window in windows:
            for utt in window.utterances:
                runner.process_utterance(utt, extractor)
            t = max(t, window.t1)
        services.index.save()  # before the cursor moves: a crash here redoes the batch (same ids)
        new = {"window": start + len(windows), "product": extractor.current_product, "t": t}
        held.save(new, t, False)
        return len(windows)
