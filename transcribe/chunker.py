"""Cut a live audio stream into speech windows at pauses (faster-whisper's Silero VAD).

Whisper reads 30-second windows. Cutting the stream only where nobody speaks means no word
is ever split between two windows, so nothing is transcribed twice or lost at a boundary.
Decisions look only at the first `window_s` seconds of the pending audio, never at how the
audio arrived, so a file fed in 1-second chunks and in 60-second chunks is cut identically
(which is what makes a retried or re-run transcription give the same utterances).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from models import AudioChunk, InputError


@dataclass(frozen=True)
class SpeechWindow:
    """Audio from `t0` on the stream clock, with the speech ranges (sample offsets) VAD found."""

    stream_id: str
    t0: float
    samples: np.ndarray
    speech: list[tuple[int, int]] = field(default_factory=list)
    sample_rate: int = 16000

    @property
    def t1(self) -> float:
        return self.t0 + len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class CutterOptions:
    window_s: float = 28.0  # at most this much audio per Whisper call (its input is 30 s)
    min_pause_s: float = 0.3  # a silence this long is a place to cut
    edge_s: float = 0.5  # speech this close to the window's end may go on: do not cut there
    vad: VadOptions = field(
        default_factory=lambda: VadOptions(
            threshold=0.5, min_speech_duration_ms=200, min_silence_duration_ms=300, speech_pad_ms=400
        )
    )


class PauseCutter:
    """Turns AudioChunks into SpeechWindows cut at pauses; holds at most one window of audio."""

    def __init__(self, options: CutterOptions | None = None) -> None:
        self.options = options or CutterOptions()

    def run(self, chunks: Iterable[AudioChunk]) -> Iterator[SpeechWindow]:
        pending: list[np.ndarray] = []
        have = 0
        t0 = 0.0
        stream_id = ""
        rate = 16000
        started = False
        for chunk in chunks:
            if not started:
                stream_id, t0, rate, started = chunk.stream_id, chunk.t0, chunk.sample_rate, True
            elif chunk.sample_rate != rate:
                raise InputError(
                    f"stream {stream_id}: sample rate changed from {rate} to {chunk.sample_rate}"
                )
            pending.append(np.asarray(chunk.samples, dtype=np.float32).reshape(-1))
            have += len(pending[-1])
            window = int(self.options.window_s * rate)
            while have >= window:
                buffer = np.concatenate(pending)
                cut, speech = self._decide(buffer[:window], rate, final=False)
                yield SpeechWindow(stream_id, t0, buffer[:cut].copy(), speech, rate)
                t0 += cut / rate
                pending, have = [buffer[cut:]], len(buffer) - cut
        if have:
            buffer = np.concatenate(pending)
            _, speech = self._decide(buffer, rate, final=True)
            yield SpeechWindow(stream_id, t0, buffer, speech, rate)

    def _decide(self, audio: np.ndarray, rate: int, final: bool) -> tuple[int, list[tuple[int, int]]]:
        """Where to cut `audio` (a sample index) and the speech ranges before that point."""
        found = get_speech_timestamps(audio, self.options.vad, sampling_rate=rate)
        speech = [(int(s["start"]), int(s["end"])) for s in found]
        if final:
            return len(audio), speech
        cut = self._cut_point(audio, speech, rate)
        return cut, [(s, min(e, cut)) for s, e in speech if s < cut]

    def _cut_point(self, audio: np.ndarray, speech: list[tuple[int, int]], rate: int) -> int:
        end = len(audio)
        if not speech:
            return end  # music or silence: nothing to keep
        edge = int(self.options.edge_s * rate)
        min_gap = int(self.options.min_pause_s * rate)
        if speech[-1][1] <= end - edge:
            return end  # speech stopped before the window's end: the tail is a pause
        for (_, prev_end), (next_start, _) in zip(reversed(speech[:-1]), reversed(speech[1:]), strict=True):
            if next_start - prev_end >= min_gap // 2:  # VAD padding already ate part of the pause
                return (prev_end + next_start) // 2
        if speech[0][0] > min_gap:
            return speech[0][0] // 2 if speech[0][0] // 2 > 0 else end
        return _quietest(audio, rate, start=end - 3 * rate, stop=end)


def _quietest(audio: np.ndarray, rate: int, start: int, stop: int) -> int:
    """A cut in unbroken speech (rare: nobody talks 28 s without a breath): the quietest 20 ms."""
    start = max(0, start)
    hop = rate // 50
    frames = [(float(np.mean(audio[i : i + hop] ** 2)), i + hop // 2) for i in range(start, stop - hop, hop)]
    return min(frames)[1] if frames else stop
