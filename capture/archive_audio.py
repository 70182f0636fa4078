"""The audio (and packets) of archived segments, as the recorder handed them on live.

A live recorder that is killed while transcription is behind leaves seconds that are archived but
not transcribed; the next run reads them back from here. Each contiguous run of segments (gaps
split runs) is read as one MPEG-TS stream: the segments are cuts of one source timeline, so their
concatenation demuxes as one, and audio is not broken at every segment boundary. A recorder
started again reads the last segments' packets back too, to recognise them if its source (an HLS
window) sends them again.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import av
import av.error
import numpy as np

from capture.overlap import src_time
from capture.segmenter import SAMPLE_RATE
from models import AudioChunk, CaptureError, Gap, Manifest, Segment
from storage.objects import ObjectStore


class _Segments(io.RawIOBase):
    """The bytes of consecutive segments read one after the other (a segment at a time in memory)."""

    def __init__(self, store: ObjectStore, segments: list[Segment]) -> None:
        self._store, self._left, self._buf = store, list(segments), b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        while not self._buf and self._left:
            self._buf = self._store.get(self._left.pop(0).path)
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def archived_packets(store: ObjectStore, manifest: Manifest, since: float) -> Iterator[av.Packet]:
    """The packets of the archive's last gap-free run of segments, from `since` (stream clock)."""
    runs = list(_runs(manifest, since))
    if not runs or runs[-1][-1] is not manifest.entries[-1]:
        return  # the archive ends in a gap: nothing a source could send again
    try:
        with av.open(_Segments(store, runs[-1]), mode="r", format="mpegts") as container:
            yield from container.demux()
    except av.error.FFmpegError as exc:
        raise CaptureError(f"stream {manifest.stream.id!r}: cannot read its last segments: {exc}") from exc


def _runs(manifest: Manifest, start: float) -> Iterator[list[Segment]]:
    run: list[Segment] = []
    for entry in manifest.entries:
        if isinstance(entry, Gap):
            if run:
                yield run
            run = []
        elif entry.t1 > start:
            run.append(entry)
    if run:
        yield run


def archived_audio(
    store: ObjectStore, manifest: Manifest, start: float, chunk_s: float = 1.0
) -> Iterator[AudioChunk]:
    """16 kHz chunks of the archive's audio from `start` (stream clock) to its end, in order.

    Positioned as the segmenter positions live audio: by sample count from the run's first audio
    packet. Raises StorageError if a segment cannot be read, CaptureError if it cannot be decoded."""
    for run in _runs(manifest, start):
        try:
            with av.open(_Segments(store, run), mode="r", format="mpegts") as container:
                for chunk in _chunks(container, manifest.stream.id, run[0].t0, chunk_s):
                    if chunk.t1 > start:
                        skip = max(0, round((start - chunk.t0) * SAMPLE_RATE))
                        yield AudioChunk(chunk.stream_id, chunk.t0 + skip / SAMPLE_RATE, chunk.samples[skip:])
        except av.error.FFmpegError as exc:
            raise CaptureError(
                f"stream {manifest.stream.id!r}: cannot read the archived audio from {run[0].t0:.1f}s: {exc}"
            ) from exc


def _chunks(
    container: av.container.InputContainer, stream_id: str, t_offset: float, chunk_s: float
) -> Iterator[AudioChunk]:
    audio = container.streams.audio[0]
    base = (container.start_time or 0) / av.time_base
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    per_chunk = int(chunk_s * SAMPLE_RATE)
    t0: float | None = None
    pending: list[np.ndarray] = []
    out = 0  # samples yielded
    for packet in container.demux(audio):
        if packet.pts is None:
            continue
        if t0 is None:
            t0 = t_offset + max(0.0, src_time(packet) - base)
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            continue  # a corrupt packet is skippable, as when it was recorded
        pending += [f.to_ndarray().reshape(-1) for fr in frames for f in resampler.resample(fr)]
        if sum(map(len, pending)) >= per_chunk:
            samples = np.concatenate(pending).astype(np.float32)
            yield AudioChunk(stream_id, t0 + out / SAMPLE_RATE, samples)
            out, pending = out + len(samples), []
    pending += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    if pending and t0 is not None:
        yield AudioChunk(stream_id, t0 + out / SAMPLE_RATE, np.concatenate(pending).astype(np.float32))
