"""Text canonicalisation before the rules run: width folding and pinyin-tolerant term repair.

ASR on live-commerce speech swaps homophones (发货→发火, 包邮→包油, 无理由→无理游,
敏感肌→敏感机). `canonicalise` returns a copy of the text *of the same length* in which
every window whose toneless (and accent-folded) pinyin equals a domain term's is replaced by
that term. Because lengths never change, a span found in the canonical text is the same span
in the original, so quotes are always cut from what was actually said.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import product

import jieba
from pypinyin import Style, pinyin

import lexicon

# Domain terms the rules depend on. Two or more characters each: single characters have too
# many homophones to repair safely.
DOMAIN_TERMS: tuple[str, ...] = tuple(dict.fromkeys(t.text for t in lexicon.terms("repair_terms")))

# Units after a numeral: a homophone right after a number is read as the unit (三甜→三天,
# 十篇→十片, 三见→三件). Only units whose homophones rarely follow numbers in chat are
# repaired (克/寸/斤 turned 一课, 100万存款, 三金 into specs on real streamer speech).
UNITS = "天片件折"
_KEEP_AFTER_NUMERAL = set("减键检建健荐添者这直次好点些样起定般共种下边遍家会分名位人期间周岁声句首份只号")
_NUMERAL = set("0123456789零〇一二两三四五六七八九十百千万半")

# Accent folds for a second, stricter pass: Whisper (and accented speakers) blur zh/z, ch/c,
# sh/s, n/l and the nasal finals (当天→单天, 杯身→杯声, 放心→方形). Folding merges real terms
# (正品/赠品 both fold to zenpin), so a folded match is only taken when it is unambiguous: exactly
# one term matches the window, the window is not itself a word, and the exact pass found nothing.
_FOLD_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FOLD_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))

_PUNCT = re.compile(r"[\s，。！？；、,.!?;:：…~～·\"'“”‘’（）()【】\[\]]")


def _fold(syllable: str) -> str:
    for a, b in _FOLD_INITIALS:
        if syllable.startswith(a) and syllable != "ng":
            syllable = b + syllable[len(a) :]
            break
    for a, b in _FOLD_FINALS:
        if syllable.endswith(a):
            return syllable[: -len(a)] + b
    return syllable


@lru_cache(maxsize=8192)
def char_sounds(ch: str) -> frozenset[str]:
    """The toneless primary reading of one character (empty for non-Han characters)."""
    if not ("\u4e00" <= ch <= "\u9fff"):
        return frozenset()
    # The primary reading only: heteronyms make 不 (fou) sound like 包 (fu) and turn 不退 into 包退.
    return frozenset(pinyin(ch, style=Style.NORMAL)[0])


@lru_cache(maxsize=8192)
def folded_sounds(ch: str) -> frozenset[str]:
    """`char_sounds` with the accent folds applied (zh→z, ing→in, n→l ...)."""
    return frozenset(_fold(r) for r in char_sounds(ch))


class TermRepairer:
    """Pinyin-tolerant repair of a fixed set of terms (domain terms, product names)."""

    def __init__(self, terms: tuple[str, ...] | list[str]) -> None:
        # (first syllable, second syllable) → the terms starting so, longest first: a window is only
        # compared with terms whose first two characters can sound like its own
        self._index: dict[tuple[str, str], list[tuple[str, list[frozenset[str]]]]] = {}
        self._folded: dict[tuple[str, str], list[tuple[str, list[frozenset[str]]]]] = {}
        self._terms = frozenset(t for t in terms if len(t) >= 2)
        self._lengths = sorted({len(t) for t in self._terms}, reverse=True)
        for term in sorted(self._terms, key=len, reverse=True):
            sounds = [char_sounds(c) for c in term]
            if not all(sounds):
                continue  # only all-Han terms can be matched by sound
            for pair in product(sounds[0], sounds[1]):
                self._index.setdefault(pair, []).append((term, sounds))
            folded = [folded_sounds(c) for c in term]
            for pair in product(folded[0], folded[1]):
                self._folded.setdefault(pair, []).append((term, folded))

    def repair(self, chars: list[str], words: WordGuard | None = None) -> None:
        """Replace, in place, every window that sounds like a term (longest terms first).

        With `words`, a window is only replaced when it starts and ends on a word boundary and is
        not itself a frequent word (云豹欢迎 must not yield 包换, 保佑 must not become 包邮); only
        then are accent-folded matches tried too, and only when exactly one term matches."""
        i = 0
        while i < len(chars):
            present = next((n for n in self._lengths if "".join(chars[i : i + n]) in self._terms), 0)
            if present:  # already a correct term: never "repair" 正品 into 赠品
                i += present
                continue
            term = self._match(chars, i, words, self._index, char_sounds)
            if term is None and words is not None:
                term = self._match(chars, i, words, self._folded, folded_sounds, unique=True)
            if term is not None:
                chars[i : i + len(term)] = list(term)
            i += len(term) if term else 1

    @staticmethod
    def _match(
        chars: list[str], i: int, words: WordGuard | None,
        index: dict[tuple[str, str], list[tuple[str, list[frozenset[str]]]]],
        sounds_of: Callable[[str], frozenset[str]], unique: bool = False,
    ) -> str | None:
        found: list[str] = []
        if i + 1 >= len(chars):
            return None
        seconds = sounds_of(chars[i + 1])
        for first in sounds_of(chars[i]):
            lists = [index[(first, s)] for s in seconds if (first, s) in index]
            if not lists:
                continue
            # the terms of this first syllable, longest first (as one list per first syllable would be)
            terms = lists[0] if len(lists) == 1 else sorted(
                {t: snd for lst in lists for t, snd in lst}.items(), key=lambda x: -len(x[0]))
            for term, sounds in terms:
                n = len(term)
                window = chars[i : i + n]
                if len(window) < n or "".join(window) == term or term in found or _drops_negator(window, term):
                    continue
                # a folded match must not be a dictionary word at all (瓷砖 is not 持妆)
                if all(sounds_of(c) & s for c, s in zip(window, sounds, strict=True)) and (
                    words is None or words.allows(i, i + n, "".join(window), _RARE if unique else _FREQUENT)
                ):
                    if not unique:
                        return term
                    # at most one syllable may differ by a fold (瓷专 is two folds from 持妆)
                    if sum(not (char_sounds(c) & char_sounds(t)) for c, t in zip(window, term, strict=True)) <= 1:
                        found.append(term)
        # a folded window sounding like two terms of the same length (正品/赠品) is left alone
        if len(found) > 1 and len(found[0]) == len(found[1]):
            return None
        return found[0] if found else None


# A repair must never erase a negation: 不睡 sounds like 补水 and 不罚 like 补发, and turning a
# refusal into a promise is the one error a reviewer cannot tolerate.
_NEGATORS = frozenset("不没别未无")


def _drops_negator(window: list[str], term: str) -> bool:
    return any(c in _NEGATORS and c != t for c, t in zip(window, term, strict=True))


DEFAULT_REPAIRER = TermRepairer(DOMAIN_TERMS)
_FREQUENT = 300  # jieba dictionary count above which a window is a real word, not an ASR slip
_RARE = 3  # the same for accent-folded matches: the window must be (nearly) unknown to jieba
_TOKENIZER: jieba.Tokenizer | None = None


class WordGuard:
    """Word boundaries (jieba) of one text, and whether a window is a frequent word itself."""

    def __init__(self, text: str) -> None:
        global _TOKENIZER
        if _TOKENIZER is None:  # loaded on first use, never at import
            _TOKENIZER = jieba.Tokenizer()
            _TOKENIZER.initialize()
        self._tok = _TOKENIZER
        self.bounds = {0, len(text)}
        for _, start, end in self._tok.tokenize(text, HMM=False):
            self.bounds.update((start, end))

    def allows(self, start: int, end: int, window: str, frequent: int = _FREQUENT) -> bool:
        return start in self.bounds and end in self.bounds and self._tok.FREQ.get(window, 0) < frequent


def fold_width(text: str) -> str:
    """Full-width digits/letters/% to ASCII, lower-case Latin; length-preserving. Punctuation is kept."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded.lower() if len(folded) == 1 and (folded.isalnum() or folded in "%.") else ch)
    return "".join(out)


