"""Cut a live audio stream into speech windows at pauses (faster-whisper's Silero VAD).

Whisper reads 30-second windows, but a live stream wants each sentence searchable seconds
after it is said. So a window is emitted at the first real pause once it holds a few seconds
of speech (`min_speech_s`), and only unbroken speech waits for the full `window_s`. Cutting
only where nobody speaks means no word is ever split between two windows, so nothing is
transcribed twice or lost at a boundary.

Decisions are taken on a fixed grid (every `step_s` of the pending window, measured from the
window's own start) and look only at that much audio, never at how the audio arrived, so a
file fed in 1-second chunks and in 60-second chunks is cut identically (which is what makes a
retried or re-run transcription give the same utterances). A chunk whose `t0` does not follow
on from the audio before it (a recording gap) closes the window and starts a new one at its
own `t0`, so times stay on the stream clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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
    # cut at the first pause once this much speech is held (live streams: the pipeline passes its
    # live_min_speech_s, 4 s, and the PauseCutter adds the transcription backlog). None, the default
    # for files: cut only when a full window is held, at its last pause. Each Whisper call pays a
    # fixed encoder pass (a padded 30 s unless the short encoder is on), so 28-s windows pay it
    # once per ~26 s of speech and short live windows several times as often
    min_speech_s: float | None = None
    step_s: float = 0.5  # how often (in window audio) an early cut is looked for
    min_pause_s: float = 0.3  # a silence this long is a place to cut
    edge_s: float = 0.5  # speech this close to the window's end may go on: do not cut there
    # a full window is cut at a pause in its last (1 - late_cut) if there is one: not 2 s in
    late_cut: float = 0.5
    gap_tolerance_s: float = 0.1  # a chunk t0 further than this from where the audio got to: a gap
    vad: VadOptions = field(
        default_factory=lambda: VadOptions(
            threshold=0.5, min_speech_duration_ms=200, min_silence_duration_ms=300, speech_pad_ms=400
        )
    )


class PauseCutter:
    """Turns AudioChunks into SpeechWindows cut at pauses; holds at most one window of audio."""

    def __init__(self, options: CutterOptions | None = None) -> None:
        self.options = options or CutterOptions()
        # live streams: how far (s) transcription is behind the recording. Early cuts then wait
        # for that much more speech, so a transcriber shared by busy streams reads longer windows
        # (fewer fixed-cost passes) until it has caught up, instead of falling further behind.
        # Windows then depend on timing, which only a live stream (never re-run) may accept.
        self.backlog: Callable[[], float] | None = None

    def min_speech_s(self) -> float | None:
        """Speech held before the next early cut: the live minimum plus the backlog, at most a window."""
        o = self.options
        if o.min_speech_s is None:
            return None
        lag = max(0.0, self.backlog()) if self.backlog is not None else 0.0
        return min(o.min_speech_s + lag, o.window_s - o.edge_s)

    def run(self, chunks: Iterable[AudioChunk]) -> Iterator[SpeechWindow]:
        o = self.options
        pending: list[np.ndarray] = []
        have = 0
        t0 = 0.0
        stream_id = ""
        rate = 16000
        started = False
        next_look = 0  # samples of pending audio at which the next decision is taken
        for chunk in chunks:
            if not started:
                stream_id, t0, rate, started = chunk.stream_id, chunk.t0, chunk.sample_rate, True
                next_look = self._first_look(rate)
            elif chunk.sample_rate != rate:
                raise InputError(
                    f"stream {stream_id}: sample rate changed from {rate} to {chunk.sample_rate}"
                )
            elif abs(chunk.t0 - (t0 + have / rate)) > o.gap_tolerance_s:
                # a recording gap (or overlap): close this window, the next starts at the chunk's t0
                if have:
                    buffer = np.concatenate(pending)
                    _, speech = self._decide(buffer, rate, final=True)
                    yield SpeechWindow(stream_id, t0, buffer, speech, rate)
                pending, have, t0, next_look = [], 0, chunk.t0, self._first_look(rate)
            pending.append(np.asarray(chunk.samples, dtype=np.float32).reshape(-1))
            have += len(pending[-1])
            window = int(o.window_s * rate)
            while have >= min(next_look, window):
                buffer = np.concatenate(pending)
                look = min(next_look, window)
                cut, speech = self._decide(buffer[:look], rate, final=False, full=look >= window)
                if cut is None:  # no pause yet: look again a step later
                    pending, next_look = [buffer], next_look + int(o.step_s * rate)
                    continue
                yield SpeechWindow(stream_id, t0, buffer[:cut].copy(), speech, rate)
                t0 += cut / rate
                pending, have = [buffer[cut:]], len(buffer) - cut
                next_look = self._first_look(rate)
        if have:
            buffer = np.concatenate(pending)
            _, speech = self._decide(buffer, rate, final=True)
            yield SpeechWindow(stream_id, t0, buffer, speech, rate)

    def _first_look(self, rate: int) -> int:
        o = self.options
        min_speech = self.min_speech_s()
        if min_speech is None:
            return int(o.window_s * rate)
        steps = int(np.ceil(min_speech / o.step_s))  # on the grid, at least min_speech_s in
        return max(1, steps * int(o.step_s * rate))

    def _decide(
        self, audio: np.ndarray, rate: int, final: bool, full: bool = True
    ) -> tuple[int | None, list[tuple[int, int]]]:
        """Where to cut `audio` (a sample index; None: not yet) and the speech ranges before it."""
        found = get_speech_timestamps(audio, self.options.vad, sampling_rate=rate)
        speech = [(int(s["start"]), int(s["end"])) for s in found]
        if final:
            return len(audio), speech
        cut = self._cut_point(audio, speech, rate) if full else self._early_cut(audio, speech, rate)
        if cut is None:
            return None, speech
        return cut, [(s, min(e, cut)) for s, e in speech if s < cut]

    def _early_cut(self, audio: np.ndarray, speech: list[tuple[int, int]], rate: int) -> int | None:
        """The first pause after `min_speech_s` of speech, or None (keep listening)."""
        o = self.options
        need = int((self.min_speech_s() or 0.0) * rate)
        held = 0
        for i, (start, end) in enumerate(speech):
            held += end - start
            if held < need:
                continue
            if i + 1 < len(speech):
                # VAD splits at every silence of min_silence_duration_ms (300 ms) and pads both
                # sides, so two ranges that touch still had a pause between them
                return (end + speech[i + 1][0]) // 2
            if end <= len(audio) - int(o.edge_s * rate):
                return end  # speech stopped well before the end of what is held: a pause
        return None

    def _cut_point(self, audio: np.ndarray, speech: list[tuple[int, int]], rate: int) -> int:
        end = len(audio)
        if not speech:
            return end  # music or silence: nothing to keep
        edge = int(self.options.edge_s * rate)
        min_gap = int(self.options.min_pause_s * rate)
        if speech[-1][1] <= end - edge:
            return end  # speech stopped before the window's end: the tail is a pause
        late = int(self.options.late_cut * end)
        for (_, prev_end), (next_start, _) in zip(reversed(speech[:-1]), reversed(speech[1:]), strict=True):
            if next_start - prev_end >= min_gap // 2 and prev_end >= late:  # padding ate part of it
                return (prev_end + next_start) // 2
        # no pause late in the window in the padded VAD ranges (their padding joins sentences a
        # short breath apart): look for one in the last part with unpadded VAD, rather than cut
        # early and pay a whole 30-s encoder pass for a few seconds of speech
        cut = _late_pause(audio, rate, late, end - edge)
        if cut is not None:
            return cut
        for (_, prev_end), (next_start, _) in zip(reversed(speech[:-1]), reversed(speech[1:]), strict=True):
            if next_start - prev_end >= min_gap // 2:
                return (prev_end + next_start) // 2
        if len(speech) > 1:  # touching ranges: VAD still heard a pause between them
            return (speech[-2][1] + speech[-1][0]) // 2
        if speech[0][0] > min_gap:
            return speech[0][0] // 2 if speech[0][0] // 2 > 0 else end
        return _quietest(audio, rate, start=end - 3 * rate, stop=end)


def _late_pause(audio: np.ndarray, rate: int, start: int, stop: int) -> int | None:
    """The middle of the last silence of at least 150 ms in audio[start:stop], or None."""
    fine = VadOptions(threshold=0.5, min_speech_duration_ms=100, min_silence_duration_ms=150, speech_pad_ms=0)
    found = get_speech_timestamps(audio[start:stop], fine, sampling_rate=rate)
    gaps = [(a["end"], b["start"]) for a, b in zip(found, found[1:], strict=False)]
    if not gaps:
        return None
    gap_start, gap_end = gaps[-1]
    return start + (gap_start + gap_end) // 2


def _quietest(audio: np.ndarray, rate: int, start: int, stop: int) -> int:
    """A cut in unbroken speech (rare: nobody talks 28 s without a breath): the quietest 20 ms."""
    start = max(0, start)
    hop = rate // 50
    frames = [(float(np.mean(audio[i : i + hop] ** 2)), i + hop // 2) for i in range(start, stop - hop, hop)]
    return min(frames)[1] if frames else stop
