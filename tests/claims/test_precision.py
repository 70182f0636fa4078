"""Precision on streamer chit-chat: general rules that keep ordinary talk from becoming claims.

Every sentence here is our own phrasing of a general pattern (reported speech, guesses, word
explanations, the speaker's body or past, non-goods after 送, a lost negation); none is copied
from the real-speech corpus the evaluation reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims import ClaimExtractor
from claims.engine import REPAIRER
from claims.text import canonicalise
from models import Utterance
from pipeline.sample import SAMPLE_DIR

EX = ClaimExtractor(learned=False)
ROOT = Path(__file__).resolve().parents[2]


def types(text: str) -> list[str]:
    return [c.type.value for c in EX.extract_text(text)[0]]


@pytest.mark.parametrize(
    ("text", "kept"),
    [("我还不睡呢", "不睡"), ("迟到的今天不罚", "不罚"), ("这个不包的", "不包")],
)
def test_pinyin_repair_never_erases_a_negation(text: str, kept: str) -> None:
    assert kept in canonicalise(text, None, REPAIRER)
    assert types(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "对折的意思就是五折",  # explaining a word
        "你家那套沙发也是两千块的吧",  # a guess about someone else's things
        "我以前用的那个面霜特别保湿",  # the speaker's own past
        "我之前买了一件外套特别防水",
        "减肥还是要靠自己坚持",  # an effect word as the topic
        "我身高一米六体重一百斤",  # the speaker's body, not a spec
        "买东西一定要买正品",  # advice, not an assurance about our goods
        "我帮你买正品",
        "你们多送点呗",  # 送 with no goods after it
        "送你们一个我最喜欢的表情",
        "上次有人送了我一个坐骑",
        "买了一身长裤特别防晒",  # a purchase told, the subject dropped as ASR does
    ],
)
def test_chat_patterns_are_not_claims(text: str) -> None:
    assert types(text) == [], EX.extract_text(text)[0]


@pytest.mark.parametrize(
    ("text", "type_"),
    [
        ("我们家都是正品", "authenticity"),
        ("下单送你们一个化妆包", "gift"),
        ("这款面霜特别保湿", "efficacy"),
        ("这个纸巾一包三百克", "spec"),
        ("今天只要两千块", "price"),
        ("买了一件就送一件", "gift"),  # an order condition, not a purchase told
        ("水杯做了防漏设计", "efficacy"),
    ],
)
def test_the_same_words_as_a_sellers_promise_still_count(text: str, type_: str) -> None:
    assert type_ in types(text)


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("前100名下单送化妆包", {"前100名", "下单"}),
        ("满200送一个收纳袋", {"满200元"}),
        ("今晚拍下的送两片面膜", {"今晚", "下单"}),
    ],
)
def test_gift_conditions(text: str, condition: set[str]) -> None:
    gift = next(c for c in EX.extract_text(text)[0] if c.type.value == "gift")
    assert set(gift.value["condition"].split()) == condition


def test_buy_n_get_m_with_particles() -> None:
    gift = next(c for c in EX.extract_text("买了一件就送一件")[0] if c.type.value == "gift")
    assert gift.value == {"item": "同款", "quantity": 1, "condition": "买1"}


def test_products_file_attributes_the_sample_stream() -> None:
    """The bundled products file through the pipeline's loader; the product flow over the stream."""
    from pipeline.services import load_products

    products = load_products(SAMPLE_DIR / "products.json")
    truth = json.loads((SAMPLE_DIR / "sample_stream.truth.json").read_text(encoding="utf-8"))
    utts = [
        Utterance(id=f"u{s['i']}", stream_id="sample", t0=s["start"], t1=s["end"], text=s["text"])
        for s in truth["sentences"]
    ]
    expected = {f"u{s['i']}": s["product"] for s in truth["sentences"]}
    claims = list(ClaimExtractor(products, learned=False).run(utts))
    attributed = [c for c in claims if expected[c.utterance_id]]
    assert len(attributed) >= 20
    wrong = [(c.quote, c.product) for c in attributed if c.product != expected[c.utterance_id]]
    assert not wrong


def test_every_sample_promise_is_extracted_from_the_script_text() -> None:
    """The sample's own sentences (no ASR): every ground-truth claim, each item of a gift list and
    each audience of a list its own claim, with its value."""
    truth = json.loads((SAMPLE_DIR / "sample_stream.truth.json").read_text(encoding="utf-8"))
    ex = ClaimExtractor(learned=False)
    missing = []
    for s in truth["sentences"]:
        got, _ = ex.extract_utterance(
            Utterance(id="u", stream_id="s", t0=s["start"], t1=s["end"], text=s["text"])
        )
        pool = [c.type.value for c in got]
        for want in s["claims"]:
            if want["type"] in pool:
                pool.remove(want["type"])
            else:
                missing.append((s["text"], want["type"]))
    assert not missing


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("再送一个杯套和一把杯刷", [{"item": "杯套", "quantity": 1}, {"item": "杯刷", "quantity": 1}]),
        ("上班族，和学生党都适合用", [{"audience": "上班族"}, {"audience": "学生"}]),  # ASR's comma
        ("杯身是三一六不锈钢", [{"attribute": "材质", "detail": "316不锈钢"}]),
        ("1提12包，每包100抽", [{"amount": 12, "unit": "包"}, {"amount": 100, "unit": "抽"}]),
        ("一张只有三层", [{"attribute": "层数", "amount": 3}]),
        ("今天不送杯套和杯刷", []),
        # the list goes on after a pause; a person after 和 is company, not a gift
        ("再送一个杯套，和一把杯刷", [{"item": "杯套", "quantity": 1}, {"item": "杯刷", "quantity": 1}]),
        ("下单送面膜，和一个好朋友分享", [{"item": "面膜"}]),
        # a grade the steel rule does not know (是 heard as 十: 1316) still names the material
        ("杯身1316不锈钢", [{"attribute": "材质", "detail": "不锈钢"}]),
        ("杯身是316不锈钢", [{"attribute": "材质", "detail": "316不锈钢"}]),
    ],
)
def test_lists_grades_and_written_digits(text: str, values: list[dict]) -> None:
    got, _ = ClaimExtractor(learned=False).extract_utterance(Utterance(id="u", stream_id="s", t0=0, t1=3, text=text))
    assert len(got) == len(values), [(c.type.value, c.value) for c in got]
    for claim, want in zip(got, values, strict=True):
        assert want.items() <= claim.value.items()
