"""Chinese numerals → Arabic digits (四十八小时 → 48小时, 满两百减三十 → 满200减30).

Utterance text keeps numbers as spoken, and Whisper writes them either way, so the ASR
benchmarks (`scripts/bench_asr.py`, `scripts/bench_asr_ceiling.py`) compare a transcript with
its truth after `normalize_numbers`. (The claims stage reads its values with
`claims/quantities.py`.) cn2an converts a numeral faithfully, but its sentence mode also turns the
一 of 一下/一起/一定 into 1 and 两三天 into 23天, so this module finds the numerals itself and
hands cn2an only the runs that really are quantities.
"""

from __future__ import annotations

import re
import warnings

import cn2an

_DIGITS = "零〇一二两三四五六七八九"
_NUMERAL = f"[{_DIGITS}十百千万亿]"
_RUN_RE = re.compile(f"{_NUMERAL}+(?:点[{_DIGITS}]+)?")
_PERCENT_RE = re.compile(f"百分之({_NUMERAL}+(?:点[{_DIGITS}]+)?)")

# Words in which a numeral character is not a quantity. Each protects the span it matches.
_PROTECTED = re.compile(
    "|".join(
        (
            r"一(?:下|起|定|样|些|直|般|切|旦|边|致|律|向|共|会|阵|口气|模一样|流|再|路|早|同|体|番|面|身|生|心|眼|概|度|举|带|味|时|手)",
            r"(?<![零一二两三四五六七八九十百千])(?:统一|唯一|之一|一一|一方面)",
            r"一点(?![零〇一二两三四五六七八九十钟])",
            r"十分(?!钟)|十足|十全十美|一五一十|三番五次|七上八下|乱七八糟|五颜六色|四面八方|万无一失|九牛一毛",
            r"(?<![零一二两三四五六七八九十百])千万(?![零一二两三四五六七八九])",
            r"(?<![零一二两三四五六七八九十百千])万一(?![零一二两三四五六七八九十百千])",
            r"第一|二手|三无|两者|两边|两岸|三思",
            r"(.)一\1",  # 看一看, 试一试
        )
    )
)
# A lone digit character is a quantity only next to a unit or a commerce verb (买一送一, 一件).
_UNITS = "件个片盒瓶包袋支套箱份单天年月周日号小时分钟秒元块毛角斤克公斤千克毫升升米厘米毫米层折倍次人位款色码颗粒张条双只台部"
_LONE_BEFORE = "买送赠赔假满减加拍第要只仅价是到为"
_LONE_AFTER_MONEY = "块元毛"


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED.finditer(text)]


def _is_range(run: str) -> bool:
    # 两三天, 三四十块: two neighbouring digits said together are an estimate, keep as spoken
    values = ["零一二三四五六七八九".find(c if c != "两" else "二") for c in run]
    return any(a > 0 and b == a + 1 for a, b in zip(values, values[1:], strict=False))


def _convert(run: str) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = cn2an.cn2an(run, "smart")
        except (ValueError, KeyError, IndexError):
            return None
    if isinstance(value, float) and value.is_integer() and "点" not in run:
        value = int(value)
    return str(value)


def _is_quantity(text: str, start: int, end: int) -> bool:
    run = text[start:end]
    if len(run) > 1 or run in "十百千万":
        return True
    before, after = text[start - 1 : start], text[end : end + 2]
    return bool(
        (after and (after[0] in _UNITS or after.startswith("小时")))
        or (before and before in _LONE_BEFORE)
        or (before and before in _LONE_AFTER_MONEY)
    )


def normalize_numbers(text: str) -> str:
    """Return `text` with spoken quantities as digits; other uses of numeral characters stay.

    四十八小时 → 48小时, 满两百减三十 → 满200减30, 百分之五十 → 50%, 一百二十九块九 → 129块9,
    买一送一 → 买1送1; 一下, 一起, 一定, 统一, 第一, 两三天 are left as they are.
    """
    text = _PERCENT_RE.sub(lambda m: f"{_convert(m.group(1)) or m.group(1)}%", text)
    protected = _protected_spans(text)
    out: list[str] = []
    last = 0
    for match in _RUN_RE.finditer(text):
        start, end = match.span()
        run = match.group(0)
        if any(s < end and start < e for s, e in protected) or _is_range(run):
            continue
        if not _is_quantity(text, start, end):
            continue
        converted = _convert(run)
        if converted is None:
            continue
        out.append(text[last:start])
        out.append(converted)
        last = end
    out.append(text[last:])
    return "".join(out)
