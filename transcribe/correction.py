"""Domain-term correction: homophone errors on promise words, found by pinyin similarity.

Whisper base hears 发货 as 发火 and 包邮 as 包油. A span of the text whose toneless pinyin
matches a lexicon term or one of the stream's product names (allowing the confusions
Mandarin speakers and ASR make: z/zh, c/ch, s/sh, n/l, en/eng, in/ing, an/ang) is replaced
by the term. When the span is itself an ordinary word (发火, 连接) or cuts through one, the
correction needs one of the term's context words nearby; a blocker word vetoes it. Every
replacement is returned as a `Correction`, so the original words stay on record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import jieba
from rapidfuzz import fuzz

from models import Correction, Product
from transcribe.homophones import DictionaryHomophones
from transcribe.pinyin_match import (
    _AMOUNT_RE,
    _CONTEXT_RADIUS,
    _GIFT_SLOT_RE,
    _around,
    _as_numerals,
    _canonical,
    _combos,
    _Entry,
    _latin_runs,
    _near_miss,
    _numeral_misheard,
    _numerals_agree,
    _readings,
    _term_syllables,
    _text_readings,
    _word_spans,
    _words_in_span,
)
from transcribe.quantities import fix_link_numbers, repair_units
from transcribe.terms import COMMERCE_LEXICON, KNOWN_WORDS, LexiconTerm

_COMMON_CHAR_FREQ = 50_000  # jieba counts; 有 423,765, 时 103,735, 油 5,665
_RARE_WORD_FREQ = 50  # a jieba word rarer than this inside a span is no evidence it was said (鸟店)


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
