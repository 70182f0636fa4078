"""Domain-term correction as the stage after a speech engine: `Corrected(engine, corrector)`.

Each sentence is corrected by the corrector's text rules as the engine builds it (so the
corrected text is what the next window is prompted with); the readings those rules refused are
then tried against the sentence's audio where the engine has the AcousticCheck capability.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from models import AudioChunk, ConfigError, Correction, Utterance
from transcribe.acoustic_check import apply_all
from transcribe.chunker import SpeechWindow
from transcribe.correction import DomainCorrector
from transcribe.protocol import AcousticCheck, Reviser, Transcriber, WindowedTranscriber, WindowState


class Corrected:
    """`inner`'s utterances with domain terms corrected by `corrector`. A WindowedTranscriber
    when `inner` is one; the acoustic check is used only when `inner` is an AcousticCheck."""

    def __init__(self, inner: Transcriber, corrector: DomainCorrector) -> None:
        self.inner = inner
        self.corrector = corrector

    def load(self) -> object:
        return self.inner.load()

    def transcribe(self, chunks: Iterable[AudioChunk], revise: Reviser | None = None) -> Iterator[Utterance]:
        return self.inner.transcribe(chunks, self._reviser(revise))

    @property
    def context_chars(self) -> int:
        return self._windowed().context_chars

    @property
    def window_s(self) -> float:
        return self._windowed().window_s

    def windows(self, chunks: Iterable[AudioChunk]) -> Iterator[SpeechWindow]:
        return self._windowed().windows(chunks)

    def transcribe_window(
        self, window: SpeechWindow, state: WindowState, revise: Reviser | None = None
    ) -> list[Utterance]:
        return self._windowed().transcribe_window(window, state, self._reviser(revise))

    def correct(
        self, text: str, before: str = "", audio_of: Callable[[], np.ndarray] | None = None
    ) -> tuple[str, list[Correction]]:
        """The corrector's text rules, then the readings they refused, tried against the
        sentence's audio (`audio_of`) where the engine can check them."""
        text, corrections = self.corrector.correct(text, before)
        if audio_of is None or not isinstance(self.inner, AcousticCheck):
            return text, corrections
        candidates = self.corrector.candidates(text, corrections)
        if not candidates:
            return text, corrections
        kept = self.inner.check_readings(audio_of(), text, candidates)
        if not kept:
            return text, corrections
        return apply_all(text, kept), sorted([*corrections, *kept], key=lambda c: c.position)

    def _reviser(self, after: Reviser | None) -> Reviser:
        if after is None:
            return self.correct

        def both(
            text: str, before: str = "", audio_of: Callable[[], np.ndarray] | None = None
        ) -> tuple[str, list[Correction]]:
            text, first = self.correct(text, before, audio_of)
            text, second = after(text, before, audio_of)
            return text, [*first, *second]

        return both

    def _windowed(self) -> WindowedTranscriber:
        if not isinstance(self.inner, WindowedTranscriber):
            raise ConfigError(f"{type(self.inner).__name__} cannot transcribe window by window")
        return self.inner
