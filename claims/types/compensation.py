"""Compensation claims: money or goods paid out when something goes wrong (假一赔十, 破损包赔, 坏果包赔).

value {multiplier, condition}: 假一赔十 → {"multiplier": 10, "condition": "假货"}; 少一赔十 →
{"multiplier": 10, "condition": "少件"}; 破损包赔 → {"condition": "破损"}.
"""

from __future__ import annotations

import re

from claims.clauses import event_condition
from claims.quantities import NUM, to_number
from claims.rule import Hit, Rule, Value, event_near, rule
from models import ClaimType

TYPE = ClaimType.COMPENSATION
C = TYPE


def value(clause: str) -> Value:
    """The value of a compensation claim no rule matched: a 赔N multiplier and the event."""
    v: Value = {}
    times = re.search(rf"[赔罚]({NUM})", clause)
    if times and isinstance(n := to_number(times.group(1)), int):
        v["multiplier"] = n
    if cond := event_condition(clause):
        v["condition"] = cond
    return v


@rule(C, rf"假一(?:赔|罚)({NUM})")
def fake_multiplier(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    return {"multiplier": n, "condition": "假货"} if isinstance(n, int) else None


@rule(C, rf"(少|缺|坏|损|破)({NUM})(?:个|件|颗|瓶)?(?:赔|补|罚)({NUM})")
def ratio(h: Hit) -> Value | None:
    a, b = to_number(h.group(2)), to_number(h.group(3))
    if not a or not b:
        return None
    cond = {"少": "少件", "缺": "少件", "坏": "坏果"}.get(h.group(1), "破损")
    return {"multiplier": b / a if b % a else b // a, "condition": cond}


@rule(C, r"(?:包|必|就|我们|全额|照价|先行|直接)(?:赔|赔付|赔偿|补发|补给你|给你补|重发)|给你(?:们)?(?:补发|重发|补一)|假货赔|免费补发|坏了包赔|坏果包赔")
def event_compensation(h: Hit) -> Value | None:
    cond = event_near(h)
    if cond is None and "包" not in h.group(0) and "先行" not in h.group(0):
        return None
    return {"condition": cond} if cond else {}


RULES: tuple[Rule, ...] = (fake_multiplier, ratio, event_compensation)
