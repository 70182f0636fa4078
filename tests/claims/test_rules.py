"""Claim rules: every type and its value, negation, questions, hedges, conditions, ASR noise."""

from __future__ import annotations

import pytest

from claims import ClaimExtractor

EX = ClaimExtractor(learned=False)


def claims(text: str) -> list[tuple[str, dict]]:
    found, _ = EX.extract_text(text)
    return [(c.type.value, c.value) for c in found]


def one(text: str, type_: str) -> dict:
    got = [v for t, v in claims(text) if t == type_]
    assert len(got) == 1, (text, claims(text))
    return got[0]


@pytest.mark.parametrize(
    ("text", "type_", "expected"),
    [
        ("下单送一片面膜", "gift", {"item": "面膜", "quantity": 1, "condition": "下单"}),
        ("买二送一", "gift", {"item": "同款", "quantity": 1, "condition": "买2"}),
        ("满10件赠送打包袋", "gift", {"item": "打包袋", "condition": "满10件"}),
        ("48小时内发货", "shipping", {"within_hours": 48}),
        ("今天拍明天发", "shipping", {"within_hours": 24}),
        ("同城当天送达", "shipping", {"same_day": True}),
        ("全场包邮", "shipping", {"free_shipping": True}),
        ("默认发圆通", "shipping", {"carrier": "圆通"}),
        ("七天无理由", "return_policy", {"days": 7, "no_reason": True}),
        ("不满意包退", "return_policy", {"condition": "不满意"}),
        ("过敏包退", "return_policy", {"condition": "过敏"}),
        ("送运费险", "return_policy", {"freight_insurance": True}),
        ("假一赔十", "compensation", {"multiplier": 10, "condition": "假货"}),
        ("破损包赔", "compensation", {"condition": "破损"}),
        ("今天只要99", "price", {"amount": 99.0, "currency": "CNY"}),
        ("九块九包邮", "price", {"amount": 9.9, "currency": "CNY"}),
        ("第二件半价", "price", {"discount": "第2件半价"}),
        ("满两百减三十", "price", {"discount": "满200减30"}),
        ("全网最低", "price", {"discount": "最低价"}),
        ("正品保证", "authenticity", {"assurance": "正品"}),
        ("品牌授权", "authenticity", {"assurance": "品牌授权"}),
        ("厂家直销", "authenticity", {"assurance": "厂家直销"}),
        ("敏感肌也能用", "suitability", {"audience": "敏感肌"}),
        ("孕妇可用", "suitability", {"audience": "孕妇"}),
        ("适合宝宝", "suitability", {"audience": "宝宝"}),
        ("适用于玻璃", "suitability", {"audience": "玻璃"}),
        ("这个消毒柜能高温消毒", "efficacy", {"effect": "高温消毒"}),
        ("收纳盒不易断裂", "efficacy", {"effect": "不断裂"}),
        ("这个手表防水", "efficacy", {"effect": "防水"}),
        ("这个纸巾4层", "spec", {"attribute": "层数", "amount": 4, "unit": "层"}),
        ("尺寸130x180mm", "spec", {"attribute": "尺寸", "amount": "130x180", "unit": "mm"}),
        ("材质木浆", "spec", {"attribute": "材质", "detail": "木浆"}),
        ("保质期三年", "spec", {"attribute": "保质期", "amount": 3, "unit": "年"}),
    ],
)
def test_every_type_and_value(text: str, type_: str, expected: dict) -> None:
    value = one(text, type_)
    assert {k: value.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    "text",
    ["不支持七天无理由", "生鲜不支持七天无理由退货", "不送赠品", "我们不包邮，运费自理", "这个不是正品",
     "没有运费险的哈", "赠品是没有的", "激活了就不能退了", "今天发不了"],
)
def test_negated_promises_are_not_claims(text: str) -> None:
    assert claims(text) == []


@pytest.mark.parametrize(
    "text",
    ["敏感肌能不能用？", "这个是正品吗", "包邮吗", "什么时候发货", "能退吗？", "不一定今天发", "看情况吧，不保证明天发"],
)
def test_questions_and_doubts_are_not_promises(text: str) -> None:
    assert claims(text) == []


@pytest.mark.parametrize("text", ["可能明天发", "尽量四十八小时内发出", "大概今天就能发货"])
def test_hedged_promises_are_kept_with_lower_confidence(text: str) -> None:
    """The guide: a hedged but concrete statement is a claim a buyer relies on; the hedge lowers
    the confidence (0.9 × 0.7), it does not drop the claim."""
    found, _ = ClaimExtractor(learned=False).extract_text(text)
    assert [c.type.value for c in found] == ["shipping"]
    assert found[0].confidence < 0.9


