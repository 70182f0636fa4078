"""Price claims: any stated price, discount, coupon, bundle or comparison price (今天只要99, 满200减30).

value {amount, currency, discount}: amount a float in CNY; discount a canonical string with Arabic
digits: "满200减30", "第2件半价", "第2件5折", "8折", "立减20", "券减10", "半价", "最低价".
"""

from __future__ import annotations

import re

from claims.quantities import NUM, PRICE_RE, price_amount, to_number
from claims.rule import Hit, Rule, Value, rule
from models import ClaimType

TYPE = ClaimType.PRICE
P = TYPE
_AMOUNT_CUE = r"(?:只要|只需|仅需|仅要|到手价?|直播价|秒杀价|活动价|券后价?|现价|一口价|福利价|特价|售价|价格|卖)"


def value(clause: str) -> Value:
    """The value of a price claim no rule matched: the last amount said in the clause, if any."""
    amounts = [price_amount(m.group(1), m.group(2)) for m in PRICE_RE.finditer(clause)]
    found = [a for a in amounts if a]
    return {"amount": found[-1], "currency": "CNY"} if found else {"currency": "CNY"}


@rule(P, rf"{_AMOUNT_CUE}(?:是|只要|就|才|都|也|只|直接){{0,2}}\s*({NUM})(?:\s*(?:元|块钱|块)\s*({NUM})?)?")
def cued_amount(h: Hit) -> Value | None:
    if re.match(r"[\u4e00-\u9fff]", h.text[h.m.end() : h.m.end() + 1]) and not re.match(
        r"[元块钱一两包到哦啊呀了的拍件瓶盒]", h.text[h.m.end() : h.m.end() + 1]
    ):
        return None  # 只要一断播: a number word, not a price
    amount = price_amount(h.group(1), h.group(2))
    if amount is None or amount <= 0 or amount > 100000:
        return None
    return {"amount": amount, "currency": "CNY"}


@rule(P, rf"(?<![满减省值券赔])({NUM})\s*(?:元|块钱|块)(?:\s*({NUM})(?![件个瓶盒斤元块\d]))?")
def unit_amount(h: Hit) -> Value | None:
    before = h.text[max(h.clause.start, h.m.start() - 4) : h.m.start()]
    after = h.text[h.m.end() : h.m.end() + 4]
    if re.search(r"满|减|价值|省|原价|立减|优惠|券|赔|红包|送|直降|便宜", before) or re.match(r"[的]?(?:券|优惠|红包|无门槛|以上)", after):
        return None
    near_before = h.text[max(h.clause.start, h.m.start() - 5) : h.m.start()]
    if not (re.search(r"只要|只需|仅|到手|秒杀|一口价|直播间|现价|特价", near_before)
            or re.match(r"(?:包邮|一(?:件|瓶|盒|斤|个|套|份|箱|袋)|两件|到手)", after)):
        return None  # 每天发50块, 一开始10块: amounts, not this product's price
    amount = price_amount(h.group(1), h.group(2))
    return {"amount": amount, "currency": "CNY"} if amount else None


@rule(P, rf"满({NUM})(?:元|块)?(?:就)?减({NUM})")
def full_reduction(h: Hit) -> Value | None:
    return {"discount": f"满{to_number(h.group(1))}减{to_number(h.group(2))}", "currency": "CNY"}


@rule(P, rf"第({NUM})(?:件|单|瓶|盒|个)(?:只要)?(半价|({NUM})折|免费|0元|({NUM})(?:元|块))")
def nth_item(h: Hit) -> Value | None:
    n, kind = to_number(h.group(1)), h.group(2)
    if h.group(3):
        kind = f"{to_number(h.group(3))}折"
    elif h.group(4):
        kind = f"{to_number(h.group(4))}元"
    elif kind == "0元":
        kind = "免费"
    return {"discount": f"第{n}件{kind}", "currency": "CNY"}


@rule(P, rf"(?:打|直接|全场|只打|打个)?({NUM})折(?!叠|扣券)")
def percent_off(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    return {"discount": f"{n}折", "currency": "CNY"} if n and 0 < n < 100 else None


@rule(P, rf"(?:立减|直降|立省|直减|马上减|下单减|再减|优惠|便宜)({NUM})(?:元|块)?|(领券|用券|优惠券)[^，。\s]{{0,3}}?减({NUM})")
def reduction(h: Hit) -> Value | None:
    if h.group(1):
        return {"discount": f"立减{to_number(h.group(1))}", "currency": "CNY"}
    return {"discount": f"券减{to_number(h.group(3))}", "currency": "CNY"}


@rule(P, r"(?:全网|全年|历史|史上|今年)最低(?:价)?|最低价|(?:价格|价钱)(?:是|都是)?(?:全网)?最低|史低价?|(?<!第.件)(?<!件)半价")
def lowest(h: Hit) -> Value | None:
    return {"discount": "半价" if h.group(0).endswith("半价") else "最低价", "currency": "CNY"}


RULES: tuple[Rule, ...] = (full_reduction, nth_item, percent_off, reduction, lowest, cued_amount, unit_amount)
