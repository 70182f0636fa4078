"""Search filters and hits."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from models.claims import Claim


class SearchFilters(BaseModel):
    model_config = ConfigDict(frozen=True)

    stream: str | None = None
    merchant: str | None = None
    product: str | None = None
    type: str | None = None
    t_from: datetime | None = None
    t_to: datetime | None = None
    risky: bool = False
    kind: str | None = None  # "utterance" (what the host said) or "comment" (what viewers wrote); None: both


class SearchHit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    stream: str
    t0: float
    t1: float
    quote: str
    score: float
    at: datetime | None = None
    prev: str | None = None
    next: str | None = None
    claim: Claim | None = None
    product: str | None = None
    clip_url: str = ""
    kind: str = "utterance"