def test_answer_after_question_is_a_claim() -> None:
    assert claims("包邮吗？包邮的") == [("shipping", {"free_shipping": True})]


def test_conditions_are_read_from_the_clause() -> None:
    value = one("今晚前五十名下单送一瓶卸妆水", "gift")
    assert set(value["condition"].split()) == {"今晚", "前50名", "下单"}
    assert one("满二百再送面膜", "gift")["condition"] == "满200元"
    assert one("今晚下单的，送一个化妆镜", "gift")["condition"] == "今晚 下单"


def test_several_claims_in_one_sentence() -> None:
    got = claims("家人们今天下单送一片面膜，四十八小时内发货，全场包邮，假一赔十")
    assert [t for t, _ in got] == ["gift", "shipping", "shipping", "compensation"]


def test_same_type_phrases_that_overlap_merge() -> None:
    assert one("48小时内顺丰发货", "shipping") == {"within_hours": 48, "carrier": "顺丰"}


@pytest.mark.parametrize(
    ("text", "type_", "expected"),
    [
        ("四十八小时内发火", "shipping", {"within_hours": 48}),
        ("全场包油", "shipping", {"free_shipping": True}),
        ("支持七天无理游退货", "return_policy", {"days": 7, "no_reason": True}),
        ("敏感机也能用", "suitability", {"audience": "敏感肌"}),
        ("今天直播间到手价只要一百二十九", "price", {"amount": 129.0}),
        ("七天无理由十五甜包换", "return_policy", {"days": 15}),
    ],
)
def test_asr_homophones_and_missing_punctuation(text: str, type_: str, expected: dict) -> None:
    values = [v for t, v in claims(text) if t == type_]
    assert any({k: v.get(k) for k in expected} == expected for v in values), claims(text)


def test_asr_repair_keeps_quotes_verbatim() -> None:
    found, _ = EX.extract_text("四十八小时内发火")
    assert found[0].quote == "四十八小时内发火"
    assert found[0].confidence < 0.9  # a repaired match is less certain than a clean one


@pytest.mark.parametrize(
    "text",
    ["谢谢大哥送的嘉年华", "这首歌送给大家", "他发火了，我也没办法", "我送你一句话", "我今天发的作品",
     "我最近在减肥，晚上不吃饭", "你送个跑车他就出来", "20斤呢哈哈哈"],
)
def test_chit_chat_yields_nothing(text: str) -> None:
    assert claims(text) == []


@pytest.mark.parametrize(
    ("text", "effect"),
    [
        ("用一盒就见效，百分百有效！", "见效"),
        ("纸巾湿水不容易破", "不易破"),
        ("开水倒进去，十二个小时还是烫的", "保温12小时"),
        ("杯盖密封防漏", "密封防漏"),
        ("放包里不会洒", "不洒"),
        ("这个锅部会粘锅", "不粘锅"),  # 部 is ASR for 不
    ],
)
def test_general_efficacy_patterns(text: str, effect: str) -> None:
    claims, _ = ClaimExtractor(learned=False).extract_text(text)
    assert any(c.type.value == "efficacy" and c.value["effect"] == effect for c in claims)


@pytest.mark.parametrize("text", ["他说话一直不断", "我对不会化妆", "也有小奖"])
def test_everyday_words_are_not_efficacy(text: str) -> None:
    claims, _ = ClaimExtractor(learned=False).extract_text(text)
    assert not [c for c in claims if c.type.value == "efficacy"]


def test_warranty_is_a_spec_even_from_asr() -> None:
    for text in ("保温杯质保一年", "保温杯，只保一年"):
        claims, _ = ClaimExtractor(learned=False).extract_text(text)
        assert {"attribute": "质保", "amount": 1, "unit": "年"}.items() <= next(
            c.value for c in claims if c.type.value == "spec").items()


def test_folded_pinyin_repairs_only_unambiguous_non_words() -> None:
    from claims.engine import REPAIRER
    from claims.text import canonicalise

    assert canonicalise("今天单天发货", None, REPAIRER) == "今天当天发货"  # dan/dang
    assert "瓷砖" in canonicalise("适用于玻璃和瓷砖", None, REPAIRER)  # a real word is kept
    assert "30个小时" in canonicalise("续航30个小事", None, REPAIRER)  # a unit after a numeral
