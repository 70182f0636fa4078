"""Efficacy claims: what a product does and how well (防水, 易清洗, 不掉色, 保温12小时, 抗菌率99.9%).

value {effect}: the effect word as said (防水, 高温消毒); defects said to be absent as 不+X (不易断裂 →
不断裂); durations as 保温12小时. The effect and defect words are `lexicon/data/effects.toml`.
"""

from __future__ import annotations

import re

import lexicon
from claims.quantities import NUM, to_number
from claims.rule import Hit, Rule, Value, rule
from models import ClaimType

TYPE = ClaimType.EFFICACY
E = TYPE
EFFECTS: tuple[str, ...] = tuple(t.text for t in lexicon.terms("effects"))
_EFF_RE = "|".join(sorted(set(EFFECTS), key=len, reverse=True))
_NEG_EFFECTS = "|".join(t.text for t in lexicon.terms("effects", "defect"))
# One-character defects (破, 断, 漏, 碎 ...) are everyday words after a bare 不 (不断 = continuously),
# so they count only after 容易/易/会: 湿水不容易破, 放包里不会洒.
_NEG_SHORT = "|".join(t.text for t in lexicon.terms("effects", "short_defect"))
_NEG_EFFECTS_RE = "不(?:易|会)?(?:" + _NEG_EFFECTS + ")"

# An effect word inside a product noun (防晒霜, 补水面膜, 除螨仪) names the product, not a promise;
# after 在/想/要 (我在减肥) it is an activity.
_PRODUCT_NOUN = "台灯|霜|乳|液|水|精华|面膜|喷雾|膏|仪|器|灯|贴|棒|杯|锅|枕|垫|被|鞋|衣|裤|袜|机|剂|露|油|粉|皂|膜|巾|茶|片|套装|系列|产品"
_KNOWN = re.compile(rf"{_EFF_RE}|{_NEG_EFFECTS_RE}")
# an open effect: 易/好/很容易 + a verb of use (易清洗, 好打理), or X性强/X力强 (吸水性强, 去污力强)
_OPEN = re.compile(r"(?:易|好|容易|方便)(清洗|打理|收纳|清洁|携带|安装|操作|吸收|推开|上色|入口|消化)"
                   r"|([\u4e00-\u9fff]{1,3}(?:性|力|感))(?:很|超|非常|特别)?(?:强|好|足|高)")


def value(clause: str) -> Value:
    """The value of an efficacy claim no rule matched: a known effect or defect word, else an open
    effect phrase (易清洗, 吸水性强), else nothing named."""
    known = _KNOWN.search(clause)
    if known:
        return {"effect": known.group(0)}
    open_ = _OPEN.search(clause)
    if open_:
        return {"effect": open_.group(0)}
    return {}


@rule(E, rf"(?<![在想要备始意])(?:能|可以|超级|非常|特别|很|超|真的|有效|强效|还|也|又|都)?({_EFF_RE})(?!{_PRODUCT_NOUN})")
def effect(h: Hit) -> Value | None:
    eff = h.group(1)
    modified = h.group(0) != eff
    after = h.text[h.m.end() : h.m.end() + 4]
    before = h.text[max(h.clause.start, h.m.start() - 1) : h.m.start()]
    listed = re.match(rf"(?:效果|功能|作用|设计|工艺|技术|性|能力|力|做得|很|超|特别|非常|一流|又|还|也|[，、。！,]|$|{_EFF_RE}|{_NEG_EFFECTS_RE})", after)
    if re.search(r"[我你他她]$", before):
        return None  # 我补水 (ASR for 我不睡): a person, not the product, does it
    if re.match(r"(?:也|还|就)是", after):
        return None  # 减肥也是一样的: the effect word as a topic, not a property of a product
    if not (modified or listed or (before and re.match(_PRODUCT_NOUN, before)) or re.search(rf"(?:{_EFF_RE})$", before)):
        return None  # 我就去减肥了, 挺注意保暖的: an activity, not the product's effect
    return {"effect": eff.replace("0", "零") if eff.startswith("0") else eff}


# 部/步/布 are how ASR writes 不 (bu) before a defect word (部会坏, 布粘锅): no other reading fits.
@rule(E, rf"(?<![会是])[不部步布](?:会|易|容易|怎么|轻易|再)?({_NEG_EFFECTS})|(?<![会是])[不部步布](?:会|易|容易|轻易)({_NEG_SHORT})(?![断续])")
def no_defect(h: Hit) -> Value | None:
    if h.group(1):
        return {"effect": "不" + h.group(1)}
    return {"effect": "不易" + h.group(2)}


# 用一盒就见效, 三天见效, 百分百有效: a promise of results (the risk rules flag it as a guarantee).
@rule(E, r"(?:就|就能|马上|立马|立刻|当天|快速|很快|[一二两三四五六七1-7]\s*(?:天|次|周|盒|瓶))(见效|有效果|管用)|(?:百分百|100%|百分之百|绝对|保证)(有效|管用|见效)")
def works(h: Hit) -> Value | None:
    return {"effect": "见效" if (h.group(1) or h.group(2)) in ("见效", "有效果") else "有效"}


# Duration of an effect: 十二个小时还是烫的 / 保温十二小时 → 保温12小时; 冰的/凉的 → 保冷.
@rule(E, rf"({NUM})\s*个?小时(?:都|还|依然|仍然|也|还是|都是|照样){{1,2}}(烫|热|温|冰|凉)(?:的|乎乎|嘴)?|(保温|保冷)(?:效果)?(?:长达|可达|能达到|能|可以|有)?({NUM})\s*个?小时")
def lasts(h: Hit) -> Value | None:
    n = to_number(h.group(1) or h.group(4))
    if not isinstance(n, int) or not 0 < n <= 72:
        return None
    kind = h.group(3) or ("保冷" if h.group(2) in ("冰", "凉") else "保温")
    return {"effect": f"{kind}{n}小时"}


@rule(E, r"(?:能|可以|有效)?(治疗|治好|根治|改善|缓解|消除|淡化|预防|告别)(痘痘|痘印|失眠|湿疹|便秘|脱发|黑眼圈|细纹|皱纹|色斑|斑点|口臭|脚气|鼻炎|关节痛|颈椎病|干燥|暗沉|毛孔粗大|感冒|咳嗽)")
def treats(h: Hit) -> Value | None:
    return {"effect": h.group(1) + h.group(2)}


RULES: tuple[Rule, ...] = (treats, lasts, works, effect, no_defect)
