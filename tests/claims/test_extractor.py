"""ClaimExtractor over utterances: products, flow, ids, times; the JSONL contract."""

from __future__ import annotations

import json

import pytest

from claims import ClaimExtractor, extract_jsonl, extract_text
from models import InputError, Product, Utterance, Word

PRODUCTS = [
    Product(id="mask", name="玻尿酸面膜", aliases=["补水面膜"], link=1),
    Product(id="tissue", name="木浆抽纸", aliases=["抽纸"], link=2),
    Product(id="cup", name="保温杯", link=3),
]


def utt(i: int, text: str, words: list[Word] | None = None) -> Utterance:
    return Utterance(id=f"u{i}", stream_id="s1", t0=float(i * 10), t1=float(i * 10 + 5), text=text,
                     words=words or [])


def test_product_by_name_alias_and_link_number() -> None:
    ex = ClaimExtractor(PRODUCTS)
    assert ex.extract_text("玻尿酸面膜今天只要99")[0][0].product == "mask"
    assert ex.extract_text("抽纸全场包邮")[0][0].product == "tissue"
    assert ex.extract_text("三号链接今天只要49")[0][0].product == "cup"
    assert ex.extract_text("1号链接下单送小样")[0][0].product == "mask"


def test_product_by_pinyin_tolerant_name() -> None:
    ex = ClaimExtractor(PRODUCTS)
    assert ex.extract_text("保温悲今天只要49")[0][0].product == "cup"


def test_product_flow_across_utterances() -> None:
    ex = ClaimExtractor(PRODUCTS)
    stream = [utt(0, "来看二号链接的抽纸"), utt(1, "四层加厚，全场包邮"), utt(2, "接下来是保温杯"),
              utt(3, "今天只要四十九"), utt(4, "再说回面膜，下单送一片")]
    got = [(c.utterance_id, c.type.value, c.product) for c in ex.run(stream)]
    assert ("u1", "shipping", "tissue") in got
    assert ("u1", "spec", "tissue") in got
    assert ("u3", "price", "cup") in got


def test_claim_ids_and_times_from_words() -> None:
    words = [Word(start=10.0, end=10.5, text="今天"), Word(start=10.5, end=11.0, text="只要"),
             Word(start=11.0, end=11.6, text="九十九，"), Word(start=11.6, end=12.0, text="包邮")]
    claims, _ = ClaimExtractor().extract_utterance(utt(1, "今天只要九十九，包邮", words))
    assert [c.id for c in claims] == ["u1:c0", "u1:c1"]
    assert (claims[0].t0, claims[0].t1) == (10.0, 11.6)
    assert (claims[1].t0, claims[1].t1) == (11.6, 12.0)
    assert all(c.stream_id == "s1" and c.utterance_id == "u1" for c in claims)


def test_times_without_words_are_the_utterance_span() -> None:
    claims, _ = ClaimExtractor().extract_utterance(utt(2, "全场包邮"))
    assert (claims[0].t0, claims[0].t1) == (20.0, 25.0)


def test_jsonl_contract_shape() -> None:
    lines = [json.dumps({"id": "a", "text": "下单送一片面膜，全网最低"}, ensure_ascii=False), "",
             json.dumps({"id": 7, "text": "你好"})]
    out = list(extract_jsonl(lines))
    assert out[0] == {
        "id": "a",
        "claims": [{"type": "gift", "quote": "下单送一片面膜", "value": {"item": "面膜", "quantity": 1, "condition": "下单"}},
                   {"type": "price", "quote": "全网最低", "value": {"discount": "最低价", "currency": "CNY"}}],
        "risks": [{"rule": "absolute_term", "quote": "全网最低"}],
    }
    assert out[1] == {"id": 7, "claims": [], "risks": []}
    assert extract_text("包邮")["claims"][0]["type"] == "shipping"


@pytest.mark.parametrize("line", ["not json", json.dumps({"id": 1}), json.dumps([1, 2])])
def test_jsonl_bad_line_names_the_line(line: str) -> None:
    with pytest.raises(InputError, match="line 2"):
        list(extract_jsonl([json.dumps({"id": 0, "text": "包邮"}), line]))
