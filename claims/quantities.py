"""Number normalisation for claim values (cn2an for Chinese numerals, plus spoken price forms).

`NUM` is the regex fragment every rule uses for "a number as spoken or as written"; `to_number`
turns such a match into an int (whole numbers) or float. Spoken prices such as 九块九 (9.9) and
一百二十九块八 are read by `price_amount`.
"""

from __future__ import annotations

import re

import cn2an

_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
NUM = rf"(?:\d+(?:\.\d+)?(?:万|千)?|[{_CN_DIGITS}]+(?:点[{_CN_DIGITS}]+)?)"
_ONLY_CN = re.compile(rf"^[{_CN_DIGITS}点]+$")
_SMALL = {"半": 0.5, "俩": 2, "仨": 3, "双": 2}


def to_number(token: str | None) -> int | float | None:
    """Parse 48 / 四十八 / 两百 / 9.9 / 1.5万 / 半; None when it is not a number."""
    if not token:
        return None
    token = token.strip()
    if token in _SMALL:
        return _SMALL[token]
    try:
        if _ONLY_CN.match(token) and len(token) > 1 and "十" not in token and "百" not in token \
                and "千" not in token and "万" not in token and "点" not in token:
            # digit-by-digit reading such as 一九九 (199)
            value: float = float("".join(str(cn2an.cn2an(c, "smart")) for c in token))
        else:
            value = float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, TypeError):
        return None
    return int(value) if value == int(value) else round(value, 2)


PRICE_RE = re.compile(rf"({NUM})\s*(?:元|块钱|块|rmb)(?:\s*({NUM})(?!\s*(?:元|块|件|个|瓶|盒|斤|毛|角)))?")


def price_amount(main: str, tail: str | None) -> float | None:
    """九块九 → 9.9; 一百二十九块八 → 129.8; 99 → 99.0."""
    whole = to_number(main)
    if whole is None:
        return None
    cents = to_number(tail) if tail else None
    if cents is not None and isinstance(cents, int) and 0 < cents < 10:
        return float(whole) + cents / 10
    return float(whole)


def arabise(text: str) -> str:
    """Replace every Chinese numeral run with Arabic digits (used for canonical discount strings)."""

    def repl(m: re.Match[str]) -> str:
        value = to_number(m.group(0))
        return m.group(0) if value is None else str(value)

    return re.sub(rf"[{_CN_DIGITS}]+(?:点[{_CN_DIGITS}]+)?|\d+(?:\.\d+)?(?:万|千)?", repl, text)
