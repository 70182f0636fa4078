"""Words and utterances on the stream clock."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Word(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: float
    end: float
    text: str
    probability: float = 1.0


class Correction(BaseModel):
    """A domain-term correction: what ASR wrote and what we replaced it with."""

    model_config = ConfigDict(frozen=True)

    original: str
    corrected: str
    position: int  # character offset in the corrected text
    reason: str = "pinyin"


class Utterance(BaseModel):
    """A transcribed sentence. `text` is corrected Simplified Chinese; `raw_text` is what ASR wrote."""

    model_config = ConfigDict(frozen=True)

    id: str
    stream_id: str
    t0: float
    t1: float
    text: str
    raw_text: str = ""
    words: list[Word] = Field(default_factory=list)
    confidence: float = 1.0
    corrections: list[Correction] = Field(default_factory=list)
