from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from models import InputError
from transcribe.audio import decode_audio, iter_audio_chunks


def write_tone(path: Path, seconds: float = 3.0, rate: int = 44100, freq: float = 440.0) -> None:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout="stereo")
        t = np.arange(int(seconds * rate)) / rate
        wave = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(
            np.stack([wave, wave]).reshape(1, -1), format="s16", layout="stereo"
        )
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def test_decode_resamples_to_16k_mono(tmp_path: Path) -> None:
    path = tmp_path / "tone.wav"
    write_tone(path, seconds=3.0)
    audio = decode_audio(path)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) - 48000) < 400
    assert 0.15 < float(np.abs(audio).max()) < 0.5  # downmix may sum the two channels


def test_chunks_cover_the_file_on_the_stream_clock(tmp_path: Path) -> None:
    path = tmp_path / "tone.wav"
    write_tone(path, seconds=3.0)
    chunks = list(iter_audio_chunks(path, "s1", chunk_s=1.0, offset=100.0))
    assert [c.t0 for c in chunks[:3]] == [100.0, 101.0, 102.0]
    assert sum(len(c.samples) for c in chunks) == len(decode_audio(path))
    assert all(c.stream_id == "s1" for c in chunks)


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.mp4"):
        decode_audio(tmp_path / "nope.mp4")


def test_not_media_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("not a video")
    with pytest.raises(InputError, match="notes.mp4"):
        decode_audio(path)


def test_video_without_audio_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / "silent_video.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.time_base = Fraction(1, 10)
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 20, np.uint8), format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(InputError, match="no audio track"):
        decode_audio(path)
