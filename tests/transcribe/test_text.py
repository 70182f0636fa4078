from __future__ import annotations

import pytest

from models import Product
from transcribe.correction import DomainCorrector
from transcribe.normalize import (
    clean_text,
    ensure_sentence_end,
    is_hallucination,
    is_repetition_loop,
    to_simplified,
)


def test_traditional_to_simplified_and_punctuation() -> None:
    assert to_simplified("廣州醫生跑北馬") == "广州医生跑北马"
    assert clean_text("近幾年,不但我用書給女兒") == "近几年，不但我用书给女儿"
    assert clean_text("廣州醫生 跑北馬") == "广州医生，跑北马"
    assert clean_text("我们的 iPhone 15 今天 99 元") == "我们的iPhone 15今天99元"
    assert ensure_sentence_end("包邮，") == "包邮。"
    assert ensure_sentence_end("包邮吗？") == "包邮吗？"


@pytest.mark.parametrize(
    "text",
    [
        "字幕由Amara.org社群提供",
        "字幕由 Amara.org 社群提供",
        "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
        "謝謝觀看",
        "Thank you for watching.",
    ],
)
def test_hallucinations_are_recognised(text: str) -> None:
    assert is_hallucination(text)


@pytest.mark.parametrize("text", ["谢谢大家来直播间", "今天包邮", "字幕上写的是七天无理由", "OK"])
def test_real_speech_is_not_a_hallucination(text: str) -> None:
    assert not is_hallucination(text)


def test_repetition_loops() -> None:
    assert is_repetition_loop("我们今天发货我们今天发货我们今天发货我们今天发货")
    assert is_repetition_loop("来" * 20)
    assert not is_repetition_loop("买它买它买它")
    assert not is_repetition_loop("好好好，今天四十八小时发货")


@pytest.fixture(scope="module")
def corrector() -> DomainCorrector:
    products = [
        Product(id="p1", name="云南白药牙膏", aliases=["白药牙膏"], link=3),
        Product(id="p2", name="Vitamin C Serum", link=5),
    ]
    return DomainCorrector(products=products)


@pytest.mark.parametrize(
    ("heard", "meant", "original"),
    [
        ("今天下单四十八小时内发火", "今天下单四十八小时内发货", "发火"),
        ("全国包油，偏远地区除外", "全国包邮，偏远地区除外", "包油"),
        ("敏感机也能用", "敏感肌也能用", "敏感机"),
        ("支持七天无理游退货", "支持七天无理由退货", "七天无理游"),
        ("三号连接拍下", "三号链接拍下", "连接"),
        ("今天的云南白要牙膏", "今天的云南白药牙膏", "云南白要牙膏"),
        ("这个vitamin c serom很好", "这个Vitamin C Serum很好", "vitamin c serom"),
    ],
)
def test_domain_corrections_keep_the_original(
    corrector: DomainCorrector, heard: str, meant: str, original: str
) -> None:
    text, corrections = corrector.correct(heard)
    assert text == meant
    assert [c.original for c in corrections] == [original]
    c = corrections[0]
    assert text[c.position : c.position + len(c.corrected)] == c.corrected


@pytest.mark.parametrize(
    "text",
    [
        "你别发火",
        "他很容易发火",
        "这根线连接电脑",
        "每包有十片",
        "我们家的东西都是正品",
        "都是我的错",
        "青岛是个好地方",
        # chat, not selling: two-character vocabulary needs another domain term near
        "大家晚饭要早点吃吗？",
        "少喝点呀。",
        # a near-homophone made of real words was said as it was
        "福袋没抢到没有关系，待会可以继续抢",
        "反正进来的新朋友都没有看过",
        "你好歹意思一下",
        # already a term: 无理由退换 is not a mishearing of 无理由退货
        "支持七天无理由退换",
    ],
)
def test_no_correction_in_unrelated_context(corrector: DomainCorrector, text: str) -> None:
    assert corrector.correct(text) == (text, [])


