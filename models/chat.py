"""Live chat on the stream clock: what viewers sent while the host spoke, and the question↔answer pairs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_COMMENT_CHARS = 2000  # platforms cap a comment far below this; longer is junk or an attack, refused by name


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
    gift_value: float | None = Field(default=None, ge=0.0)  # in the platform's currency unit (e.g. 抖币), as sent
    sent_at: datetime | None = None
    received_at: datetime | None = None

    @field_validator("id")
    @classmethod
    def _id_present(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a chat event needs a non-empty id")
        return value


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
