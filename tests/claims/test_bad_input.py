"""Bad input to the extractor: no crash, one output line per input line, a clear error only where a
line cannot be read (issue 16: empty, 100 KB, mixed scripts, emoji, markup, unbalanced quotes)."""

from __future__ import annotations

import json

import pytest

from claims import ClaimExtractor, extract_jsonl
from models import InputError

ODD = [
    "",
    "   \t  ",
    "家人们下单送一片面膜，" * 10_000,  # ~100 KB
    "今天 only 99 元 ¥99 ９９块 $13.99 包邮 free shipping",
    "😀😀😀🔥🔥",
    "<b>下单送</b><script>alert(1)</script> &amp; 48小时发货",
    "「正品保证『假一赔十",
    '他说"七天无理由',
    "|---|----|---|",
    "\x00\x07控制字符\u200b\ufeff零宽",
    "ﾊﾟｯｹｰｼﾞ 한국어 العربية русский 日本語のテキスト",
]


@pytest.fixture(scope="module")
def extractor() -> ClaimExtractor:
    return ClaimExtractor()  # rules + the classifier's n-gram view


@pytest.mark.parametrize("text", ODD, ids=range(len(ODD)))
def test_odd_text_gives_one_answer(extractor: ClaimExtractor, text: str) -> None:
    (claims, risks), = extractor.extract_texts([text])
    for c in claims:
        assert c.quote and c.quote in text
    for r in risks:
        assert r.quote in text


def test_long_text_still_finds_its_promises(extractor: ClaimExtractor) -> None:
    claims, _ = extractor.extract_text("聊聊天。" * 5_000 + "下单送一片面膜，四十八小时内发货")
    assert {"gift", "shipping"} <= {c.type.value for c in claims}


def test_every_line_gets_one_output_line(extractor: ClaimExtractor) -> None:
    lines = [json.dumps({"id": n, "text": t}, ensure_ascii=False) for n, t in enumerate(ODD)]
    out = list(extract_jsonl(lines, extractor))
    assert [o["id"] for o in out] == list(range(len(ODD)))


@pytest.mark.parametrize(("line", "why"), [('{"id": 1, "text": "未闭合', "not JSON"), ('["text"]', "JSON object"),
                                          ('{"id": 2, "text": 5}', "string")])
def test_unreadable_line_is_a_clear_error_naming_it(extractor: ClaimExtractor, line: str, why: str) -> None:
    good = json.dumps({"id": 0, "text": "包邮"})
    with pytest.raises(InputError, match=f"line 2: .*{why}"):
        list(extract_jsonl([good, line], extractor))
