"""The agent's desk: a ticket as an agent pastes it (with order id and amount), its triage level and due
times, the merchant's desk settings (time zone, triage rules, deadlines, refund limits) and reply templates."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from models.claims import ClaimType
from models.evidence import TicketResult

_ID = r"^[A-Za-z0-9._-]{1,128}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class TriageLevel(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


LEVEL_RANK = {TriageLevel.SMALL: 0, TriageLevel.MEDIUM: 1, TriageLevel.LARGE: 2}


class TriageRule(_Frozen):
    """A ticket matching any of the rule's conditions is at least `level`; `source` says who set it."""

    level: TriageLevel
    keywords: list[str] = Field(default_factory=list)
    claim_types: list[ClaimType] = Field(default_factory=list)
    min_amount: float | None = None
    source: str = ""


class LevelPolicy(_Frozen):
    first_response_minutes: int = Field(gt=0)
    resolve_hours: int = Field(gt=0)
    evidence: str = ""  # what a case of this level must carry (e.g. the full evidence chain)


class AgentLimit(_Frozen):
    role: str  # the merchant's name for the agent level (初级客服, 主管…)
    refund_limit: float | None = None  # None: no limit


class MerchantDeskSettings(_Frozen):
    merchant: str
    timezone: str = "Asia/Shanghai"
    currency: str = "CNY"
    levels: dict[TriageLevel, LevelPolicy]
    rules: list[TriageRule] = Field(default_factory=list)
    agent_limits: list[AgentLimit] = Field(default_factory=list)


class Triage(_Frozen):
    level: TriageLevel
    reasons: list[str] = Field(default_factory=list)
    received_at: datetime
    first_response_due: datetime
    resolve_due: datetime


class DeskTicketRequest(_Frozen):
    """A ticket as an agent pastes it: the ticket fields plus the order's id and amount."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1, max_length=5000)
    product: str | None = Field(default=None, max_length=128)
    order_time: datetime
    stream: str | None = Field(default=None, pattern=_ID)
    order_id: str = Field(default="", max_length=128)
    amount: float | None = Field(default=None, ge=0, le=1e9, allow_inf_nan=False)


class DeskTicket(_Frozen):
    result: TicketResult
    order_id: str = ""
    amount: float | None = None
    triage: Triage


class ReplyTemplate(_Frozen):
    claim_type: ClaimType | None  # None: the template for a ticket with no claim in force
    zh: str
    en: str
    source: str = ""
