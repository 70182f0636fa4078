"""Return-policy claims: returns, exchanges, refunds, 运费险, 过敏包退, 质量问题换新 (七天无理由).

value {days, no_reason, condition, freight_insurance}: 七天无理由 → {"days": 7, "no_reason": True};
过敏包退 → {"condition": "过敏"}; 送运费险 → {"freight_insurance": True}.
"""

from __future__ import annotations

import re

from claims.clauses import event_condition
from claims.quantities import NUM, to_number
from claims.rule import Hit, Rule, Value, const, event_near, rule
from models import ClaimType

TYPE = ClaimType.RETURN_POLICY
R = TYPE


def value(clause: str) -> Value:
    """The value of a return claim no rule matched: days, no-reason, freight insurance, the event."""
    v: Value = {}
    days = re.search(rf"({NUM})\s*天", clause)
    if days and isinstance(n := to_number(days.group(1)), int) and 0 < n <= 365:
        v["days"] = n
    if re.search(r"无理由|无条件|no questions asked", clause, re.I):
        v["no_reason"] = True
    if re.search(r"运费险|退货运费|return shipping", clause, re.I):
        v["freight_insurance"] = True
    if cond := event_condition(clause):
        v["condition"] = cond
    return v


@rule(R, rf"({NUM})\s*天(?:的)?(?:无理由|无忧|无条件)(?:退换货|退换|退货|退款|退)?")
def days_no_reason(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    return {"days": n, "no_reason": True} if isinstance(n, int) and 0 < n <= 365 else None


@rule(R, rf"({NUM})\s*天(?:之内|以内|内)?[^，。！？\s]{{0,4}}?(?:包退|包换|可退|可换|退换|随时退|可以退|可以换|免费退换|包退换|退货|退款)")
def days_return(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    if not isinstance(n, int) or not 0 < n <= 365:
        return None
    v: Value = {"days": n}
    cond = event_near(h)
    if cond:
        v["condition"] = cond
    return v


@rule(R, r"无理由(?:退换货|退换|退货|退款|退)|无条件退(?:货|款|换)?")
def no_reason(h: Hit) -> Value | None:
    return {"no_reason": True}


@rule(R, r"包退包换|包退|包换|退换无忧|随心退|支持退(?:货|换|款)|可以退(?:货|换|款)|随时退|直接(?:给你)?退(?:款|货)?|全额退款|(?:免费|直接|包)换新|(?:就|都)?给你(?:们)?退|(?:就|都)?(?:可以|能)退")
def conditional_return(h: Hit) -> Value | None:
    m = h.group(0)
    v: Value = {}
    cond = event_near(h)
    if cond:
        v["condition"] = cond
    elif m.endswith("退") and "包" not in m and "随时" not in m and "支持" not in m:
        return None  # bare 可以退 / 给你退 needs a triggering event to be a promise
    return v


FREIGHT = const(R, r"(?:退货)?运费险|(?:退换货?|来回|退货)的?运费(?:我们|我|商家)(?:来)?(?:出|承担)|退货包运费", {"freight_insurance": True}, "freight")

RULES: tuple[Rule, ...] = (days_no_reason, days_return, no_reason, conditional_return, FREIGHT)