_UNIT_BY_SOUND = {r: u for u in UNITS for r in pinyin(u, style=Style.NORMAL)[0]}


# Multi-character units after a numeral win over the everyday word that sounds the same
# (30个小事 → 30个小时, 十二革月 → 十二个月): after a number the unit is what was said.
_NUMERAL_UNITS = ("个小时", "个月", "小时", "毫升", "毫安", "厘米", "毫米", "公斤")


def _repair_numeral_units(chars: list[str]) -> None:
    for i in range(1, len(chars)):
        if chars[i - 1] not in _NUMERAL:
            continue
        for unit in _NUMERAL_UNITS:
            window = chars[i : i + len(unit)]
            if len(window) == len(unit) and "".join(window) != unit and all(
                char_sounds(c) & char_sounds(u) for c, u in zip(window, unit, strict=True)
            ):
                chars[i : i + len(unit)] = list(unit)
                break


def _repair_units(chars: list[str]) -> None:
    _repair_numeral_units(chars)
    for i in range(1, len(chars)):
        ch = chars[i]
        if chars[i - 1] in _NUMERAL and ch not in UNITS and ch not in _KEEP_AFTER_NUMERAL and ch not in _NUMERAL:
            unit = next((_UNIT_BY_SOUND[r] for r in char_sounds(ch) if r in _UNIT_BY_SOUND), None)
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if unit and nxt not in UNITS:
                chars[i] = unit


def canonicalise(text: str, extra: TermRepairer | None = None, base: TermRepairer | None = None) -> str:
    """Return `text` with width folded and homophone ASR errors of domain terms repaired.

    Guarantees `len(result) == len(text)`; a window is only replaced when every character
    shares a reading with the term's character at that place. `extra` repairs further terms
    (the stream's product names) after the domain terms; `base` replaces the default domain
    repairer (the extractor passes one that also knows every rule-lexicon word).
    """
    folded = fold_width(text)
    chars = list(folded)
    (base or DEFAULT_REPAIRER).repair(chars, WordGuard(folded))
    _repair_units(chars)
    if extra is not None:
        extra.repair(chars)
    return "".join(chars)


def is_punct(ch: str) -> bool:
    return bool(_PUNCT.match(ch))


def strip_punct(text: str) -> str:
    return _PUNCT.sub("", text)