def test_general_dictionary_repair(corrector: DomainCorrector) -> None:
    text, corrections = corrector.correct("不要给女儿压碎钱")
    assert text == "不要给女儿压岁钱"
    assert corrections[0].reason == "dictionary"


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("晕覆也可以放心用", "孕妇也可以放心用"),  # un/uan
        ("敷完马上薄水保释", "敷完马上补水保湿"),  # bo/bu; 保释 is a word: needs skin context
        ("长豆豆的宝宝也别担心", "长痘痘的宝宝也别担心"),
        ("用一盒就剑效，百分半有效", "用一盒就见效，百分百有效"),
        ("我们是躺家之小", "我们是厂家直销"),
        ("下午四点前下单单天发货，默认发源痛", "下午四点前下单当天发货，默认发圆通"),
        ("保温杯只保一年", "保温杯质保一年"),
        ("杯盖密封房楼", "杯盖密封防漏"),
        ("想要更多油会，可以加竹剥微信", "想要更多优惠，可以加主播微信"),
        ("采封后不支持七天无理由", "拆封后不支持七天无理由"),
        ("上班族和学生党都是合用", "上班族和学生党都适合用"),
        ("孕妇也可以方形用", "孕妇也可以放心用"),  # in/ing; 方形 is a word: only after 也可以…
        ("杯声是不锈钢的", "杯身是不锈钢的"),  # en/eng, near 不锈钢
        # the wider vocabulary: after-sales, materials, features
        ("下单再送一个争笼", "下单再送一个蒸笼"),  # near another term (下单)
        ("瞎单送一个归胶保护套", "下单送一个硅胶保护套"),  # 硅胶 is near 下单 once that is repaired
        ("洗完吃酒留香", "洗完持久留香"),
        ("含浓量百分之九十，用的是白鸭蓉", "含绒量百分之九十，用的是白鸭绒"),
        ("我们上门去见，不用你跑", "我们上门取件，不用你跑"),
        # a context word repaired in the same sentence counts (不秀钢 → 不锈钢, then 杯身)
        ("杯声1316不秀钢", "杯身1316不锈钢"),
        ("每包100抽，至今尺寸是195毫米", "每包100抽，纸巾尺寸是195毫米"),  # 至今 is a word
        # a digit said as a numeral of the term (0 is ling)
        ("0天加，老人小孩都能吃", "零添加，老人小孩都能吃"),
        # the goods vocabulary: three syllables heard exactly, over no common word, stand alone
        ("再送一个豆猫帮", "再送一个逗猫棒"),
        ("每一支都有中文标签和报官单", "每一支都有中文标签和报关单"),
        ("买三箱送一个隔鸟店", "买三箱送一个隔尿垫"),  # 鸟店 is in jieba, but rare
    ],
)
def test_commerce_vocabulary_in_context(corrector: DomainCorrector, heard: str, meant: str) -> None:
    assert corrector.correct(heard)[0] == meant


@pytest.mark.parametrize(
    "text",
    [
        "他被保释了",  # 保释 without skin words
        "我家狗叫豆豆",  # 豆豆 without spots
        "单天来回太累了",
        "我只保留了一张",
        "你把箱子放楼上",
        "在空间逍遥快活",
        "那你能赏我一个飞机吗",
        "矫正牙齿的保持器",
        "边直播边健身",
        "家里有小宝宝的",
        "我们下周搬家",
        "他是合伙人",
        "这个盒子是方形的",
        "掌声和杯声",
        "7天无理由，放心拍",  # a digit for the term's own numeral is no mishearing
        "灯牌又4级了",  # 4 is no numeral of 诱食剂
        "会员都降级了",  # 降级 is a word: not 豆浆机
        "手机可别抖啊",  # 可 is too common a character to be 壳 misheard
        "你还喝的下酒吗",  # 的 read di, 喝 as he: not 复合底
        "我在抖音上看到的",  # a word jieba does not know is still a word: not 痘印
        "你怎么能走呢",  # 么能 is not 默认 because 走 or 发 is near
        "至今还没抽到福袋",
    ],
)
def test_commerce_vocabulary_left_alone_out_of_context(corrector: DomainCorrector, text: str) -> None:
    assert corrector.correct(text) == (text, [])


