"""Triage: a ticket's level (small / medium / large) from the merchant's rules, and its due times.

A rule matches on any of its conditions: a keyword in the ticket's text, a claim in force of one of its
types, or an order amount at or over its minimum. The ticket takes the highest level matched (small when
none), and its deadlines are that level's, counted from when the desk received it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from models import LEVEL_RANK, ClaimType, MerchantDeskSettings, Triage, TriageLevel, TriageRule


def _matches(rule: TriageRule, text: str, types: set[ClaimType], amount: float | None) -> list[str]:
    why = [f"“{k}”" for k in rule.keywords if k and k.lower() in text]
    why += [f"{t.value}" for t in rule.claim_types if t in types]
    if rule.min_amount is not None and amount is not None and amount >= rule.min_amount:
        why.append(f"≥{rule.min_amount:g}")
    return why


def triage(
    settings: MerchantDeskSettings,
    text: str,
    claim_types: Iterable[ClaimType],
    amount: float | None,
    received_at: datetime,
) -> Triage:
    """The level and due times; `reasons` name what matched (`large: “投诉”`), highest level first."""
    types, lowered = set(claim_types), text.lower()
    level, reasons = TriageLevel.SMALL, []
    for rule in sorted(settings.rules, key=lambda r: -LEVEL_RANK[r.level]):
        why = _matches(rule, lowered, types, amount)
        if why:
            reasons.append(f"{rule.level.value}: {', '.join(why)}")
            if LEVEL_RANK[rule.level] > LEVEL_RANK[level]:
                level = rule.level
    policy = settings.levels[level]
    return Triage(
        level=level,
        reasons=reasons,
        received_at=received_at,
        first_response_due=received_at + timedelta(minutes=policy.first_response_minutes),
        resolve_due=received_at + timedelta(hours=policy.resolve_hours),
    )
