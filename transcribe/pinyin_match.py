"""Pinyin matching for the domain corrector: each character's toneless readings, the folded
syllable keys that make fuzzy homophones meet (z/zh, n/l, en/eng, xi-/sh-…), and the span and
word helpers (numerals, Latin runs, jieba word spans) its rules are written with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
from pypinyin import Style, pinyin

from transcribe.quantities import DIGIT_NUMERALS
from transcribe.terms import LexiconTerm

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_CONTEXT_RADIUS = 10
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("r", "n"), ("h", "f"))
_FUZZY_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"), ("uan", "un"))
_INITIALS = ("zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsyw")
# a Japanese or southern accent says sh before a, e, o as ɕ, which Whisper writes xi-
# (上班族 → 香搬组, 上 shang ~ 香 xiang): xia/xiang/xiao/xie/xian fold onto sha/shang/…
_XI_RE = re.compile(r"^xi(?=[aeo])")
_O_TO_U = {"bo", "po", "mo", "fo"}  # bo/bu, mo/mu: the rounded vowels merge in accented speech


@lru_cache(maxsize=8192)
def _readings(char: str) -> tuple[str, ...]:
    """Toneless pinyin readings of one character (all of them: polyphones match any)."""
    if not _CJK_RE.match(char):
        return ()
    return tuple(dict.fromkeys(pinyin(char, style=Style.NORMAL, heteronym=True)[0]))


@lru_cache(maxsize=8192)
def _canonical(syllable: str) -> str:
    """Fold the confusable initials/finals together so fuzzy homophones share one key."""
    syllable = _XI_RE.sub("sh", syllable)
    for full, folded in _FUZZY_INITIALS:
        if syllable.startswith(full):
            syllable = folded + syllable[len(full) :]
            break
    for full, folded in _FUZZY_FINALS:  # in order: huang → huan → hun
        if syllable.endswith(full):
            syllable = syllable[: -len(full)] + folded
    if syllable in _O_TO_U:
        syllable = syllable[0] + "u"
    return syllable


def _near_miss(term: tuple[str, ...], heard: list[str], i: int) -> bool:
    """`heard` is `term` with syllable `i` misheard: the others exact (usual readings), and that
    one keeping its initial (ban ~ bai) or, in terms of four or more syllables, its final
    (tang ~ chang in 厂家直销)."""
    if any(s != h for j, (s, h) in enumerate(zip(term, heard, strict=True)) if j != i):
        return False
    a, b = term[i], heard[i]
    ia, ib = _initial(a), _initial(b)
    return a != b and (ia == ib or (len(term) >= 4 and a[len(ia) :] == b[len(ib) :]))


def _initial(syllable: str) -> str:
    return next((i for i in _INITIALS if syllable.startswith(i)), "")


@dataclass(frozen=True)
class _Entry:
    term: LexiconTerm
    syllables: tuple[str, ...]  # the term's own toneless pinyin, one per character
    is_product: bool


def _term_syllables(text: str) -> tuple[str, ...] | None:
    if not text or not all(_CJK_RE.match(c) for c in text):
        return None
    return tuple(s[0] for s in pinyin(text, style=Style.NORMAL))


# the item of a gift: 送一个…, 加送一把…, 再送两包… (the count and its measure word right before)
_GIFT_SLOT_RE = re.compile(r"送[一两二三四五六七八九十0-9]+[个把双支瓶盒包袋张套份条只件对副]$")
_NUMERAL_CHARS = "零一二两三四五六七八九十"
# an amount right after a price word, perhaps after 是/就/只要: 劝后九十九, 立减30, 到手就129
# (a count is no amount: 现在剪一个吗)
_AMOUNT_RE = re.compile(r"(?:是|就|只要|只需|才)?[0-9一二两三四五六七八九十百千]+(?![0-9个下次遍些件只])")


def _as_numerals(span: str) -> str:
    return "".join(DIGIT_NUMERALS.get(c, c) for c in span)


def _numerals_agree(span: str, term: str) -> bool:
    """A digit in the span stands only for a numeral of the term (0天加 → 零添加, not 4级 → 食剂)."""
    return all(t in _NUMERAL_CHARS for c, t in zip(span, term, strict=True) if c in DIGIT_NUMERALS)


def _numeral_misheard(span: str, entry: _Entry, readings: list[tuple[str, ...]]) -> bool:
    """A numeral or digit the term would replace by a syllable it does not sound like: it is a
    number (劝后九十九 is 券后 + 九十九, not 券后价 + 十九; 4号链接 is not 一号链接)."""
    return any(
        (c in _NUMERAL_CHARS or c in DIGIT_NUMERALS) and s not in r
        for c, s, r in zip(span, entry.syllables, readings, strict=True)
    )


def _text_readings(text: str) -> list[tuple[str, ...]]:
    """Each character's readings; a lone digit reads as its numeral (0天加 is 零添加 heard),
    a digit in a longer number has none (30 is not 三零)."""
    readings = [_readings(c) for c in text]
    for i, c in enumerate(text):
        if c in DIGIT_NUMERALS and not (i and text[i - 1].isdigit()) and not text[i + 1 : i + 2].isdigit():
            readings[i] = _readings(DIGIT_NUMERALS[c])
    return readings


def _latin_runs(text: str, n_words: int) -> list[re.Match[str]]:
    word = r"[A-Za-z0-9][A-Za-z0-9'\-]*"
    return list(re.finditer(rf"(?<![A-Za-z0-9]){word}(?: {word}){{{n_words - 1}}}(?![A-Za-z0-9])", text))


def _combos(readings: list[tuple[str, ...]], limit: int = 16) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for options in readings:
        combos = [c + (o,) for c in combos for o in options][:limit]
    return combos


def _around(text: str, start: int, end: int) -> str:
    """The characters within `_CONTEXT_RADIUS` on either side of a span (a space between)."""
    return text[max(0, start - _CONTEXT_RADIUS) : start] + " " + text[end : end + _CONTEXT_RADIUS]


def _words_in_span(
    text: str, start: int, term: str, words: list[tuple[int, int]], min_freq: int = 0
) -> tuple[bool, bool]:
    """(other, shared): whether the span `text[start:start+len(term)]` holds a word of two or
    more characters that the term does not have in that place (a near-homophone made of real
    words was probably said: 可以继续 is not 可以机洗, 剥自己 not 保质期), and whether it holds
    one the term shares (新朋友 and 百分半 share 朋友 and 百分 with 小朋友 and 百分百). An other
    word counts only from `min_freq` in jieba's counts."""
    end = start + len(term)
    other = shared = False
    for s, e in words:
        if start <= s and e <= end and e - s >= 2:
            if text[s:e] == term[s - start : e - start]:
                shared = True
            elif jieba.dt.FREQ.get(text[s:e], 0) >= min_freq:
                other = True
    return other, shared


def _word_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for token in jieba.lcut(text, HMM=False):
        spans.append((pos, pos + len(token)))
        pos += len(token)
    return spans
