"""Claims (promises a buyer can hold the merchant to), risks, products."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ClaimType(StrEnum):
    GIFT = "gift"
    SHIPPING = "shipping"
    RETURN_POLICY = "return_policy"
    COMPENSATION = "compensation"
    PRICE = "price"
    AUTHENTICITY = "authenticity"
    SUITABILITY = "suitability"
    EFFICACY = "efficacy"
    SPEC = "spec"


class RiskRule(StrEnum):
    ABSOLUTE_TERM = "absolute_term"
    MEDICAL_CLAIM = "medical_claim"
    EFFICACY_GUARANTEE = "efficacy_guarantee"
    FALSE_URGENCY = "false_urgency"
    OFF_PLATFORM = "off_platform"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Risk(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: RiskRule
    quote: str  # the matched words
    severity: Severity = Severity.MEDIUM
    basis: str = ""  # legal or platform-rule basis, e.g. 广告法 第九条第三项


class Product(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    link: int | None = None  # 1号链接


class Claim(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = ""
    stream_id: str = ""
    utterance_id: str = ""
    type: ClaimType
    value: dict[str, Any] = Field(default_factory=dict)
    quote: str
    t0: float = 0.0
    t1: float = 0.0
    at: datetime | None = None
    product: str | None = None
    risks: list[Risk] = Field(default_factory=list)
    confidence: float = 1.0
    method: str = "rule"  # rule | embedding | qa_pair
    question: str | None = None  # method qa_pair: the viewer's comment this answer was read against
