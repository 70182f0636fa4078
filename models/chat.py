"""Live chat on the stream clock: what viewers sent while the host spoke, and the question↔answer pairs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_COMMENT_CHARS = (
    2000  # platforms cap a comment far below this; longer is junk or an attack, refused by name
)


class ChatKind(StrEnum):
    COMMENT = "comment"
    GIFT = "gift"
    LIKE = "like"
    JOIN = "join"
    FOLLOW = "follow"
    CONTROL = "control"  # room start / stop / pause, as the platform announces it


class ChatEvent(BaseModel):
    """One live-chat event. `t` is seconds on the stream clock (when it was received, corrected by the platform's
    own time where it has one); `sent_at` is the platform's timestamp, `received_at` ours (both UTC)."""

    model_config = ConfigDict(frozen=True)

    id: str
    stream_id: str
    t: float = Field(ge=0.0)
    kind: ChatKind = ChatKind.COMMENT
    platform: str = ""
    room: str = ""
    user_id: str = ""
    user_name: str = ""
    text: str = Field(default="", max_length=MAX_COMMENT_CHARS)
    gift_name: str | None = None
    gift_count: int | None = Field(default=None, ge=0)
    gift_value: float | None = Field(
        default=None, ge=0.0
    )  # in the platform's currency unit (e.g. 抖币), as sent
    sent_at: datetime | None = None
    received_at: datetime | None = None

    @field_validator("id")
    @classmethod
    def _id_present(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a chat event needs a non-empty id")
        return value


class ChatFeedGap(BaseModel):
    """A stretch of the stream clock in which a live chat feed was not connected (it dropped, or never came),
    with the reason: comments sent then are missing, and the record says so."""

    model_config = ConfigDict(frozen=True)

    t0: float = Field(ge=0.0)
    t1: float = Field(ge=0.0)
    reason: str


class ChatBatch(BaseModel):
    """A batch of chat events archived as one object (`streams/{id}/chat/{seq:06d}.jsonl`, one event's JSON per
    line) and chained like a segment: `sha256` is the object's hash, [t0, t1] the span of its events."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["chat"] = "chat"
    seq: int
    t0: float
    t1: float
    path: str
    count: int
    size: int
    sha256: str
    chain: str


class ChatGap(BaseModel):
    """A chat feed's gap on the stream's hash chain (payload: its reason, as for a media gap)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["chat_gap"] = "chat_gap"
    seq: int
    t0: float
    t1: float
    reason: str
    chain: str


class QAPair(BaseModel):
    """A viewer's question (a comment) and the host utterance that answers it, with the pairing's score in [0, 1]."""

    model_config = ConfigDict(frozen=True)

    stream_id: str
    comment_id: str
    utterance_id: str
    score: float = Field(ge=0.0, le=1.0)
    question: str
    answer: str
    t_question: float = 0.0
    t_answer: float = 0.0
