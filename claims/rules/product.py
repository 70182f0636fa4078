"""Authenticity, suitability, efficacy and spec rules.

authenticity {assurance}: one of 正品, 品牌授权, 厂家直销, 官方直营, 原装进口, 可验真.
suitability {audience}: canonical audience (敏感肌, 孕妇, 宝宝, 儿童, 老人, 所有肤质, ...) or the
surface/object after 适用于 (玻璃). efficacy {effect}: the effect word as said (防水, 高温消毒),
negative-form effects canonicalised to 不+X (不易断裂 → 不断裂).
spec {attribute, amount, unit[, detail]}: 4层 → 层数/4/层; 130x180mm → 尺寸/"130x180"/mm;
材质木浆 → 材质 with detail 木浆; units canonical (毫升→ml, 克→g, 毫安→mAh).
"""

from __future__ import annotations

import re

from claims.numbers import NUM, to_number
from claims.rules.base import Hit, Rule, Value, const, rule
from claims.rules.spec import RULES as SPEC_RULES
from models import ClaimType

A, SU, E = ClaimType.AUTHENTICITY, ClaimType.SUITABILITY, ClaimType.EFFICACY

@rule(A, r"(?:保证|百分百|100%|绝对|都是|全是|全部|纯|官方|专柜|原装)?正品(?:保证|保障|行货)?|保证(?:是)?真(?:货|的)|假货(?:我们)?不(?:卖|做)")
def genuine(h: Hit) -> Value | None:
    if re.search(r"买(?:到|的|个)?$", h.before):
        return None  # 要买正品 / 给你买正品: advice or an errand, not an assurance about our goods
    return {"assurance": "正品"}


AUTH = (
    genuine,
    const(A, r"品牌(?:方)?(?:官方)?授权|官方授权|正规授权|有授权|授权(?:店|经销商|渠道)", {"assurance": "品牌授权"}, "licensed"),
    const(A, r"厂家直销|工厂直销|工厂直发|厂家直发|源头工厂|源头厂家|厂家直供|工厂直供|一手货源", {"assurance": "厂家直销"}, "factory"),
    const(A, r"官方旗舰店|官方直营|品牌直营|官方自营|品牌自营|官方店", {"assurance": "官方直营"}, "official"),
    const(A, r"原装进口|海外直采|保税仓(?:直)?发(?:货)?|原装正品", {"assurance": "原装进口"}, "imported"),
    const(A, r"支持验货|可以验货|(?:可以|支持)?(?:去)?(?:专柜|官网)?验真|扫码验真|有防伪码|防伪码可查|支持鉴定|可以鉴定", {"assurance": "可验真"}, "verifiable"),
)

AUDIENCE = {
    "敏感肌": "敏感肌", "敏感皮": "敏感肌", "敏感肤质": "敏感肌", "痘痘肌": "痘痘肌", "油皮": "油皮",
    "干皮": "干皮", "混油皮": "混油皮", "混干皮": "混干皮", "孕妇": "孕妇", "孕期": "孕妇",
    "孕妈": "孕妇", "哺乳期": "哺乳期", "宝妈": "宝妈", "宝宝": "宝宝", "婴儿": "宝宝", "婴幼儿": "宝宝",
    "小宝宝": "宝宝", "儿童": "儿童", "小孩": "儿童", "孩子": "儿童", "小朋友": "儿童", "老人": "老人",
    "老年人": "老人", "学生": "学生", "学生党": "学生", "上班族": "上班族", "男生": "男士",
    "男士": "男士", "女生": "女士", "女士": "女士", "男女": "男女", "微胖": "微胖", "胖子": "微胖",
    "大码": "微胖", "小个子": "小个子", "所有肤质": "所有肤质", "各种肤质": "所有肤质",
    "任何肤质": "所有肤质", "全肤质": "所有肤质", "一岁以上": "一岁以上", "糖尿病人": "糖尿病人",
    "干性皮肤": "干皮", "油性皮肤": "油皮", "老公": "男士", "宠物": "宠物", "猫咪": "宠物", "狗狗": "宠物",
}
_AUD_RE = "|".join(sorted(AUDIENCE, key=len, reverse=True))


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

EFFECTS = (
    "高温消毒", "消毒", "杀菌", "抑菌", "除菌", "除螨", "去污", "去油污", "去油", "除味", "除臭", "防水", "防晒", "保湿",
    "补水", "美白", "提亮", "控油", "祛痘", "抗皱", "紧致", "淡斑", "祛斑", "修护", "舒缓", "去角质", "保暖",
    "透气", "速干", "吸汗", "防滑", "防摔", "耐磨", "耐高温", "耐脏", "静音", "降噪", "快充", "防蓝光", "持妆",
    "遮瑕", "显瘦", "抗老", "去黑头", "收缩毛孔", "防脱", "生发", "助眠", "减肥", "瘦身", "抗衰", "锁水",
    "护眼", "保鲜", "保温", "补血", "增强免疫力", "提高免疫力", "提高抵抗力", "降血糖", "降血压", "降血脂", "防霉", "防潮", "防晒", "防紫外线", "吸水", "不伤手", "不伤皮肤", "低糖", "零添加", "无添加",
    "0添加", "0糖", "零糖", "零脂", "0脂", "0卡", "零卡", "低脂", "高蛋白", "防污", "抗菌", "长续航", "驱蚊", "防虫", "暖宫", "养胃", "防风",
    "防漏", "防汗", "密封防漏", "见效", "有效", "管用",
)
_EFF_RE = "|".join(sorted(set(EFFECTS), key=len, reverse=True))
_NEG_EFFECTS = (
    "掉色|褪色|起球|缩水|断裂|变形|粘锅|脱妆|卡粉|晕妆|晕染|生锈|漏水|漏电|发霉|掉毛|起皱|闷汗|闷痘|"
    "刺激|油腻|黏腻|拔干|假白|搓泥|氧化|暗沉|漏液|开胶|掉渣|串味|反弹|长胖|上火|闷脚|勒|磨脚|起毛|"
    "变色|褪色|破损|漏气|卡顿|发烫|粘手|洒"
)
# One-character defects (破, 断, 漏, 碎 ...) are everyday words after a bare 不 (不断 = continuously),
# so they count only after 容易/易/会: 湿水不容易破, 放包里不会洒.
_NEG_SHORT = "破|断|漏|碎|坏|裂|皱|塌|烂"


_NEG_EFFECTS_RE = "不(?:易|会)?(?:" + _NEG_EFFECTS + ")"

# An effect word inside a product noun (防晒霜, 补水面膜, 除螨仪) names the product, not a promise;
# after 在/想/要 (我在减肥) it is an activity.
_PRODUCT_NOUN = "台灯|霜|乳|液|水|精华|面膜|喷雾|膏|仪|器|灯|贴|棒|杯|锅|枕|垫|被|鞋|衣|裤|袜|机|剂|露|油|粉|皂|膜|巾|茶|片|套装|系列|产品"


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


RULES: tuple[Rule, ...] = (
    *AUTH, treats, audience_can, audience_list, suits_audience, suits_surface, *AGES, lasts, works, effect, no_defect,
    *SPEC_RULES,
)