def test_link_number_fixed_only_with_numbered_products() -> None:
    products = [Product(id=f"p{i}", name=n, link=i) for i, n in enumerate(["面膜", "抽纸", "保温杯"], 1)]
    text, corrections = DomainCorrector(products=products).correct("接下来十二号链接，原木抽纸")
    assert text == "接下来二号链接，原木抽纸"
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [("十二号", "二号", "link-number")]
    assert DomainCorrector(products=products).correct("最后13号链接")[0] == "最后3号链接"
    # no numbered products, or 12 is a real link: left alone
    assert DomainCorrector().correct("接下来十二号链接")[0] == "接下来十二号链接"
    many = [Product(id=f"p{i}", name=f"商品{i}", link=i) for i in range(1, 13)]
    assert DomainCorrector(products=many).correct("接下来12号链接")[0] == "接下来12号链接"


def test_selling_talk_runs_across_sentences(corrector: DomainCorrector) -> None:
    """A two-character term needs another domain term near: the sentence before counts."""
    assert corrector.correct("这个争笼很大。")[0] == "这个争笼很大。"
    assert corrector.correct("这个争笼很大。", before="下单包邮，")[0] == "这个蒸笼很大。"
    # context words too: 顺风 (a tail wind) is 顺丰 only near courier talk
    assert corrector.correct("顺风的。")[0] == "顺风的。"
    assert corrector.correct("顺风的。", before="可以换快递，")[0] == "顺丰的。"


def test_price_word_before_an_amount(corrector: DomainCorrector) -> None:
    """The amount after a price word is its context; a numeral is never bent into a syllable."""
    assert corrector.correct("今天劝后九十九。")[0] == "今天券后九十九。"
    assert corrector.correct("今天直接力减200")[0] == "今天直接立减200"
    assert corrector.correct("我劝后面的人。")[0] == "我劝后面的人。"
    # 劝后九 is not 券后价 (jiu is a number here), 4号链接 is not 一号链接
    assert "券后价" not in corrector.correct("原价一百五十九，今天劝后九十九")[0]
    assert corrector.correct("下面看4号链接，儿童羽绒服")[0] == "下面看4号链接，儿童羽绒服"


def test_polyphones_match_through_their_usual_reading(corrector: DomainCorrector) -> None:
    """虾 read ha (虾蟆) is no fuzzy 发; 给 read ji (给予) makes 视频给 no exact 食品级."""
    assert corrector.correct("除了红虾和防晒，其他的三天之内都能发出")[0].startswith("除了红虾和防晒")
    assert "食品级" not in corrector.correct("收到发臭了，拍视频给客服，坏多少赔多少")[0]


def test_a_term_heard_whole_in_selling_talk_may_cut_a_word(corrector: DomainCorrector) -> None:
    """Every syllable heard, another domain term near: the term wins even where the span cuts a
    word (相加, 七十二); without selling talk around it, the words stay."""
    assert corrector.correct("我们是顺丰发货，全程泡沫相加冰袋。")[0] == "我们是顺丰发货，全程泡沫箱加冰袋。"
    assert corrector.correct("这两个泡沫相加等于多少")[0] == "这两个泡沫相加等于多少"
    fixed = corrector.correct("没有添加防腐剂，冷冻保存，保制七十二个月。")[0]
    assert fixed == "没有添加防腐剂，冷冻保存，保质期十二个月。"
    assert corrector.correct("保制七十二个月。")[0] == "保制七十二个月。"
