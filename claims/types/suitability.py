"""Suitability claims: who or what a product is for, or not for (敏感肌也能用, 适用于玻璃, 适合烧烤店).

value {audience}: the canonical audience (`lexicon/data/audiences.toml`: 敏感肌, 孕妇, 宝宝, 儿童, 老人,
所有肤质…) or the phrase after 适合/适用于/可用于 as said (玻璃, 烧烤店打包生蚝, 10#订书机).
"""

from __future__ import annotations

import re

import lexicon
from claims.rule import Hit, Rule, Value, const, rule
from models import ClaimType

TYPE = ClaimType.SUITABILITY
SU = TYPE
AUDIENCE: dict[str, str] = {t.text: t.value for t in lexicon.terms("audiences")}
_AUD_RE = "|".join(sorted(AUDIENCE, key=len, reverse=True))
_AUD = re.compile(_AUD_RE)
# an open audience: whatever follows 适合/适用于/可用于/专为 up to a pause (适合烧烤店打包生蚝)
_OPEN = re.compile(r"(?:适合|适用于|适用|可用于|专为|专门给|suitable for|great for|perfect for|safe for)\s*"
                   r"([^，。！？,.!?；;]{1,14})", re.I)


def value(clause: str) -> Value:
    """The value of a suitability claim no rule matched: a known audience, else the phrase after
    适合/适用于/可用于, else nothing named."""
    known = _AUD.search(clause)
    if known:
        return {"audience": AUDIENCE[known.group(0)]}
    open_ = _OPEN.search(clause)
    if open_:
        return {"audience": open_.group(1).strip("的 ")}
    return {}


@rule(SU, rf"({_AUD_RE})(?:的)?(?:们|人群|朋友|皮肤|家庭|人士|群体|姐妹)?(?:也|都|同样|完全|照样|一样)?(?:是)?(?:放心)?(?:可以|能|可|放心)(?:放心)?(?:用|吃|穿|使用|喝|戴|涂|抹|盖|睡|带)|({_AUD_RE})(?:的)?(?:们|家庭|人群|姐妹)?(?:也|都)?(?:适用|适合|友好|专用|必备)")
def audience_can(h: Hit) -> Value | None:
    return {"audience": AUDIENCE[h.group(1) or h.group(2)]}


@rule(SU, rf"(?:适合|适用于|适用|专为|专门给)(?:我们)?({_AUD_RE})|给({_AUD_RE})(?:们)?(?:做的|设计的|研发的|定制的)")
def suits_audience(h: Hit) -> Value | None:
    return {"audience": AUDIENCE[h.group(1) or h.group(2)]}


@rule(SU, rf"({_AUD_RE})(?=[，,]?[、和跟与及]?(?:{_AUD_RE})[^，。！？\s]{{0,6}}?(?:可以|能|可|适合|适用))")
def audience_list(h: Hit) -> Value | None:
    return {"audience": AUDIENCE[h.group(1)]}


@rule(SU, r"适用于([\u4e00-\u9fff]{1,5}?)(?:、|和|等|表面|材质|上|的|，|。|$|\s)")
def suits_surface(h: Hit) -> Value | None:
    return {"audience": h.group(1)}


AGES = (
    const(SU, r"老少皆宜|男女老少都|大人小孩都(?:能|可以)|全家(?:人)?都(?:能|可以)(?:用|吃)", {"audience": "所有人"}, "everyone"),
    const(SU, r"男女通用|男女都(?:能|可以)|男生女生都(?:能|可以)", {"audience": "男女"}, "unisex"),
)

RULES: tuple[Rule, ...] = (audience_can, audience_list, suits_audience, suits_surface, *AGES)
