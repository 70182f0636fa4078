"""Audio from any media file as 16 kHz mono float32, whole or as a stream of AudioChunks (PyAV)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from models import AudioChunk, InputError

SAMPLE_RATE = 16000


def _open(path: Path) -> av.container.InputContainer:
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected an audio or video file)")
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise InputError(f"{path}: cannot read as media ({exc})") from exc
    if not container.streams.audio:
        container.close()
        raise InputError(f"{path}: has no audio track (expected an audio or video file with sound)")
    return container


def _iter_frames(path: str | Path, sample_rate: int) -> Iterator[np.ndarray]:
    """Resampled mono float32 blocks of the file's first audio track, in order."""
    path = Path(path)
    container = _open(path)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    try:
        stream = container.streams.audio[0]
        try:
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler count samples itself (avoids pts gaps warnings)
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1)
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1)
        except av.error.FFmpegError as exc:
            raise InputError(f"{path}: audio could not be decoded ({exc})") from exc
    finally:
        container.close()


def decode_audio(path: str | Path, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The whole first audio track of `path` as mono float32 at `sample_rate`.

    Raises InputError naming the file when it is missing, unreadable or has no audio track.
    """
    blocks = list(_iter_frames(path, sample_rate))
    if not blocks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(blocks).astype(np.float32, copy=False)


def iter_audio_chunks(
    path: str | Path,
    stream_id: str,
    chunk_s: float = 10.0,
    offset: float = 0.0,
    sample_rate: int = SAMPLE_RATE,
) -> Iterator[AudioChunk]:
    """`path`'s audio as consecutive AudioChunks of `chunk_s` seconds (the last may be shorter),
    starting at `offset` on the stream clock; memory stays at one chunk whatever the file's length.
    """
    size = max(1, int(round(chunk_s * sample_rate)))
    pending: list[np.ndarray] = []
    have = 0
    emitted = 0
    for block in _iter_frames(path, sample_rate):
        pending.append(block)
        have += len(block)
        while have >= size:
            joined = np.concatenate(pending)
            chunk, rest = joined[:size], joined[size:]
            yield AudioChunk(stream_id, offset + emitted / sample_rate, chunk.astype(np.float32), sample_rate)
            emitted += size
            pending, have = [rest], len(rest)
    if have:
        tail = np.concatenate(pending).astype(np.float32)
        yield AudioChunk(stream_id, offset + emitted / sample_rate, tail, sample_rate)
