"""The commerce lexicon: the words promises are made of, which Whisper base mishears.

Written from the claim types in ARCHITECTURE.md and from the errors seen on real streams
(发货→发火, 包邮→包油, 敏感肌→敏感机, 无理由→无理游). A term carries context words when
one of its mishearings is itself an ordinary word: 发火 only becomes 发货 near 小时/今天/下单…,
never in 别发火, and `blockers` veto the correction outright.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from transcribe.vocabulary import GOODS_VOCABULARY, VOCABULARY


@dataclass(frozen=True)
class LexiconTerm:
    """A domain word. `context`: words one of which must be near (±10 characters) before a
    homophone that is itself a real word is replaced; `blockers`: words right before it that
    say the homophone was meant (别发火); `near_terms`: replace only where another domain term
    or product name is near (±10 characters), i.e. in selling talk, not in chat (吃吗 is
    尺码 only in 尺码偏大… talk); `before_number`: a price word, for which an amount right after
    is context enough (劝后九十九 → 券后九十九)."""

    text: str
    context: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()
    near_terms: bool = False
    before_number: bool = False


_SHIPPING_CONTEXT = (
    "小时",
    "天",
    "今天",
    "明天",
    "后天",
    "当天",
    "下单",
    "拍下",
    "拍",
    "付款",
    "内",
    "顺丰",
    "快递",
    "仓库",
    "统一",
    "现货",
    "预售",
    "马上",
    "尽快",
    "给你们",
    "给大家",
    "宝宝们",
    "家人们",
    "包邮",
    "48",
    "24",
    "72",
    "物流",
    "订单",
    "号",
    "前",
    "按顺序",
)
_SKIN_CONTEXT = (
    "面膜",
    "皮肤",
    "精华",
    "肌",
    "脸",
    "保湿",
    "补水",
    "滋润",
    "水润",
    "敷",
    "干",
    "油",
    "护肤",
    "涂",
)
_SPOT_CONTEXT = ("长", "治疗", "祛", "闭口", "粉刺", "痘印", "脸上", "额头", "冒", "爆")
_AUDIENCE_CONTEXT = (
    "可以用",
    "能用",
    "放心",
    "可用",
    "适用",
    "适合",
    "使用",
    "哺乳",
    "也可以",
    "人群",
    "都能",
)
_COURIER_CONTEXT = ("发", "快递", "默认", "走", "发货", "物流", "包邮")
_WARRANTY_CONTEXT = ("年", "个月", "换新", "质量", "免费", "售后", "维修")
_LINK_CONTEXT = ("号", "拍", "点", "上", "车", "下方", "左下角", "购物", "小黄车", "进")

COMMERCE_LEXICON: tuple[LexiconTerm, ...] = (
    # shipping
    LexiconTerm("发货", _SHIPPING_CONTEXT, blockers=("别", "不要", "乱", "生气", "脾气", "冲", "对我", "朝")),
    LexiconTerm(
        "包邮",
        ("全国", "偏远", "免费", "运费", "新疆", "西藏", "地区", "除了", "除外", "江浙沪", "港澳台")
        + ("顺丰", "商品", "拍", "下单", "两件", "两箱", "两盒", "三件", "三包"),
    ),
    # 顺风 (a tail wind) is an ordinary word: near shipping words only (包油: 包邮 misheard too)
    LexiconTerm(
        "顺丰", (*_COURIER_CONTEXT, "包油", "发出", "寄", "换", "次日", "第二天"), blockers=("一路", "帆")
    ),
    LexiconTerm("圆通", _COURIER_CONTEXT),
    LexiconTerm("中通", _COURIER_CONTEXT),
    LexiconTerm("申通", _COURIER_CONTEXT),
    LexiconTerm("韵达", _COURIER_CONTEXT),
    LexiconTerm("极兔", _COURIER_CONTEXT),
    LexiconTerm("京东物流"),
    # 么能/没人/万人 sound close enough to 默认 that a lone 发 or 走 near them is no evidence
    LexiconTerm("默认", ("快递", "发货", "物流", "包邮", "顺丰", "中通", "圆通", "申通", "韵达", "极兔")),
    LexiconTerm("当天", ("发货", "发", "下单", "前", "点前", "内")),
    LexiconTerm("当天发货"),
    LexiconTerm("全国", ("包邮", "发货", "联保", "销量", "通用")),
    LexiconTerm("同城"),
    LexiconTerm("次日达"),
    LexiconTerm("当天发"),
    LexiconTerm("现货"),
    LexiconTerm("预售"),
    LexiconTerm("快递"),
    LexiconTerm("物流"),
    # return policy, compensation
    LexiconTerm("无理由", ("七天", "天", "退", "换", "支持")),
    LexiconTerm("七天无理由"),
    LexiconTerm("无理由退货"),
    LexiconTerm("无理由退换"),
    LexiconTerm("退货"),
    LexiconTerm("退换"),
    LexiconTerm("包退"),
    LexiconTerm("包换"),
    LexiconTerm("运费险"),
    LexiconTerm("售后"),
    LexiconTerm("过敏包退"),
    LexiconTerm("不满意包退"),
    LexiconTerm("假一赔十"),
    LexiconTerm("假一赔三"),
    LexiconTerm("破损包赔"),
    LexiconTerm("坏果包赔"),
    LexiconTerm("包赔"),
    LexiconTerm("理赔"),
    # gifts, price
    LexiconTerm("赠品"),
    LexiconTerm("赠送"),
    LexiconTerm("买一送一"),
    LexiconTerm("下单"),
    LexiconTerm("拍下"),
    LexiconTerm("拍一发二"),
    LexiconTerm("秒杀"),
    LexiconTerm("到手价"),
    LexiconTerm("优惠券"),
    LexiconTerm("领券"),
    LexiconTerm("满减"),
    LexiconTerm("半价", ("第二件", "第2件", "两件")),
    LexiconTerm("优惠", ("更多", "最后", "分钟", "活动", "价格", "力度", "给", "福利", "只剩", "下单", "券")),
    LexiconTerm("专柜价"),
    LexiconTerm("全网", ("最低", "最便宜", "销量", "第一", "同款", "最")),
    LexiconTerm("福袋"),
    LexiconTerm("福利"),
    LexiconTerm("直播间"),
    LexiconTerm("小黄车"),
    LexiconTerm("购物车"),
    LexiconTerm("链接", _LINK_CONTEXT),
    LexiconTerm("库存"),
    LexiconTerm("补货"),
    LexiconTerm("上架"),
    LexiconTerm("限量"),
    LexiconTerm("原价"),
    LexiconTerm("全网最低"),
    LexiconTerm("打包袋"),
    LexiconTerm("面膜"),
    # authenticity
    LexiconTerm("正品"),
    LexiconTerm("正品保证"),
    LexiconTerm("品牌授权"),
    LexiconTerm("厂家直销"),
    LexiconTerm("官方旗舰店"),
    LexiconTerm("专柜"),
    LexiconTerm("正品", ("保证", "我们", "都是", "放心", "授权", "假")),
    LexiconTerm("质保", _WARRANTY_CONTEXT),
    LexiconTerm("保修", _WARRANTY_CONTEXT),
    LexiconTerm("拆封", ("后", "退", "不支持", "无理由", "包装", "没有")),
    LexiconTerm("主播", ("家里", "自己", "微信", "喝", "用了", "推荐", "给你们", "亲自")),
    LexiconTerm("过敏", ("用着", "皮肤", "包退", "敏感", "红", "痒")),
    LexiconTerm("防伪码"),
    # suitability, efficacy, spec
    LexiconTerm("敏感肌"),
    LexiconTerm("孕妇", _AUDIENCE_CONTEXT),
    LexiconTerm("孕妇可用"),
    # 包包 (a bag) sounds the same: near children or use, not after 这个/款
    LexiconTerm(
        "宝宝",
        ("小", "家里", "婴儿", "孩子", "孕妇", "宝妈", "用", "吃", "穿"),
        blockers=("个", "款", "只", "买"),
    ),
    LexiconTerm("学生党"),
    LexiconTerm("上班族"),
    LexiconTerm("老人", _AUDIENCE_CONTEXT),
    LexiconTerm("适合", ("用", "人群", "肤质", "皮肤", "肌", "宝宝", "孕妇", "学生", "上班")),
    LexiconTerm("婴幼儿"),
    LexiconTerm("油皮"),
    LexiconTerm("干皮"),
    LexiconTerm("混油皮"),
    LexiconTerm("高温消毒"),
    LexiconTerm("不易断裂"),
    LexiconTerm("防水", ("手机", "表", "杯", "包", "级", "不怕", "材质", "面料")),
    LexiconTerm("防漏", ("密封", "杯", "盖", "不会", "洒", "漏", "倒", "包里")),
    LexiconTerm("保温", ("杯", "小时", "烫", "热", "冷", "效果", "个")),
    LexiconTerm("保温杯"),
    LexiconTerm("杯套"),
    LexiconTerm("杯刷"),
    LexiconTerm("杯盖"),
    LexiconTerm("杯身", ("不锈钢", "材质", "保温杯", "杯盖", "容量", "内胆")),
    # 方形 (square) is a word: only after 也可以/都可以/大家 (孕妇也可以放心用)
    LexiconTerm("放心", ("也可以", "都可以", "都能", "也能", "大家", "买", "拍")),
    LexiconTerm("不易破"),
    LexiconTerm("补水", _SKIN_CONTEXT),
    LexiconTerm("保湿", _SKIN_CONTEXT),
    LexiconTerm("美白", _SKIN_CONTEXT),
    LexiconTerm("祛痘", _SKIN_CONTEXT),
    LexiconTerm("痘痘", _SPOT_CONTEXT),
    LexiconTerm("见效", ("一盒", "马上", "立刻", "很快", "几天", "一周", "用了")),
    LexiconTerm("百分百", ("有效", "正品", "满意", "好评", "纯", "保证")),
    LexiconTerm("精华液"),
    LexiconTerm("不锈钢"),
    LexiconTerm("保质期"),
    LexiconTerm("木浆"),
    LexiconTerm("原生木浆"),
    LexiconTerm("无荧光剂"),
    LexiconTerm("抽纸"),
    # 至今 is a word: tissue talk only (至今尺寸是… → 纸巾尺寸是…)
    LexiconTerm("纸巾", ("尺寸", "抽纸", "每包", "层", "木浆", "擦手", "擦脸", "湿水")),
    LexiconTerm("成分"),
    LexiconTerm("玻尿酸"),
    LexiconTerm("烟酰胺"),
    LexiconTerm("精华"),
)

_WRITTEN = {t.text for t in COMMERCE_LEXICON}  # a term written above keeps its context words
COMMERCE_LEXICON += tuple(
    LexiconTerm(word, near_terms=len(word) == 2)
    for word in dict.fromkeys(w for words in VOCABULARY.values() for w in words.split())
    if word not in _WRITTEN
)
_WRITTEN |= {t.text for t in COMMERCE_LEXICON}
COMMERCE_LEXICON += tuple(
    LexiconTerm(word, near_terms=True)
    for word in dict.fromkeys(w for words in GOODS_VOCABULARY.values() for w in words.split())
    if word not in _WRITTEN
)

# Price words an amount follows (券后九十九, 立减三十, 到手价一百二十九): the amount is their context
_PRICE_WORDS = frozenset(
    "券后 券后价 立减 直降 再返 返现 到手价 原价 日常价 划线价 活动价 专柜价 福利价 粉丝价 "
    "秒杀价 满减".split()
)
_WRITTEN = {t.text for t in COMMERCE_LEXICON}
COMMERCE_LEXICON = tuple(
    replace(t, before_number=True) if t.text in _PRICE_WORDS else t for t in COMMERCE_LEXICON
) + tuple(LexiconTerm(w, near_terms=True, before_number=True) for w in sorted(_PRICE_WORDS - _WRITTEN))

# Words of live streams that jieba's dictionary (older than the platforms) does not know: a span
# that is one of them is a real word, and a term that sounds like it needs context (抖音 is not
# 痘印 misheard)
KNOWN_WORDS = frozenset(
    "抖音 快手 淘宝 天猫 拼多多 京东 小红书 微信 微博 视频号 直播间 主播 公屏 灯牌 粉丝团 小黄车 "
    "连麦 点赞 下播 开播 刷屏 福袋 榜一 上榜 私信 弹幕 网红 带货 种草 拔草 秒杀 团购 闪购".split()
)
