"""Shipping, return-policy and compensation rules.

Values: shipping {within_hours, same_day, free_shipping, carrier}; return_policy {days,
no_reason, condition, freight_insurance}; compensation {multiplier, condition}. Relative days
are read as hours (明天发 → 24, 后天发 → 48, 三天内发货 → 72).
"""

from __future__ import annotations

import re

from claims.context import event_condition
from claims.numbers import NUM, to_number
from claims.rules.base import Hit, Rule, Value, const, rule
from models import ClaimType

S, R, C = ClaimType.SHIPPING, ClaimType.RETURN_POLICY, ClaimType.COMPENSATION
_SHIP = r"(?:发货|发出|发走|寄出|出库|发(?!的|作品|视频|朋友圈|动态|红包|消息|微博|个|了|言|现|生|财|烧|呆|火)|寄|安排发货)"
CARRIERS = {"顺丰": "顺丰", "圆通": "圆通", "中通": "中通", "申通": "申通", "韵达": "韵达",
             "极兔": "极兔", "京东": "京东", "邮政": "邮政", "ems": "邮政", "德邦": "德邦"}


def _event(h: Hit) -> str | None:
    """Triggering event in this clause, else in the previous one unless that has its own promise."""
    cond = event_condition(h.prefix)
    prev = h.previous_clause
    if cond is None and prev and not re.search(r"赔|退|换|补发", prev):
        cond = event_condition(prev)
    return cond


@rule(S, rf"({NUM})\s*(?:个)?(?:小时|h|钟头)(?:之内|以内|内)?(?:就|给你们|给您|会|必|必须|全部|都){{0,2}}[^，。！？\s]{{0,4}}?{_SHIP}")
def within_hours(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    return {"within_hours": n} if isinstance(n, int) and 0 < n <= 720 else None


@rule(S, rf"({NUM})\s*(?:天|日)(?:之内|以内|内|后)(?:就|给你们|给您|会|必|全部|都){{0,2}}{_SHIP}|({NUM})天{_SHIP}(?:货)?")
def within_days(h: Hit) -> Value | None:
    n = to_number(h.group(1) or h.group(2))
    return {"within_hours": n * 24} if isinstance(n, int) and 0 < n <= 60 else None


@rule(S, rf"(明天|次日|第二天|隔天|后天)(?:一早|早上|上午|下午|中午|晚上)?(?:就|统一|马上|立马|直接)?(?:能|会|给你们|给您|给大家|帮你们){{0,2}}{_SHIP}|(明天|次日)(?:就)?(?:能)?(?:到|送到|送达)")
def next_day(h: Hit) -> Value | None:
    word = h.group(1) or h.group(2)
    return {"within_hours": 48 if word == "后天" else 24}


SAME_DAY = (
    const(S, rf"(?:当天|当日|今天|今日)(?:下单|拍|拍的|拍下|买)(?:的)?(?:当天|今天|就|统一|马上)?(?:能|会|给你们)?{_SHIP}"
             r"|(?:当天|当日|今天|今日)(?:就|统一|马上)?(?:能|会|给你们)?(?:发货|发出|寄出|出库)", {"same_day": True}, "same_day"),
    const(S, r"(?:现货)?(?:秒发|速发|闪电发货|立即发货|马上发货|现拍现发)", {"same_day": True}, "instant"),
    const(S, r"同城(?:当天|当日)(?:送达|送到|到)|(?:当天|当日)(?:送达|就能收到|就到)", {"same_day": True}, "same_day_delivery"),
)

FREE = const(S, r"包邮|免运费|免邮|运费全免|(?<!来回)(?<!退货)(?<!退换)运费我(?:们)?(?:来)?出|(?:我们)?包运费|邮费我(?:们)?(?:来)?出|不要运费|零运费",
             {"free_shipping": True}, "free_shipping")


@rule(S, r"(?:发|走|默认|用|都是)?(顺丰|圆通|中通|申通|韵达|极兔|京东|邮政|ems|德邦)(?:快递|物流|速运|包邮|发货|配送|发)?")
def carrier(h: Hit) -> Value | None:
    around = h.text[h.clause.start : h.clause.end]
    if not any(k in around for k in ("发", "快递", "物流", "包邮", "速运", "配送", "默认")):
        return None
    return {"carrier": CARRIERS[h.group(1)]}


@rule(R, rf"({NUM})\s*天(?:的)?(?:无理由|无忧|无条件)(?:退换货|退换|退货|退款|退)?")
def days_no_reason(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    return {"days": n, "no_reason": True} if isinstance(n, int) and 0 < n <= 365 else None


@rule(R, rf"({NUM})\s*天(?:之内|以内|内)?[^，。！？\s]{{0,4}}?(?:包退|包换|可退|可换|退换|随时退|可以退|可以换|免费退换|包退换|退货|退款)")
def days_return(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    if not isinstance(n, int) or not 0 < n <= 365:
        return None
    value: Value = {"days": n}
    cond = _event(h)
    if cond:
        value["condition"] = cond
    return value


@rule(R, r"无理由(?:退换货|退换|退货|退款|退)|无条件退(?:货|款|换)?")
def no_reason(h: Hit) -> Value | None:
    return {"no_reason": True}


@rule(R, r"包退包换|包退|包换|退换无忧|随心退|支持退(?:货|换|款)|可以退(?:货|换|款)|随时退|直接(?:给你)?退(?:款|货)?|全额退款|(?:免费|直接|包)换新|(?:就|都)?给你(?:们)?退|(?:就|都)?(?:可以|能)退")
def conditional_return(h: Hit) -> Value | None:
    m = h.group(0)
    value: Value = {}
    cond = _event(h)
    if cond:
        value["condition"] = cond
    elif m.endswith("退") and "包" not in m and "随时" not in m and "支持" not in m:
        return None  # bare 可以退 / 给你退 needs a triggering event to be a promise
    return value


FREIGHT = const(R, r"(?:退货)?运费险|(?:退换货?|来回|退货)的?运费(?:我们|我|商家)(?:来)?(?:出|承担)|退货包运费", {"freight_insurance": True}, "freight")


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
    cond = _event(h)
    if cond is None and "包" not in h.group(0) and "先行" not in h.group(0):
        return None
    return {"condition": cond} if cond else {}


RULES: tuple[Rule, ...] = (
    within_hours, within_days, next_day, *SAME_DAY, FREE, carrier,
    days_no_reason, days_return, no_reason, conditional_return, FREIGHT,
    fake_multiplier, ratio, event_compensation,
)
