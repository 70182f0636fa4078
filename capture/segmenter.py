"""Demux a media container with PyAV into keyframe-aligned MPEG-TS segments (stream copy) and
16 kHz mono audio chunks for transcription, in one pass.

A segment closes at the first video keyframe at or after the target length (any packet for
audio-only media), so every segment starts decodable. Times are seconds on the stream clock:
the container's own timestamps minus its start, plus `t_offset` (where a resumed or reconnected
recording continues). A `packet_filter` sees the demuxed packets first (the recorder drops
media a source sends again and paces a recorded file there), and `begin`, called with the first
packet's source time, may still place the recording: it returns the stream time the packet is
at and the source time that maps to it (None: the container's start).

A live source can be stopped between packets (`stop` event) or can drop mid-segment: either
way the segment in progress is closed and yielded, so the last segment is always playable; a
drop is then raised as CaptureError for the recorder to reconnect.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import av
import av.error
import numpy as np

from models import AudioChunk, CaptureError, InputError

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class SegmentData:
    """A closed MPEG-TS segment's bytes and its span on the stream clock."""

    data: bytes
    t0: float
    t1: float
    src_t0: float | None = None  # the source's own timestamp (s) at t0, for mapping to its clock


class _TsWriter:
    """One MPEG-TS segment being muxed into memory."""

    def __init__(self, templates: Sequence[av.stream.Stream], t0: float, src_t0: float | None = None) -> None:
        self.buf = io.BytesIO()
        self.out = av.open(self.buf, "w", format="mpegts")
        self.map = {s.index: self.out.add_stream_from_template(s) for s in templates}
        self.t0 = t0
        self.src_t0 = src_t0

    def mux(self, packet: av.Packet) -> None:
        packet.stream = self.map[packet.stream.index]
        self.out.mux(packet)

    def close(self, t1: float) -> SegmentData:
        self.out.close()
        return SegmentData(self.buf.getvalue(), self.t0, t1, self.src_t0)


class PyAVSegmenter:
    """Cuts one opened input container; `run()` yields SegmentData and AudioChunk in stream order."""

    def __init__(
        self,
        stream_id: str,
        target_s: float = 4.0,
        t_offset: float = 0.0,
        audio_chunk_s: float | None = None,
        *,
        packet_filter: Callable[[Iterable[av.Packet]], Iterable[av.Packet]] | None = None,
        begin: Callable[[float], tuple[float, float | None]] | None = None,
    ) -> None:
        """`audio_chunk_s`: hand audio on every this many seconds (a live stream's transcriber should
        not wait for the segment to close); None: one chunk per segment."""
        self.stream_id = stream_id
        self.target_s = target_s
        self.t_offset = t_offset
        self.audio_chunk_samples = int(audio_chunk_s * SAMPLE_RATE) if audio_chunk_s else None
        self.packet_filter = packet_filter
        self.begin = begin

    def run(
        self, container: av.container.InputContainer, stop: threading.Event | None = None
    ) -> Iterator[SegmentData | AudioChunk]:
        """Yield segments and audio chunks until the input ends or `stop` is set.

        Raises InputError if the media has no audio track, and CaptureError (after yielding the
        segment in progress) if the input fails while being read.
        """
        audio = next(iter(container.streams.audio), None)
        if audio is None:
            raise InputError(f"{container.name}: no audio track (OnRecord needs the host's voice)")
        video = next(iter(container.streams.video), None)
        templates = [s for s in (video, audio) if s is not None]
        base = (container.start_time or 0) / av.time_base
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        writer: _TsWriter | None = None
        pending: list[np.ndarray] = []
        audio_t0: float | None = None
        samples_out = 0
        held = 0  # samples in pending
        end = self.t_offset
        failure: CaptureError | None = None
        packets: Iterable[av.Packet] = container.demux(*templates)
        if self.packet_filter is not None:
            packets = self.packet_filter(packets)
        try:
            for packet in packets:
                if stop is not None and stop.is_set():
                    break
                if packet.dts is None or packet.pts is None:
                    continue  # flush packets carry no data
                src = float(packet.pts * packet.time_base)
                if writer is None and self.begin is not None:
                    self.t_offset, origin = self.begin(src)
                    base = base if origin is None else origin
                    end = self.t_offset
                t = self.t_offset + max(0.0, src - base)
                cut_here = packet.is_keyframe and (video is None or packet.stream is video)
                if writer is None:
                    first = end == self.t_offset
                    writer = _TsWriter(templates, self.t_offset if first else t, base if first else src)
                elif cut_here and t - writer.t0 >= self.target_s:
                    if pending:
                        yield self._chunk(pending, audio_t0, samples_out)
                        samples_out, pending, held = samples_out + held, [], 0
                    yield writer.close(t)
                    writer = _TsWriter(templates, t, src)
                if packet.stream is audio:
                    for frame in self._decode(packet, resampler):
                        if audio_t0 is None:
                            audio_t0 = t
                        pending.append(frame)
                        held += len(frame)
                    if self.audio_chunk_samples and held >= self.audio_chunk_samples:
                        yield self._chunk(pending, audio_t0, samples_out)
                        samples_out, pending, held = samples_out + held, [], 0
                dur = float((packet.duration or 0) * packet.time_base)
                end = max(end, t + dur)
                writer.mux(packet)
        except av.error.FFmpegError as exc:
            failure = CaptureError(f"{container.name}: cannot demux: {exc}")
            failure.__cause__ = exc
        for frame in self._flush(resampler):
            pending.append(frame)
        if pending:
            yield self._chunk(pending, audio_t0, samples_out)
        if writer is not None:
            yield writer.close(max(end, writer.t0))
        if failure is not None:
            raise failure

    def _decode(self, packet: av.Packet, resampler: av.AudioResampler) -> Iterator[np.ndarray]:
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            return  # a corrupt audio packet is skippable; the segment keeps its bytes
        for frame in frames:
            assert isinstance(frame, av.AudioFrame)
            for out in resampler.resample(frame):
                yield out.to_ndarray().reshape(-1).astype(np.float32)

    def _flush(self, resampler: av.AudioResampler) -> Iterator[np.ndarray]:
        for out in resampler.resample(None):
            yield out.to_ndarray().reshape(-1).astype(np.float32)

    def _chunk(self, pending: list[np.ndarray], audio_t0: float | None, samples_before: int) -> AudioChunk:
        # Position audio by sample count from the first audio packet: jitter-free and gapless.
        t0 = (audio_t0 if audio_t0 is not None else self.t_offset) + samples_before / SAMPLE_RATE
        return AudioChunk(self.stream_id, t0, np.concatenate(pending), SAMPLE_RATE)


def open_input(url: str, timeout_s: float = 10.0) -> av.container.InputContainer:
    """Open a file or network source; a clear InputError/CaptureError if it cannot be read as media."""
    try:
        return av.open(url, timeout=timeout_s)
    except FileNotFoundError as exc:
        raise InputError(f"{url}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{url}: not readable (permission denied)") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{url}: is a directory, expected a media file") from exc
    except av.error.InvalidDataError as exc:
        raise InputError(f"{url}: not a media file (could not find a container format)") from exc
    except av.error.FFmpegError as exc:
        raise CaptureError(f"{url}: cannot open: {exc}") from exc
