"""The shorter encoder pass for short live windows, on the real bundled model."""

from __future__ import annotations

import numpy as np

from transcribe.whisper_model import ShortEncoderWhisperModel, trimmed_frames


def _padded(content: int) -> np.ndarray:
    features = np.zeros((80, 3000), np.float32)
    features[:, :content] = np.random.default_rng(0).uniform(-1, 1, (80, content))
    return features


def test_trimmed_to_the_audio_plus_a_margin_above_a_floor() -> None:
    assert trimmed_frames(_padded(300), floor=1000) == 1000  # 3 s of audio: the 10-s floor
    assert trimmed_frames(_padded(1201), floor=1000) == 1402  # audio + 2 s, even
    assert trimmed_frames(_padded(2950), floor=1000) == 3000  # never past 30 s
    assert trimmed_frames(_padded(0), floor=600) == 600


def test_only_calls_inside_the_floor_block_are_trimmed(whisper_path: str) -> None:
    model = ShortEncoderWhisperModel(whisper_path, device="cpu", compute_type="int8", cpu_threads=1)
    features = _padded(300)
    assert model.encode(features).shape[1] == 1500  # 30 s in, 1,500 encoder frames out
    with model.encoder_floor(10.0):
        assert model.encode(features).shape[1] == 500
        with model.encoder_floor(None):  # a file window on the same thread
            assert model.encode(features).shape[1] == 1500
        assert model.encode(features).shape[1] == 500
    assert model.encode(features).shape[1] == 1500
