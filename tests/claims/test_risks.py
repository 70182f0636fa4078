"""Risk rules: matched words, severity and legal/platform basis; attachment to claims."""

from __future__ import annotations

import pytest

from claims import RISK_SPECS, ClaimExtractor
from models import RiskRule, Severity, Utterance

EX = ClaimExtractor()


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
    claims, loose = ClaimExtractor().extract_utterance(utt)
    assert len(claims) == 1
    assert [r.rule for r in loose] == [RiskRule.OFF_PLATFORM]
