"""Questions after-sales agents type, in their own words (not the host's), with what answers them.

A question over the generated corpus is answered by the utterances carrying a claim of `type`
(with value key `key`, if given) for `product`, or carrying risk `risk`. A question over the
sample stream is answered by the sentences containing one of `texts` (or a claim of `type`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    q: str
    product: str | None = None
    type: str | None = None
    key: str | None = None
    risk: str | None = None
    stream: str | None = None  # the agent already knows which stream the ticket is about
    texts: tuple[str, ...] = ()


def _q(
    q: str, product: str | None = None, type_: str | None = None, key: str | None = None, **kw: object
) -> Question:
    return Question(q, product, type_, key, **kw)  # type: ignore[arg-type]


CORPUS_QUESTIONS: tuple[Question, ...] = (
    _q("水光面膜买两盒送的什么", "g01", "gift"),
    _q("买面膜是不是说过送化妆包", "g01", "gift"),
    _q("面膜敏感皮能不能用", "g01", "suitability"),
    _q("用了面膜脸过敏了，主播说能退吗", "g01", "return_policy"),
    _q("面膜多少钱一盒", "g01", "price"),
    _q("洗面奶送不送起泡网", "g02", "gift"),
    _q("洗面奶哪天能发出来", "g02", "shipping", "within_hours"),
    _q("洁面乳可以七天无理由退吗", "g02", "return_policy"),
    _q("防晒霜怀孕了可以用吗", "g03", "suitability"),
    _q("防晒出汗了会不会掉", "g03", "efficacy"),
    _q("防晒送的小样是什么", "g03", "gift"),
    _q("口红是不是专柜正品", "g04", "authenticity"),
    _q("口红前一百单有什么礼物", "g04", "gift"),
    _q("口红走的哪家快递", "g04", "shipping", "carrier"),
    _q("精华液用着不满意能退吗", "g05", "return_policy"),
    _q("精华拍一瓶另外送多少", "g05", "gift"),
    _q("不粘锅电磁炉上能用吗", "g06", "suitability"),
    _q("锅的涂层掉了怎么赔", "g06", "compensation"),
    _q("买锅有没有送锅铲", "g06", "gift"),
    _q("那个锅直径多大", "g06", "spec"),
    _q("保鲜盒能不能放微波炉加热", "g07", "suitability"),
    _q("保鲜盒收到摔碎了赔不赔", "g07", "compensation"),
    _q("保温杯热水能保温多久", "g08", "efficacy"),
    _q("保温杯漏水主播怎么说的", "g08", "compensation"),
    _q("杯子送不送杯套", "g08", "gift"),
    _q("纸巾拆开了还能退吗", "g09", "return_policy"),
    _q("抽纸几点之前下单当天发", "g09", "shipping", "within_hours"),
    _q("纸巾买三提给什么赠品", "g09", "gift"),
    _q("洗衣凝珠宝宝的衣服能用吗", "g10", "suitability"),
    _q("凝珠漏液了赔不赔", "g10", "compensation"),
    _q("垃圾袋尺寸多大", "g11", "spec"),
    _q("垃圾袋是不是送了一卷保鲜袋", "g11", "gift"),
    _q("儿童牙刷几岁的小孩能用", "g12", "suitability"),
    _q("牙刷掉毛怎么处理", "g12", "compensation"),
    _q("拉拉裤刚出生的宝宝能穿吗", "g13", "suitability"),
    _q("拉拉裤发的京东吗", "g13", "shipping", "carrier"),
    _q("坚果保质期多久", "g14", "spec"),
    _q("坚果拆了能退吗", "g14", "return_policy"),
    _q("孕妇能吃这个坚果吗", "g14", "suitability"),
    _q("螺蛳粉有没有送酸笋", "g15", "gift"),
    _q("螺蛳粉收到漏气了怎么赔", "g15", "compensation"),
    _q("牛肉干如果不是纯牛肉怎么赔", "g16", "compensation"),
    _q("牛肉干什么时候发出", "g16", "shipping", "within_hours"),
    _q("羽绒服跑绒能退吗", "g17", "compensation"),
    _q("羽绒服含绒量是多少", "g17", "spec"),
    _q("羽绒服退货有没有运费险", "g17", "return_policy"),
    _q("跑步鞋开胶了怎么办", "g18", "compensation"),
    _q("脚宽的人能穿那双跑鞋吗", "g18", "suitability"),
    _q("耳机充一次电能用多久", "g19", "efficacy"),
    _q("耳机坏了能不能换新的", "g19", "return_policy"),
    _q("耳机是官方授权的吗", "g19", "authenticity"),
    _q("充电宝可以带上飞机吗", "g20", "suitability"),
    _q("充电宝鼓包了怎么处理", "g20", "compensation"),
    _q("猫粮小奶猫能吃吗", "g21", "suitability"),
    _q("猫咪不吃这个猫粮能退吗", "g21", "return_policy"),
    _q("猫粮送了几根猫条", "g21", "gift"),
    _q("蜂蜜主播说有什么功效", "g22", "efficacy"),
    _q("泡脚包是不是说能治病", risk="medical_claim"),
    _q("主播有没有让私下加微信", risk="off_platform"),
    _q("耳钉耳洞容易发炎的能戴吗", "g24", "suitability"),
    _q("耳钉有鉴定证书吗", "g24", "authenticity"),
    _q("有没有说过自己是全网最低价", risk="absolute_term"),
    # English-speaking agents
    _q("did she promise free shipping on the tissues", "g09", "shipping", "carrier"),
    _q("what gift comes with the face mask", "g01", "gift"),
    _q("is the sunscreen safe to use during pregnancy", "g03", "suitability"),
    _q("can I return the down jacket within seven days", "g17", "return_policy"),
    _q("how long does the thermos keep water hot", "g08", "efficacy"),
    _q("is the cat food ok for kittens", "g21", "suitability"),
    _q("what price did the host give for the noise cancelling earbuds", "g19", "price"),
    _q("does the power bank come with a free cable", "g20", "gift"),
    _q("are the headphones genuine", "g19", "authenticity"),
    _q("when will the beef jerky be shipped", "g16", "shipping", "within_hours"),
)

SAMPLE_QUESTIONS: tuple[Question, ...] = tuple(
    Question(q, stream="sample", texts=texts, type=t)
    for q, texts, t in (
        ("这个面膜敏感肌能用吗", ("敏感肌也能用",), None),
        ("赠品是什么", (), "gift"),
        ("did she promise free shipping", ("全国包邮",), None),
        ("面膜用了过敏能退吗", ("用着过敏也包退",), None),
        ("抽纸发什么快递", ("默认发圆通",), None),
        ("纸巾是几层的", ("一张纸有三层",), None),
        ("杯子能保温多长时间", ("十二个小时还是烫的",), None),
        ("保温杯坏了怎么办", ("免费换新",), None),
        ("主播说面膜能治痘吗", ("治疗痘痘",), None),
        ("抽纸运输压坏了赔吗", ("我们包赔",), None),
        ("面膜是不是正品", ("品牌官方授权",), None),
        ("面膜现在卖多少钱", ("只要九十九元",), None),
        ("主播是不是让加微信", ("加主播微信",), None),
        ("is the tissue ok for babies", ("适合宝宝用",), None),
        ("买杯子送什么", ("再送一个杯套",), None),
    )
)
