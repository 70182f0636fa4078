"""Authenticity claims: genuineness, official channel, brand authorisation, origin (正品保证, 品牌授权).

value {assurance}: one of 正品, 品牌授权, 厂家直销, 官方直营, 原装进口, 可验真.
"""

from __future__ import annotations

import re

from claims.rule import Hit, Rule, Value, const, rule
from models import ClaimType

TYPE = ClaimType.AUTHENTICITY
A = TYPE
_ASSURANCES = (
    ("品牌授权", r"授权"), ("厂家直销", r"厂家|工厂|源头|一手货源"), ("官方直营", r"官方|旗舰店|直营|自营"),
    ("原装进口", r"进口|原装|保税|海外"), ("可验真", r"验货|验真|防伪|鉴定|证书"),
)


def value(clause: str) -> Value:
    """The value of an authenticity claim no rule matched: the assurance its words name."""
    for assurance, words in _ASSURANCES:
        if re.search(words, clause):
            return {"assurance": assurance}
    return {"assurance": "正品"}


@rule(A, r"(?:保证|百分百|100%|绝对|都是|全是|全部|纯|官方|专柜|原装)?正品(?:保证|保障|行货)?|保证(?:是)?真(?:货|的)|假货(?:我们)?不(?:卖|做)")
def genuine(h: Hit) -> Value | None:
    if re.search(r"买(?:到|的|个)?$", h.before):
        return None  # 要买正品 / 给你买正品: advice or an errand, not an assurance about our goods
    return {"assurance": "正品"}


RULES: tuple[Rule, ...] = (
    genuine,
    const(A, r"品牌(?:方)?(?:官方)?授权|官方授权|正规授权|有授权|授权(?:店|经销商|渠道)", {"assurance": "品牌授权"}, "licensed"),
    const(A, r"厂家直销|工厂直销|工厂直发|厂家直发|源头工厂|源头厂家|厂家直供|工厂直供|一手货源", {"assurance": "厂家直销"}, "factory"),
    const(A, r"官方旗舰店|官方直营|品牌直营|官方自营|品牌自营|官方店", {"assurance": "官方直营"}, "official"),
    const(A, r"原装进口|海外直采|保税仓(?:直)?发(?:货)?|原装正品", {"assurance": "原装进口"}, "imported"),
    const(A, r"支持验货|可以验货|(?:可以|支持)?(?:去)?(?:专柜|官网)?验真|扫码验真|有防伪码|防伪码可查|支持鉴定|可以鉴定", {"assurance": "可验真"}, "verifiable"),
)
