"""Is a risk word part of an advertising/selling statement, or everyday speech?

广告法 applies to advertising content: 第九条第三项 bans 最佳/最高级 words that describe goods or
services, not 我绝对不会迟到 or 最好早点睡. On real streamer speech most risk words are chat
(a PK countdown 最后10秒, praise 你最好看, a healing song 很治愈). So a *weak* risk word (one
that is everyday Chinese) counts only when it is in a selling context, and not in a personal
frame; *strong* words (全网最低, 销量第一, 无效退款, 私下交易) name price, sales, refunds or
trade themselves and always count.

Selling context, read in the sentence around the word (hard stops, at most ±WINDOW characters:
unpunctuated ASR runs on): a claim the rules found there, a mention of the stream's product,
or a selling cue (this product, price, ordering, stock, brand, shop, effect, a product noun).
Personal frame: the word is said of a person (我绝对…, 你最好看, 大哥最牛) in a clause with no
selling cue of its own. Advice: 最好 + a verb is "had better" (最好早点睡), not "the best".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import lexicon
from claims.clauses import Clause, is_negated

WINDOW = 20
_HARD_STOP = re.compile(r"[。！？!?；;\n]")
_CLAUSE_STOP = re.compile(r"[，,。！？!?；;、\s]")

# What the host sells, its price and how to buy it (`lexicon/data/selling.toml`).
_SELLING = re.compile("|".join(t.text for t in lexicon.terms("selling")))
_PERSON = r"(?:我|你|您|他|她|咱|我们|你们|他们|大哥|兄弟|哥|姐|老铁|家人们|宝宝们|粉丝|朋友)"
_PERSONAL = re.compile(rf"{_PERSON}(?:是|就是|也是|真的|才是|都|也|就|都是)?(?:全世界|全网|世界上)?(?:的)?$")
# 最好 read as "had better": followed by a verb or an adverb, not by 的/用/看... ("the best").
_ADVICE = re.compile(r"最好(?![的用吃喝看听穿闻卖玩使了啦呀啊哦嘛]|$|[，,。！？!?\s])")
# 绝对 + a verb commits the speaker to an action (绝对给你…, 绝对会来), it qualifies no product.
_COMMITMENT = re.compile(r"绝对(?:会|要|给|帮|去|来|能|可以|让|把|跟|放|喊|送|买|得|行|有|在)")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _HARD_STOP.finditer(text, 0, start)), default=0)
    stop = _HARD_STOP.search(text, end)
    right = stop.start() if stop else len(text)
    return max(left, start - WINDOW), min(right, end + WINDOW)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _CLAUSE_STOP.finditer(text, 0, start)), default=0)
    stop = _CLAUSE_STOP.search(text, end)
    return left, stop.start() if stop else len(text)


def selling_context(text: str, start: int, end: int, anchors: Sequence[tuple[int, int]]) -> bool:
    """A claim, a product mention (`anchors`: spans) or a selling cue in the sentence around
    [start, end), other than the risk word itself."""
    s0, s1 = _sentence(text, start, end)
    # a claim or cue made of the risk word itself (马上见效 is also an efficacy claim; 最好用
    # holds 好用) is no evidence of selling
    if any(a < s1 and s0 < b and not (start <= a and b <= end) for a, b in anchors):
        return True
    return any(m.end() <= start or m.start() >= end for m in _SELLING.finditer(text, s0, s1))


def personal(text: str, start: int, end: int) -> bool:
    """Said of a person (我绝对…, 你是最好的, 大哥最牛) in a clause with no selling cue of its own."""
    c0, c1 = _clause(text, start, end)
    if _SELLING.search(text, c0, c1):
        return False
    return bool(_PERSONAL.search(text[max(c0, start - 6) : start]))


def advice(text: str, start: int) -> bool:
    """最好 + a verb ("you had better …", to the viewer) or 绝对 + a verb (the speaker's own
    commitment): modal uses, not superlatives."""
    return bool(_ADVICE.match(text, start) or _COMMITMENT.match(text, start))


def counts(text: str, start: int, end: int, strong: bool, anchors: Sequence[tuple[int, int]]) -> bool:
    """Whether a risk word at [start, end) of canonical `text` is one a compliance reviewer should see."""
    c0, c1 = _clause(text, start, end)
    if is_negated(text, Clause(c0, c1), start, end):
        return False
    if strong:
        return True
    if advice(text, start) or personal(text, start, end):
        return False
    return selling_context(text, start, end, anchors)


_ROOM = re.compile("|".join(t.text for t in lexicon.terms("selling") if "room" in t.tags))


def room_cue(text: str) -> bool:
    """A price, ordering, stock or after-sales word in `text`: evidence that the room sells."""
    return bool(_ROOM.search(text))
