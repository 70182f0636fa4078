"""What a speech engine is to the rest of OnRecord, and the stages after it.

    Transcriber          transcribe(chunks) -> Utterances on the stream clock (the one method)
    WindowedTranscriber  a Transcriber that also cuts windows and transcribes one at a time with a
                         carried WindowState: what a resumed ingest and a distributed worker need
    AcousticCheck        optional capability of an engine: score readings against a sentence's
                         audio (checked with isinstance, used only when present)
    Reviser              how a stage after the engine (`Corrected`) revises each sentence's text
                         before the engine carries it on as the next window's context

A new engine is one class with `load()` and `transcribe()` (plus the windowed methods for the
distributed runner) and one line in `pipeline/services.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from models import AudioChunk, Correction, Utterance
from transcribe.audio import iter_audio_chunks
from transcribe.chunker import SpeechWindow


class Reviser(Protocol):
    """Revises one sentence's text: the text, the sentence before it, and its audio (when the
    engine has it) in; the revised text and the corrections made out."""

    def __call__(
        self, text: str, before: str = "", audio_of: Callable[[], np.ndarray] | None = None
    ) -> tuple[str, list[Correction]]: ...


@dataclass
class WindowState:
    """What one window hands the next: the text context, the ids given out, the last utterance."""

    context: str = ""
    seen: set[str] = field(default_factory=set)
    last_t1: float = -1.0
    last_text: str = ""


@runtime_checkable
class Transcriber(Protocol):
    """Audio in, Utterances on the stream clock out. The constructor is cheap; `load()` (or the
    first `transcribe`) loads the model and raises ConfigError when it cannot."""

    def load(self) -> object: ...

    def transcribe(self, chunks: Iterable[AudioChunk], revise: Reviser | None = None) -> Iterator[Utterance]:
        """Utterances in time order; each sentence's text passes through `revise` (when given)
        before it becomes the context of what follows."""
        ...


@runtime_checkable
class WindowedTranscriber(Transcriber, Protocol):
    """A Transcriber whose work can be cut into windows and resumed from a WindowState."""

    @property
    def context_chars(self) -> int:
        """How much previous text a window is handed as context."""
        ...

    @property
    def window_s(self) -> float:
        """The longest window, in seconds."""
        ...

    def windows(self, chunks: Iterable[AudioChunk]) -> Iterator[SpeechWindow]: ...

    def transcribe_window(
        self, window: SpeechWindow, state: WindowState, revise: Reviser | None = None
    ) -> list[Utterance]:
        """One window's utterances, carrying `state` to the next: `transcribe` is the same as
        this over `windows`, so a resumed or distributed run gives the same utterances."""
        ...


@runtime_checkable
class AcousticCheck(Protocol):
    """An engine that can tell which readings of a sentence its audio supports."""

    def check_readings(self, audio: np.ndarray, text: str, candidates: Sequence[Correction]) -> list[Correction]:
        """The candidates the audio supports (none where the check is off), never two overlapping."""
        ...


def transcribe_file(
    transcriber: Transcriber, path: str | Path, stream_id: str, offset: float = 0.0
) -> Iterator[Utterance]:
    """Utterances of any audio or video file, times on a clock starting at `offset`.

    Raises InputError for a missing or unreadable file or one without audio."""
    return transcriber.transcribe(iter_audio_chunks(path, stream_id, chunk_s=10.0, offset=offset))
