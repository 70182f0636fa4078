"""The commerce lexicon: the words promises are made of, which Whisper base mishears.

Written from the claim types in ARCHITECTURE.md and from the errors seen on real streams
(发货→发火, 包邮→包油, 敏感肌→敏感机, 无理由→无理游). A term carries context words when
one of its mishearings is itself an ordinary word: 发火 only becomes 发货 near 小时/今天/下单…,
never in 别发火, and `blockers` veto the correction outright.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LexiconTerm:
    """A domain word. `context`: words one of which must be near (±10 characters) before a
    homophone that is itself a real word is replaced; `blockers`: words right before it that
    say the homophone was meant (别发火)."""

    text: str
    context: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()


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
_LINK_CONTEXT = ("号", "拍", "点", "上", "车", "下方", "左下角", "购物", "小黄车", "进")

COMMERCE_LEXICON: tuple[LexiconTerm, ...] = (
    # shipping
    LexiconTerm("发货", _SHIPPING_CONTEXT, blockers=("别", "不要", "乱", "生气", "脾气", "冲", "对我", "朝")),
    LexiconTerm(
        "包邮", ("全国", "偏远", "免费", "运费", "新疆", "西藏", "地区", "除了", "除外", "江浙沪", "港澳台")
    ),
    LexiconTerm("顺丰"),
    LexiconTerm("圆通"),
    LexiconTerm("中通"),
    LexiconTerm("申通"),
    LexiconTerm("韵达"),
    LexiconTerm("极兔"),
    LexiconTerm("京东物流"),
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
    LexiconTerm("半价"),
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
    LexiconTerm("防伪码"),
    # suitability, efficacy, spec
    LexiconTerm("敏感肌"),
    LexiconTerm("孕妇"),
    LexiconTerm("孕妇可用"),
    LexiconTerm("宝宝"),
    LexiconTerm("婴幼儿"),
    LexiconTerm("油皮"),
    LexiconTerm("干皮"),
    LexiconTerm("混油皮"),
    LexiconTerm("高温消毒"),
    LexiconTerm("不易断裂"),
    LexiconTerm("防水"),
    LexiconTerm("保质期"),
    LexiconTerm("木浆"),
    LexiconTerm("原生木浆"),
    LexiconTerm("无荧光剂"),
    LexiconTerm("抽纸"),
    LexiconTerm("成分"),
    LexiconTerm("玻尿酸"),
    LexiconTerm("烟酰胺"),
    LexiconTerm("精华"),
)
