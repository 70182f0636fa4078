"""Text clean-up between Whisper and the rest of OnRecord.

Whisper base writes Mandarin in Traditional or Simplified characters at random, with spaces
or half-width commas where a Chinese writer puts full-width punctuation, and on silence or
music it writes phrases it saw in subtitled training video. This module makes its text
Simplified and punctuated, and recognises those phantom lines and repetition loops.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

from opencc import OpenCC

# Lines Whisper writes on silence, music or applause (subtitle credits and channel outros),
# compared after Simplified conversion with punctuation and spaces removed.
HALLUCINATION_PATTERNS: tuple[str, ...] = (
    r"字幕由.*提供",
    r"amara\.?org",
    r"字幕(制作|志愿者|翻译|校对|组)",
    r"(中文)?字幕(by|:|：)",
    r"请不吝点赞",
    r"(点赞|订阅|转发|打赏).{0,6}(支持|明镜|栏目|频道)",
    r"(明镜|点点)栏目",
    r"^(谢谢(大家|你们)?(的)?(观看|收看|收听))$",
    r"^(感谢(您的)?(观看|收看|收听))$",
    r"^(优优独播剧场|yoyo television series exclusive)",
    r"^(本期视频|本视频)?就到这里",
    r"^thanks? (you )?for watching",
    r"^please subscribe",
    r"^(by )?bwe?$",
)
_HALLUCINATION_RE = re.compile("|".join(f"(?:{p})" for p in HALLUCINATION_PATTERNS), re.IGNORECASE)

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_FULL_WIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
_SENTENCE_END = "。！？!?…"
_FULL_WIDTH_ALNUM = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B)}  # ０-９Ａ-Ｚａ-ｚ → ASCII
_CLAUSE_PUNCT = "，、；：,;:"


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s); Latin letters and digits are unchanged."""
    return str(_t2s().convert(text))


def normalize_punctuation(text: str) -> str:
    """Full-width punctuation inside Chinese text; a space between two Chinese characters
    (Whisper's way of marking a pause when it writes no punctuation) becomes a comma."""
    # Whisper base sometimes writes a pause as a broken full-width comma: the right first bytes
    # and a wrong last one, which reads as a full-width letter or digit (…派４团归…, …下单Ｇ…)
    text = re.sub(
        rf"(?<=[{_CJK}])[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+(?=[{_CJK}]|$)", "，", text.strip()
    )
    text = re.sub(r"\s+", " ", text).translate(_FULL_WIDTH_ALNUM)
    # half-width marks next to CJK characters become full-width
    for half, full in _FULL_WIDTH.items():
        text = re.sub(rf"(?<=[{_CJK}])\s*{re.escape(half)}\s*", full, text)
        text = re.sub(rf"\s*{re.escape(half)}\s*(?=[{_CJK}])", full, text)
    text = re.sub(rf"(?<=[{_CJK}])\.(?!\d)", "。", text)
    text = re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "，", text)
    # a space between Chinese and Latin/digits stays only where English words meet
    text = re.sub(rf"(?<=[{_CJK}]) (?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?=[{_CJK}])", "", text)
    text = re.sub(r"\s*([，。！？；：、])\s*", r"\1", text)
    text = re.sub(r"([，、；：])[，、；：]+", r"\1", text)
    return text.strip()


def ensure_sentence_end(text: str) -> str:
    """Append 。 to a Chinese sentence that ends without a full stop (a trailing comma is replaced)."""
    text = text.rstrip()
    if not text or text[-1] in _SENTENCE_END:
        return text
    if text[-1] in _CLAUSE_PUNCT:
        text = text[:-1]
    if text and re.search(f"[{_CJK}]", text):
        return text + "。"
    return text


def clean_text(text: str) -> str:
    """Simplified, full-width-punctuated text (without forcing a sentence end)."""
    return normalize_punctuation(to_simplified(text))


def _bare(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def is_hallucination(text: str) -> bool:
    """True for the subtitle-credit and outro lines Whisper invents on silence or music."""
    bare = _bare(to_simplified(text))
    if not bare:
        return True
    plain = re.sub(r"\s+", " ", to_simplified(text).lower()).strip(" .。!！")
    return bool(_HALLUCINATION_RE.search(bare) or _HALLUCINATION_RE.search(plain))


def compression_ratio(text: str) -> float:
    """gzip-style ratio Whisper itself uses: high (> 2.4) means the text repeats itself."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def is_repetition_loop(text: str, max_ratio: float = 2.4, min_repeats: int = 6) -> bool:
    """True when `text` is a decoding loop: a high compression ratio, or one unit of 1–8
    characters repeated `min_repeats` times or more covering at least half of the text
    (short loops do not compress well). 好好好 or 来来来来 in real speech stay."""
    bare = _bare(text)
    if len(bare) >= 12 and compression_ratio(bare) > max_ratio:
        return True
    short_unit = rf"(.{{1,8}}?)\1{{{min_repeats - 1},}}"
    long_unit = r"(.{4,16}?)\1{2,}"  # a whole phrase said three times is a loop, not emphasis
    for pattern in (short_unit, long_unit):
        for match in re.finditer(pattern, bare):
            if 2 * len(match.group(0)) >= len(bare):
                return True
    return False


def collapse_repeats(text: str, keep: int = 3) -> str:
    """Shorten a run of the same 1–4 characters repeated more than `keep` times (哈哈哈哈哈哈 → 哈哈哈)."""
    return re.sub(rf"(.{{1,4}}?)\1{{{keep},}}", lambda m: m.group(1) * keep, text)
