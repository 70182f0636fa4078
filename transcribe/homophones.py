"""General-vocabulary homophone repair from jieba's own dictionary (a unigram language model).

Whisper base often writes a non-word that sounds exactly like a common word: 停制 for 停滞,
压碎钱 for 压岁钱. A span is replaced only when all of these hold: it is not a word of its own
(or a very rare one) and does not cut through a word, a dictionary word with the very same
pinyin *including tones* exists, and that word is common (at least `min_freq` in jieba's
counts and `ratio` times more frequent than the span). Domain terms are handled before this
by the DomainCorrector, whose spans are left alone here.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from functools import lru_cache

import jieba
from pypinyin import Style, lazy_pinyin, pinyin

_CJK_RE = re.compile(r"^[\u3400-\u9fff]+$")


@lru_cache(maxsize=8192)
def _toned(char: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(pinyin(char, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0])
    )


class DictionaryHomophones:
    """Index of jieba words (2–4 characters, frequency ≥ `min_freq`) by toned pinyin; built on first use."""

    def __init__(self, min_freq: int = 40, ratio: float = 10.0, max_span_freq: int = 5) -> None:
        self.min_freq = min_freq
        self.ratio = ratio
        self.max_span_freq = max_span_freq
        self.common_char_freq = 50_000
        self._index: dict[tuple[str, ...], tuple[str, int]] | None = None
        self._lock = threading.Lock()

    def _build(self) -> dict[tuple[str, ...], tuple[str, int]]:
        with self._lock:
            if self._index is None:
                jieba.initialize()
                index: dict[tuple[str, ...], tuple[str, int]] = {}
                for word, freq in jieba.dt.FREQ.items():
                    if freq < self.min_freq or not 2 <= len(word) <= 4 or not _CJK_RE.match(word):
                        continue
                    key = tuple(lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True))
                    if key not in index or index[key][1] < freq:
                        index[key] = (word, freq)
                self._index = index
            return self._index

    def repairs(self, text: str, protected: list[bool]) -> list[tuple[int, str]]:
        """(start, word) replacements for `text`, non-overlapping, longest span first;
        characters marked in `protected` are never touched."""
        taken = list(protected)
        found: list[tuple[int, str]] = []
        # two-character spans: far too many false repairs on real chat (都是→都市)
        for start, word in self._matches(text, taken, (4, 3)):
            found.append((start, word))
            taken[start : start + len(word)] = [True] * len(word)  # seen by the spans after it
        return sorted(found)

    def alternatives(self, text: str, protected: list[bool]) -> list[tuple[int, str]]:
        """(start, word) for every span of 2–4 characters that is no word (or a very rare one),
        cuts through none, holds no very common character, and sounds exactly like a commoner
        dictionary word, tones included: candidates for a check against the audio (acoustic_check.py),
        which the text alone could not decide (停制 → 停滞). Overlapping spans are all offered."""
        return list(self._matches(text, protected, (4, 3, 2)))

    def _matches(
        self, text: str, protected: list[bool], lengths: tuple[int, ...]
    ) -> Iterator[tuple[int, str]]:
        """Spans of the given lengths, longest first, that a commoner dictionary word sounds
        exactly like; `protected` is read as the spans are visited."""
        index = self._build()
        freq = jieba.dt.FREQ
        bounds = _word_bounds(text)
        for length in lengths:
            for start in range(0, len(text) - length + 1):
                end = start + length
                span = text[start:end]
                if any(protected[start:end]) or not _CJK_RE.match(span):
                    continue
                if freq.get(span, 0) > self.max_span_freq or start not in bounds or end not in bounds:
                    continue
                # 的/是/不/一 are more likely said than misheard (青岛是 is not 青岛市)
                if any(freq.get(c, 0) >= self.common_char_freq for c in span):
                    continue
                best = self._best(span, index)
                if best and best[1] >= max(self.min_freq, self.ratio * (freq.get(span, 0) + 1)):
                    yield start, best[0]

    @staticmethod
    def _best(span: str, index: dict[tuple[str, ...], tuple[str, int]]) -> tuple[str, int] | None:
        best: tuple[str, int] | None = None
        options = [_toned(c) for c in span]
        for key in itertools.islice(itertools.product(*options), 16):
            hit = index.get(key)
            if hit and hit[0] != span and sum(a != b for a, b in zip(hit[0], span, strict=True)) < len(span):
                if best is None or hit[1] > best[1]:
                    best = hit
        return best


def _word_bounds(text: str) -> set[int]:
    """Offsets where jieba puts a word boundary: a repair may not cut through a word."""
    bounds, pos = {0}, 0
    for token in jieba.lcut(text, HMM=False):
        pos += len(token)
        bounds.add(pos)
    return bounds
