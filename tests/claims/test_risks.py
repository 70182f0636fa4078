"""Risk rules: matched words, severity and legal/platform basis; attachment to claims."""

from __future__ import annotations

import json

import pytest

from claims import RISK_SPECS, ClaimExtractor
from models import Product, RiskRule, Severity, Utterance
from pipeline.sample import SAMPLE_DIR

EX = ClaimExtractor(learned=False)


@pytest.mark.parametrize(
    ("text", "rule", "quote", "basis"),
    [
        ("这是全网最低价", RiskRule.ABSOLUTE_TERM, "全网最低", "广告法 第九条第三项"),
        ("销量第一的面霜", RiskRule.ABSOLUTE_TERM, "销量第一", "第九条第三项"),
        ("这个精华能治疗痘痘", RiskRule.MEDICAL_CLAIM, "治疗", "第十七条"),
        ("蜂蜜能降血糖", RiskRule.MEDICAL_CLAIM, "降血糖", "第十七条"),
        ("保证有效，无效退款", RiskRule.EFFICACY_GUARANTEE, "保证有效", "第二十八条"),
        ("三天见效", RiskRule.EFFICACY_GUARANTEE, "三天见效", "第二十八条"),
        ("最后三单了", RiskRule.FALSE_URGENCY, "最后三单", "规范促销行为暂行规定"),
        ("仅剩二十单，手慢无", RiskRule.FALSE_URGENCY, "仅剩二十单", "反不正当竞争法"),
        ("加我微信私下转账", RiskRule.OFF_PLATFORM, "加我微信", "站外交易"),
        ("去淘宝搜同款", RiskRule.OFF_PLATFORM, "去淘宝搜", "站外交易"),
    ],
)
def test_each_rule_with_words_and_basis(text: str, rule: RiskRule, quote: str, basis: str) -> None:
    _, risks = EX.extract_text(text)
    hit = next(r for r in risks if r.rule == rule)
    assert hit.quote == quote
    assert basis in hit.basis
    assert hit.severity in (Severity.MEDIUM, Severity.HIGH)


def test_every_rule_has_a_basis_and_severity() -> None:
    assert {s.rule for s in RISK_SPECS} == set(RiskRule)
    assert all(s.basis and s.severity for s in RISK_SPECS)


@pytest.mark.parametrize("text", ["最好是晚上敷", "有没有副作用啊", "我妈说我最好早点睡", "欢迎来到直播间"])
def test_ordinary_speech_is_not_flagged(text: str) -> None:
    assert EX.extract_text(text)[1] == []


def test_risk_attaches_to_the_claim_it_overlaps() -> None:
    claims, risks = EX.extract_text("全网最低，加我微信")
    assert [c.type.value for c in claims] == ["price"]
    assert [r.rule for r in claims[0].risks] == [RiskRule.ABSOLUTE_TERM]
    assert {r.rule for r in risks} == {RiskRule.ABSOLUTE_TERM, RiskRule.OFF_PLATFORM}


def test_unattached_risks_are_returned_per_utterance() -> None:
    utt = Utterance(id="u1", stream_id="s", t0=0, t1=2, text="全网最低，加我微信")
    claims, loose = ClaimExtractor(learned=False).extract_utterance(utt)
    assert len(claims) == 1
    assert [r.rule for r in loose] == [RiskRule.OFF_PLATFORM]


@pytest.mark.parametrize(
    "text",
    [
        "我绝对不会迟到",
        "最后10秒了这局要赢",
        "倒计时三十秒，大家一起冲榜",
        "你们最好早点睡",
        "你是全世界最好的粉丝",
        "这首歌太治愈了",
        "你多运动，坚持下去肯定可以瘦的",
        "我不加微信的",
        "每个人的相处方式都不一样",
        "看二十万能不能到",
        "我绝对给你买正品",
        "今天是今年最后一天",
    ],
)
def test_everyday_uses_of_risk_words_are_not_flagged(text: str) -> None:
    assert EX.extract_text(text)[1] == []


@pytest.mark.parametrize(
    ("text", "rule", "quote"),
    [
        ("全网最低价", RiskRule.ABSOLUTE_TERM, "全网最低"),
        ("最后10秒抢购", RiskRule.FALSE_URGENCY, "最后10秒"),
        ("这款精华是我用过最好用的", RiskRule.ABSOLUTE_TERM, "最好"),
        ("这个价格绝对是最低的", RiskRule.ABSOLUTE_TERM, "最低"),
        ("这款减肥茶喝了肯定可以瘦", RiskRule.EFFICACY_GUARANTEE, "肯定可以瘦"),
        ("这个洗发水能治疗脱发", RiskRule.MEDICAL_CLAIM, "治疗"),
        ("今天是活动最后一天，明天就涨价", RiskRule.FALSE_URGENCY, "最后一天"),
        ("想要更便宜的加我微信", RiskRule.OFF_PLATFORM, "加我微信"),
    ],
)
def test_selling_uses_are_flagged_with_words_severity_and_basis(text: str, rule: RiskRule, quote: str) -> None:
    spec = next(s for s in RISK_SPECS if s.rule == rule)
    hits = [r for r in EX.extract_text(text)[1] if r.rule == rule]
    assert quote in [h.quote for h in hits]
    assert all((h.severity, h.basis) == (spec.severity, spec.basis) for h in hits)


def test_absolute_price_term_cites_the_advertising_law() -> None:
    hit = EX.extract_text("全网最低价")[1][0]
    assert hit.rule == RiskRule.ABSOLUTE_TERM and "广告法 第九条第三项" in hit.basis


def test_a_claim_or_a_product_mention_makes_a_weak_word_a_selling_one() -> None:
    assert EX.extract_text("这是最好的")[1] == []
    with_claim = EX.extract_text("这是最好的，今天下单送一片面膜")[1]
    assert [r.rule for r in with_claim] == [RiskRule.ABSOLUTE_TERM]
    catalog = ClaimExtractor([Product(id="p1", name="云朵枕")], learned=False)
    assert [r.quote for r in catalog.extract_text("云朵枕是最好的")[1]] == ["最好"]


def test_a_strong_word_makes_its_sentence_selling() -> None:
    rules = {r.rule for r in EX.extract_text("百分百祛痘，无效退款")[1]}
    assert rules == {RiskRule.ABSOLUTE_TERM, RiskRule.EFFICACY_GUARANTEE}


def test_sample_stream_risks_are_kept_and_its_plain_sentences_stay_clean() -> None:
    truth = json.loads((SAMPLE_DIR / "sample_stream.truth.json").read_text("utf-8"))
    for s in truth["sentences"]:
        found = {r.rule.value for r in EX.extract_text(s["text"])[1]}
        assert set(s["risks"]) <= found if s["risks"] else not found, s["text"]
