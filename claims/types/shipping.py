"""Shipping claims: dispatch and delivery time, carrier, free shipping, shipping area (48小时内发货).

value {within_hours, same_day, free_shipping, carrier}. Relative days are read as hours (明天发 → 24,
后天发 → 48, 三天内发货 → 72). Carriers and their names are `lexicon/data/carriers.toml`.
"""

from __future__ import annotations

import re

import lexicon
from claims.quantities import NUM, to_number
from claims.rule import Hit, Rule, Value, const, rule
from models import ClaimType

TYPE = ClaimType.SHIPPING
S = TYPE
SHIP = r"(?:发货|发出|发走|寄出|出库|发(?!的|作品|视频|朋友圈|动态|红包|消息|微博|个|了|言|现|生|财|烧|呆|火)|寄|安排发货)"
CARRIERS: dict[str, str] = {t.text: t.value for t in lexicon.terms("carriers")}
_CARRIER_RE = "|".join(sorted((re.escape(c) for c in CARRIERS), key=len, reverse=True))


def value(clause: str) -> Value:
    """The value of a shipping claim no rule matched: relative dispatch days as hours, a carrier."""
    v: Value = {}
    if re.search(r"明天|次日|第二天|隔天", clause):
        v["within_hours"] = 24
    elif re.search(r"后天", clause):
        v["within_hours"] = 48
    elif re.search(r"今天|当天|马上|立刻|立马", clause):
        v["same_day"] = True
    if re.search(r"包邮|免运费|免邮|free shipping", clause, re.I):
        v["free_shipping"] = True
    carrier = re.search(_CARRIER_RE, clause.lower())
    if carrier:
        v["carrier"] = CARRIERS[carrier.group(0)]
    return v


@rule(S, rf"({NUM})\s*(?:个)?(?:小时|h|钟头)(?:之内|以内|内)?(?:就|给你们|给您|会|必|必须|全部|都){{0,2}}[^，。！？\s]{{0,4}}?{SHIP}")
def within_hours(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    return {"within_hours": n} if isinstance(n, int) and 0 < n <= 720 else None


@rule(S, rf"({NUM})\s*(?:天|日)(?:之内|以内|内|后)(?:就|给你们|给您|会|必|全部|都){{0,2}}{SHIP}|({NUM})天{SHIP}(?:货)?")
def within_days(h: Hit) -> Value | None:
    n = to_number(h.group(1) or h.group(2))
    return {"within_hours": n * 24} if isinstance(n, int) and 0 < n <= 60 else None


@rule(S, rf"(明天|次日|第二天|隔天|后天)(?:一早|早上|上午|下午|中午|晚上)?(?:就|统一|马上|立马|直接)?(?:能|会|给你们|给您|给大家|帮你们){{0,2}}{SHIP}|(明天|次日)(?:就)?(?:能)?(?:到|送到|送达)")
def next_day(h: Hit) -> Value | None:
    word = h.group(1) or h.group(2)
    return {"within_hours": 48 if word == "后天" else 24}


SAME_DAY = (
    const(S, rf"(?:当天|当日|今天|今日)(?:下单|拍|拍的|拍下|买)(?:的)?(?:当天|今天|就|统一|马上)?(?:能|会|给你们)?{SHIP}"
             r"|(?:当天|当日|今天|今日)(?:就|统一|马上)?(?:能|会|给你们)?(?:发货|发出|寄出|出库)", {"same_day": True}, "same_day"),
    const(S, r"(?:现货)?(?:秒发|速发|闪电发货|立即发货|马上发货|现拍现发)", {"same_day": True}, "instant"),
    const(S, r"同城(?:当天|当日)(?:送达|送到|到)|(?:当天|当日)(?:送达|就能收到|就到)", {"same_day": True}, "same_day_delivery"),
)

FREE = const(S, r"包邮|免运费|免邮|运费全免|(?<!来回)(?<!退货)(?<!退换)运费我(?:们)?(?:来)?出|(?:我们)?包运费|邮费我(?:们)?(?:来)?出|不要运费|零运费",
             {"free_shipping": True}, "free_shipping")


@rule(S, rf"(?:发|走|默认|用|都是)?({_CARRIER_RE})(?:快递|物流|速运|包邮|发货|配送|发)?")
def carrier(h: Hit) -> Value | None:
    around = h.text[h.clause.start : h.clause.end]
    if not any(k in around for k in ("发", "快递", "物流", "包邮", "速运", "配送", "默认")):
        return None
    return {"carrier": CARRIERS[h.group(1)]}


RULES: tuple[Rule, ...] = (within_hours, within_days, next_day, *SAME_DAY, FREE, carrier)
