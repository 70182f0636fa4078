"""Spec claims: what a product is: material, size, weight, count, capacity, ingredients, origin,
shelf life, models (4层, 130x180mm, 材质木浆, 保质期三年, 一卷400节, 净含量5片装).

value {attribute, amount, unit[, detail]}: 4层 → 层数/4/层; 130x180mm → 尺寸/"130x180"/mm; 材质木浆 →
材质 with detail 木浆; units canonical (毫升→ml, 克→g, 毫安→mAh). Units, attribute names and
materials are `lexicon/data/spec.toml`.
"""

from __future__ import annotations

import re

import lexicon
from claims.quantities import NUM, arabise, to_number
from claims.rule import Hit, Rule, Value, rule
from models import ClaimType

TYPE = ClaimType.SPEC
SP = TYPE
UNITS: dict[str, tuple[str, str]] = {t.text: (t.attribute, t.value) for t in lexicon.terms("spec", "unit")}
_UNIT_RE = "|".join(sorted(UNITS, key=len, reverse=True))
NAMED: dict[str, str] = {t.text: t.value for t in lexicon.terms("spec", "named")}
NAMED_RE = "|".join(sorted(NAMED, key=len, reverse=True))
_TIME_UNITS = {"年": "年", "个月": "月", "月": "月", "天": "天", "小时": "小时", "个小时": "小时"}
MATERIALS: tuple[str, ...] = tuple(t.text for t in lexicon.terms("spec", "material"))
# stainless grades however said: 316不锈钢, 三一六不锈钢, 316L
_STEEL = r"(?:(?:201|304|316|430)[lL]?|二零一|二〇一|三零四|三〇四|三一六|四三零|四三〇)不锈钢"
_MAT_RE = _STEEL + "|" + "|".join(sorted(MATERIALS, key=len, reverse=True))
# an open amount: a number with any counting unit or measure (一卷400节, 5片装, 含量≥99%)
_OPEN = re.compile(rf"({NUM})\s*(%|[a-zA-Z]{{1,3}}|[\u4e00-\u9fff](?:装)?)")


def value(clause: str) -> Value:
    """The value of a spec claim no rule matched: a named attribute or material, else the first
    amount with its unit, else nothing named."""
    mat = re.search(_MAT_RE, clause)
    if mat:
        return {"attribute": "材质", "amount": None, "unit": None, "detail": arabise(mat.group(0))}
    amount = _OPEN.search(clause)
    if amount and (n := to_number(amount.group(1))) is not None:
        unit = amount.group(2)
        attribute, canonical = UNITS.get(unit.lower(), ("规格", unit))
        return {"attribute": attribute, "amount": n, "unit": canonical}
    return {}


@rule(SP, rf"({NAMED_RE})(?:是|有|长达|可达|达到|高达|为|大概|差不多|足足|能达到|在){{0,2}}\s*({NUM})\s*({_UNIT_RE}|年|个月|月|天|个小时|小时|%)(?![a-z])")
def named_amount(h: Hit) -> Value | None:
    n = to_number(h.group(2))
    unit_raw = h.group(3)
    if n is None:
        return None
    unit = _TIME_UNITS.get(unit_raw) or (UNITS[unit_raw][1] if unit_raw in UNITS else unit_raw)
    attribute = NAMED[h.group(1)]
    if attribute == "存储" and unit == "g":
        unit = "GB"
    return {"attribute": attribute, "amount": n, "unit": unit}


@rule(SP, rf"({NUM})\s*[x×*乘]\s*({NUM})(?:\s*[x×*乘]\s*({NUM}))?\s*(mm|cm|毫米|厘米|米|m)(?![a-z])")
def dimensions(h: Hit) -> Value | None:
    nums = [to_number(g) for g in (h.group(1), h.group(2), h.group(3)) if g]
    unit = {"毫米": "mm", "厘米": "cm", "米": "m"}.get(h.group(4), h.group(4))
    return {"attribute": "尺寸", "amount": "x".join(str(n) for n in nums), "unit": unit}


@rule(SP, rf"(?<![\d.])({NUM})\s*({_UNIT_RE})(?![a-z\u4e00-\u9fff]{{0,1}}(?:钱|元|块|链接|号))(?:装)?")
def unit_amount(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    unit_raw = h.group(2)
    before = h.text[max(h.clause.start, h.m.start() - 3) : h.m.start()]
    if n is None or n == 0 or re.search(r"送|赠|满|减|第|前|买|拍|要|瘦|胖|长了|掉|降", before):
        return None
    if re.search(r"体重|身高|腰围|胸围|我(?:才|有|就|现在|都|也)?$", h.text[h.clause.start : h.m.start()]):
        return None  # 我身高165体重90斤: the speaker's body, not a product
    if unit_raw in ("米", "码", "升", "l") and not re.search(r"尺寸|尺码|长|宽|高|码数|容量|装", h.clause_text):
        return None
    attribute, unit = UNITS[unit_raw]
    if attribute in ("重量", "尺寸", "层数", "抽数") and not re.search(r"这个|这款|这件|这条|这双|这台|这根|这把|规格|装|一箱|一袋|一盒|一包|一提|一瓶|每袋|每盒|每箱|每包|承重|长度|宽度|尺寸|净含量|容量|加厚|纸巾|抽纸|纸|一张|每张", h.text[h.region_start : h.clause.end]):
        return None  # 20斤呢, 15厘米的: people's weight and height in chat, not a product spec
    if unit == "g" and re.search(r"内存|存储|运存|手机|电脑|平板", h.clause_text):
        attribute, unit = "存储", "GB"
    return {"attribute": attribute, "amount": n, "unit": unit}


@rule(SP, rf"(?:一|1|每)(?:盒|包|袋|瓶|箱|提)(?:有|是|装|里面有)?({NUM})(片|粒|包|支|抽|颗|个|袋|瓶|卷)")
def pack_count(h: Hit) -> Value | None:
    n = to_number(h.group(1))
    return {"attribute": "规格", "amount": n, "unit": h.group(2)} if n else None


# after a part (杯身, 内胆…) a grade the steel rule does not know (杯身1316不锈钢: 是 heard as 十)
# still says the material; the unknown digits are left out of the value
@rule(SP, rf"(?:材质|面料|材料|原料|采用|用的是|用的|选用|内胆|杯身|外壳|机身)(?:是|为|都是|用的是|用的)?(?:100%|百分百|百分之百)?(?:(?!(?:201|304|316|430)[lL]?不锈钢)[0-9]{{2,5}}(?=不锈钢))?({_MAT_RE})|(?:100%|百分百|百分之百)?({_MAT_RE})(?:材质|面料|的面料|做的|材料)|(?:(?<=[，。！\s])|^)(?:100%|百分百|百分之百)?({_MAT_RE})(?=[，。！\s]|$)")
def material(h: Hit) -> Value | None:
    detail = h.group(1) or h.group(2) or h.group(3)
    return {"attribute": "材质", "amount": None, "unit": None, "detail": arabise(detail).replace("l不", "L不")}


RULES: tuple[Rule, ...] = (named_amount, dimensions, pack_count, unit_amount, material)
