"""Chinese numerals to digits, as the ASR benchmarks compare transcripts with their truth."""

from __future__ import annotations

import pytest

from evals.asr.numbers import normalize_numbers


@pytest.mark.parametrize(
    ("spoken", "normalised"),
    [
        ("四十八小时内发货", "48小时内发货"),
        ("满两百减三十", "满200减30"),
        ("七天无理由退货", "7天无理由退货"),
        ("一百二十九块九", "129块9"),
        ("百分之五十", "50%"),
        ("买一送一", "买1送1"),
        ("第二件半价", "第2件半价"),
        ("零点五", "0.5"),
        ("十分钟", "10分钟"),
        # not quantities: left as spoken
        ("看一下", "看一下"),
        ("我们一起", "我们一起"),
        ("一定要买", "一定要买"),
        ("统一发货", "统一发货"),
        ("全网第一", "全网第一"),
        ("两三天", "两三天"),
        ("十分好用", "十分好用"),
        ("看一看", "看一看"),
        ("便宜一点", "便宜一点"),
    ],
)
def test_normalize_numbers(spoken: str, normalised: str) -> None:
    assert normalize_numbers(spoken) == normalised
