"""faster-whisper's WhisperModel with a shorter encoder pass for short audio.

Whisper's encoder always reads 30 s: faster-whisper pads every input's log-mel features with
zeros to 3,000 frames, so a 4-s live window costs the same encoder pass as a 30-s one, and on
short live windows that fixed cost is most of the compute. CTranslate2's Whisper encoder takes
fewer frames: `ShortEncoderWhisperModel.encode` drops the zero padding past the audio's own
frames plus a margin, never below `min_s` of input (a floor, because the model was trained on
30-s inputs and with very little context its timestamp predictions drift). The decoder and the
word alignment attend only to the frames there are. Which calls are trimmed is per thread
(`encoder_floor(min_s)`), so one loaded model serves live windows trimmed and file windows not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel

_FRAMES = 3000  # 30 s of log-mel frames (10 ms each): what faster-whisper pads every input to
_MARGIN = 200  # frames kept after the last audio frame (2 s): the decoder's end-of-speech context


class ShortEncoderWhisperModel(WhisperModel):
    """A WhisperModel whose encoder reads only the audio plus a margin where asked to."""

    _floor = threading.local()

    @contextmanager
    def encoder_floor(self, min_s: float | None) -> Iterator[None]:
        """Within this block (this thread), encoder inputs are trimmed to the audio + 2 s, at
        least `min_s` seconds; None: the full 30 s as usual."""
        before = getattr(self._floor, "frames", None)
        self._floor.frames = None if min_s is None else int(min_s * 100)
        try:
            yield
        finally:
            self._floor.frames = before

    def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
        floor = getattr(self._floor, "frames", None)
        if floor is not None and features.shape[-1] == _FRAMES:
            features = features[..., : trimmed_frames(features, floor)]
        return super().encode(features)


def trimmed_frames(features: np.ndarray, floor: int) -> int:
    """How many of the 3,000 frames to encode: up to the last non-padding frame plus the margin,
    at least `floor`, an even number (the encoder's convolution has stride 2)."""
    columns = np.flatnonzero(np.any(features.reshape(-1, features.shape[-1]) != 0, axis=0))
    content = int(columns[-1]) + 1 if len(columns) else 0
    n = max(floor, content + _MARGIN)
    return min(_FRAMES, n + n % 2)
