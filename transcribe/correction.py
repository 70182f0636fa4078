"""Domain-term correction: homophone errors on promise words, found by pinyin similarity.

Whisper base hears 发货 as 发火 and 包邮 as 包油. A span of the text whose toneless pinyin
matches a lexicon term or one of the stream's product names (allowing the confusions
Mandarin speakers and ASR make: z/zh, c/ch, s/sh, n/l, en/eng, in/ing, an/ang) is replaced
by the term. When the span is itself an ordinary word (发火, 连接) or cuts through one, the
correction needs one of the term's context words nearby; a blocker word vetoes it. Every
replacement is returned as a `Correction`, so the original words stay on record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba
from pypinyin import Style, pinyin
from rapidfuzz import fuzz

from models import Correction, Product
from transcribe.homophones import DictionaryHomophones
from transcribe.quantities import DIGIT_NUMERALS, fix_link_numbers, repair_units
from transcribe.terms import COMMERCE_LEXICON, KNOWN_WORDS, LexiconTerm

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_CONTEXT_RADIUS = 10
_COMMON_CHAR_FREQ = 50_000  # jieba counts; 有 423,765, 时 103,735, 油 5,665
_RARE_WORD_FREQ = 50  # a jieba word rarer than this inside a span is no evidence it was said (鸟店)
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


class DomainCorrector:
    """Corrects homophone errors on commerce terms and product names in Simplified text.

    `lexicon_terms`: extra domain words (strings or LexiconTerm) added to the commerce lexicon;
    `products`: the stream's products, whose names and aliases become free-standing terms.
    `dictionary_repair`: also repair general-vocabulary non-words (停制 → 停滞, see homophones.py).
    """

    def __init__(
        self,
        lexicon_terms: Iterable[str | LexiconTerm] = (),
        products: Sequence[Product] = (),
        use_default_lexicon: bool = True,
        dictionary_repair: bool = True,
    ) -> None:
        terms: list[LexiconTerm] = list(COMMERCE_LEXICON) if use_default_lexicon else []
        terms += [t if isinstance(t, LexiconTerm) else LexiconTerm(t) for t in lexicon_terms]
        self.products = list(products)
        self._dictionary = DictionaryHomophones() if dictionary_repair else None
        self._index: dict[tuple[str, ...], list[_Entry]] = {}
        self._latin: list[str] = []
        self._max_len = 0
        # terms of 3+ syllables by their key with one syllable left out: 百分半 for 百分百
        self._near: dict[tuple[str, ...], list[tuple[_Entry, int]]] = {}
        # every term and product name as written: a span that already is one is left alone
        # (无理由退换 is not a mishearing of 无理由退货), and they mark selling talk
        self._texts: set[str] = set()
        for term in terms:
            self._add(term, is_product=False)
        for product in self.products:
            for name in (product.name, *product.aliases):
                if _term_syllables(name) is None:
                    self._latin.append(name)
                else:
                    self._add(LexiconTerm(name), is_product=True)

    @property
    def terms(self) -> list[str]:
        """Every Chinese term the corrector knows (for hotwords and prompts)."""
        return [e.term.text for entries in self._index.values() for e in entries]

    def _add(self, term: LexiconTerm, is_product: bool) -> None:
        syllables = _term_syllables(term.text)
        if syllables is None or len(syllables) < 2:
            return
        self._texts.add(term.text)
        key = tuple(_canonical(s) for s in syllables)
        entries = self._index.setdefault(key, [])
        if all(e.term.text != term.text for e in entries):
            entry = _Entry(term, syllables, is_product)
            entries.append(entry)
            if len(syllables) >= 3:
                for i in range(len(syllables)):
                    self._near.setdefault(key[:i] + ("*",) + key[i + 1 :], []).append((entry, i))
        self._max_len = max(self._max_len, len(syllables))

    def correct(self, text: str, before: str = "") -> tuple[str, list[Correction]]:
        """Return (corrected text, corrections). Replacements keep the span's length, so a
        correction's `position` is its offset in both the original and the corrected text.
        `before`: what was said just before (the previous sentence), where a term's context
        words and another domain term (`near_terms`) are also looked for: talk runs across
        sentences (可以换快递，| 顺风的 → 顺丰)."""
        if not text:
            return text, []
        text, latin = self._correct_latin(text)
        taken = [False] * len(text)
        chars = list(text)
        lead = before[-_CONTEXT_RADIUS:]
        corrections = self._apply(text, self._candidates(text, lead + text, len(lead)), chars, taken)
        # terms that need another term or a context word near look again once the first pass
        # has repaired those (归胶 → 硅胶 once 瞎单 is 下单, 杯声 → 杯身 once 不秀钢 is 不锈钢)
        if corrections:
            near = lead + "".join(chars)
            corrections += self._apply(text, self._candidates(text, near, len(lead)), chars, taken)
        corrected = "".join(chars)
        if self._dictionary is not None:
            self._protect_terms(corrected, taken)
            for start, word in self._dictionary.repairs(corrected, taken):
                end = start + len(word)
                corrections.append(
                    Correction(original=text[start:end], corrected=word, position=start, reason="dictionary")
                )
                corrected = corrected[:start] + word + corrected[end:]
        corrected, units = repair_units(corrected)
        corrections += latin + units
        links = {p.link for p in self.products if p.link}
        corrected, corrections = fix_link_numbers(corrected, corrections, links)
        return corrected, sorted(corrections, key=lambda c: c.position)

    def candidates(self, text: str, corrections: Sequence[Correction] = ()) -> list[Correction]:
        """Readings the strict rules refused, for a check against the audio (acoustic_check.py): every
        span of `text` (already corrected by `correct`) that sounds like a term, as `_lookup`
        matches them, and, with `dictionary_repair`, every non-word span that sounds exactly like
        a commoner dictionary word; outside the spans `corrections` made and the terms already
        written. No context is asked: the audio decides."""
        taken = [False] * len(text)
        for c in corrections:
            taken[c.position : c.position + len(c.corrected)] = [True] * len(c.corrected)
        for start, end in self._term_spans(text):
            taken[start:end] = [True] * (end - start)
        out: dict[tuple[int, str], Correction] = {}
        for start, end, entry, _exact in self._heard_terms(text, _text_readings(text), taken):
            term = entry.term
            if any(text[max(0, start - 3) : start].endswith(b) for b in term.blockers):
                continue
            out[(start, term.text)] = Correction(
                original=text[start:end], corrected=term.text, position=start, reason="pinyin-verified"
            )
        if self._dictionary is not None:
            for start, word in self._dictionary.alternatives(text, taken):
                out.setdefault(
                    (start, word),
                    Correction(
                        original=text[start : start + len(word)],
                        corrected=word,
                        position=start,
                        reason="dictionary-verified",
                    ),
                )
        return list(out.values())

    @staticmethod
    def _apply(
        text: str, candidates: list[tuple[int, _Entry, int]], chars: list[str], taken: list[bool]
    ) -> list[Correction]:
        """Write the candidates into `chars`, longest, then closest, first; spans never overlap."""
        corrections: list[Correction] = []
        for start, entry, exact in sorted(candidates, key=lambda c: (-len(c[1].syllables), -c[2], c[0])):
            end = start + len(entry.syllables)
            if any(taken[start:end]):
                continue
            original = text[start:end]
            chars[start:end] = list(entry.term.text)
            taken[start:end] = [True] * (end - start)
            reason = "product" if entry.is_product else "pinyin" if exact == len(original) else "pinyin-fuzzy"
            corrections.append(
                Correction(original=original, corrected=entry.term.text, position=start, reason=reason)
            )
        return corrections

    def _protect_terms(self, text: str, taken: list[bool]) -> None:
        # words the lexicon or the products spell correctly are never "repaired" to a dictionary word
        for start, end in self._term_spans(text):
            taken[start:end] = [True] * (end - start)

    def _term_spans(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of every term or product name written in `text`."""
        for start in range(len(text) - 1):
            for end in range(start + 2, min(len(text), start + self._max_len) + 1):
                if text[start:end] in self._texts:
                    yield start, end

    def _candidates(self, text: str, near: str, lead: int) -> list[tuple[int, _Entry, int]]:
        """Spans of `text` that may be mishearings of a term; `near` is the text (`text` after
        `lead` characters said before it, corrected in the second pass) in which context words
        and, for a `near_terms` term, another term are looked for."""
        words = _word_spans(text)
        return [
            (start, entry, exact)
            for start, end, entry, exact in self._heard_terms(text, _text_readings(text))
            if self._allowed(text, (near, lead), start, end, entry, words, exact)
        ]

    def _heard_terms(
        self, text: str, readings: list[tuple[str, ...]], skip: Sequence[bool] = ()
    ) -> Iterator[tuple[int, int, _Entry, int]]:
        """(start, end, entry, exact syllables) for every span of `text` that sounds like a term
        it is not already, whose numerals agree with the term's (none bent into another
        syllable); a span reaching a character marked in `skip` is not looked at."""
        for start in range(len(text)):
            for length in range(2, self._max_len + 1):
                end = start + length
                if end > len(text) or not all(readings[start:end]) or any(skip[start:end]):
                    break
                span = text[start:end]
                if span in self._texts:
                    continue
                for entry, exact in self._lookup(readings[start:end]):
                    if (
                        _numerals_agree(span, entry.term.text)
                        and not _numeral_misheard(span, entry, readings[start:end])
                        and _as_numerals(span) != entry.term.text
                    ):
                        yield start, end, entry, exact

    def _lookup(self, readings: list[tuple[str, ...]]) -> list[tuple[_Entry, int]]:
        """(entry, exact syllables) for every term the span may be a mishearing of. A match
        that is not exact on every syllable has exact < len(entry.syllables); `_allowed` asks
        more evidence of those."""
        combos = _combos(readings)
        keys = {tuple(_canonical(r) for r in combo) for combo in combos}
        hits: list[tuple[_Entry, int]] = []
        for key in keys:
            for entry in self._index.get(key, ()):
                exact = sum(s in r for s, r in zip(entry.syllables, readings, strict=True))
                fuzzy = len(entry.syllables) - exact
                if len(entry.syllables) == 2:
                    # two-character terms match exactly on each character's usual reading
                    # (猫 can be read miao, but 猫砂 is not 秒杀), or fuzzily with context
                    usual = sum(s == r[0] for s, r in zip(entry.syllables, readings, strict=True))
                    # a syllable heard fuzzily, through its usual reading (虾 is xia, not ha: 虾和 ≠ 发货)
                    folded = all(
                        s in r or _canonical(r[0]) == _canonical(s)
                        for s, r in zip(entry.syllables, readings, strict=True)
                    )
                    if usual == 2 or (fuzzy <= 1 and entry.term.context and folded):
                        hits.append((entry, usual))
                elif fuzzy <= len(entry.syllables) // 3:
                    hits.append((entry, exact))
        if len(readings) >= 3:  # one syllable off (百分半 for 百分百), every other one exact
            seen = {id(e) for e, _ in hits}
            heard = [r[0] for r in readings]
            for key in keys:
                for i in range(len(key)):
                    for entry, at in self._near.get(key[:i] + ("*",) + key[i + 1 :], ()):
                        if at != i or id(entry) in seen or not _near_miss(entry.syllables, heard, i):
                            continue
                        hits.append((entry, len(entry.syllables) - 1))
                        seen.add(id(entry))
        return hits

    def _allowed(
        self,
        text: str,
        near: tuple[str, int],
        start: int,
        end: int,
        entry: _Entry,
        words: list[tuple[int, int]],
        exact: int,
    ) -> bool:
        term = entry.term
        near_text, lead = near
        before = text[max(0, start - 3) : start]
        if any(before.endswith(b) for b in term.blockers):
            return False
        span = text[start:end]
        # heard exactly only through a rarer reading (给 as ji: 视频给 for 食品级) is a near match too
        usual = all(
            _readings(c)[:1] == (s,) or c == t
            for c, t, s in zip(span, term.text, entry.syllables, strict=True)
        )
        if (exact < len(entry.syllables) or not usual) and len(span) >= 3:
            other, shared = _words_in_span(text, start, term.text, words)
            # one syllable of three misheard next to a real word is too little to go on alone
            if other or (
                shared
                and len(span) == 3
                and not self._context_near(near_text, start + lead, end + lead, term)
            ):
                return False
        if term.before_number and _AMOUNT_RE.match(text, end):
            return True  # 劝后九十九: the amount says it is the price word
        if term.near_terms and not self._near_other_term(near_text, start + lead, end + lead):
            # a term of three or more syllables, heard exactly in each character's usual reading,
            # over no common word of its own and no very common character, can stand alone
            # (豆猫帮 → 逗猫棒; 都降级 holds 降级, 手机可 holds 可, 还喝的 is hai he de: they stay)
            if not self._stands_alone(text, start, entry, words):
                return False
        freq = jieba.dt.FREQ
        real_word = (
            freq.get(span, 0) > 0
            or span in KNOWN_WORDS
            or any((s < start < e) or (s < end < e) for s, e in words if e - s >= 2)
            # in a two-character span a very common character (有, 是, 在) is more likely
            # meant than misheard: 每包有十片 must not become 每包邮十片
            or (
                len(span) == 2
                and any(freq.get(c, 0) >= _COMMON_CHAR_FREQ for c in span if c not in term.text)
            )
        )
        # a two-character near-homophone (薄水 for 补水) is only a guess without context
        if not real_word and not (len(span) == 2 and exact < 2):
            return True
        if self._context_near(near_text, start + lead, end + lead, term):
            return True
        # a span of three or more heard on every syllable, in selling talk, is the term even
        # where it cuts a word (泡沫相加冰袋 → 泡沫箱加冰袋, 保制七十二 → 保质期十二)
        return (
            len(span) >= 3
            and exact == len(span)
            and usual
            and self._near_other_term(near_text, start + lead, end + lead)
        )

    @staticmethod
    def _stands_alone(text: str, start: int, entry: _Entry, words: list[tuple[int, int]]) -> bool:
        span = text[start : start + len(entry.syllables)]
        if len(span) < 3 or _words_in_span(text, start, entry.term.text, words, _RARE_WORD_FREQ)[0]:
            return False
        freq = jieba.dt.FREQ
        return all(
            c == t or (_readings(c)[:1] == (s,) and freq.get(c, 0) < _COMMON_CHAR_FREQ)
            for c, t, s in zip(span, entry.term.text, entry.syllables, strict=True)
        )

    @staticmethod
    def _context_near(text: str, start: int, end: int, term: LexiconTerm) -> bool:
        near = _around(text, start, end)
        return any(c in near for c in term.context)

    def _near_other_term(self, text: str, start: int, end: int) -> bool:
        """Another domain term within reach, or the span is what a gift is: 送一个争笼."""
        near = _around(text, start, end)
        return next(self._term_spans(near), None) is not None or bool(
            _GIFT_SLOT_RE.search(text[max(0, start - 6) : start])
        )

    def _correct_latin(self, text: str) -> tuple[str, list[Correction]]:
        # English product names (TikTok Shop hosts switch): fuzzy match on same-length word runs
        corrections: list[Correction] = []
        for name in self._latin:
            n_words = len(name.split())
            for match in _latin_runs(text, n_words):
                found = match.group(0)
                if found.lower() != name.lower() and fuzz.ratio(found.lower(), name.lower()) >= 85:
                    text = text[: match.start()] + name + text[match.end() :]
                    corrections.append(
                        Correction(original=found, corrected=name, position=match.start(), reason="product")
                    )
                    break
        return text, corrections


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
