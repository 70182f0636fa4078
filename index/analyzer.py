"""Text → index terms for Chinese live-commerce speech: jieba words, character bigrams, claim tags.

Chinese has no spaces, so a whitespace tokenizer sees one "word" per sentence. Words come from a
private jieba dictionary with the domain's words added (敏感肌, 运费险, product names); character
bigrams are a second field that still matches when ASR or jieba splits a word differently
(敏感机 for 敏感肌, an unknown brand name). Agents ask in their own words (赠品 where the host
said 送); a small glossary maps those words, and English ones, onto the host's vocabulary.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

import jieba

import lexicon
from models import ClaimType


def _search_words() -> tuple[tuple[str, ...], frozenset[str]]:
    return (
        tuple(t.text for t in lexicon.terms("search_words", "domain")),
        frozenset(t.text for t in lexicon.terms("search_words", "stopword")),
    )


def _glossary() -> dict[str, tuple[str, ...]]:
    """Agent's word → host's words, from lexicon/data/search_glossary.toml (each entry has a source)."""
    out: dict[str, tuple[str, ...]] = {}
    lexicon.terms("search_glossary", "synonym")  # validates sources and terms
    for group in lexicon.table("search_glossary").get("synonym", []):
        host = tuple(group.get("host", ()))
        if not host or not all(isinstance(h, str) and h for h in host):
            raise lexicon.LexiconError(f"search_glossary.toml: {group.get('terms')} has no host words")
        for word in group["terms"]:
            out[word] = out.get(word, ()) + host
    return out


def _by_type(section: str) -> dict[ClaimType, tuple[str, ...]]:
    out: dict[ClaimType, tuple[str, ...]] = {}
    for term in lexicon.terms("search_intents", section):
        try:
            kind = ClaimType(term.canonical)
        except ValueError as exc:
            raise lexicon.LexiconError(
                f"search_intents.toml: {term.canonical!r} is not a claim type"
            ) from exc
        out[kind] = out.get(kind, ()) + (term.text.lower(),)
    return out


DOMAIN_WORDS, STOPWORDS = _search_words()
GLOSSARY: dict[str, tuple[str, ...]] = _glossary()
# Claim-type words added to a claim-bearing utterance, so "赠品是什么" finds "再加一个化妆包".
CLAIM_TAGS: dict[ClaimType, tuple[str, ...]] = _by_type("tag")
# Question words that say which kind of promise a question asks about (几天发货 → shipping).
INTENT_WORDS: dict[ClaimType, tuple[str, ...]] = _by_type("intent")

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
_ASCII_WORD = re.compile(r"[a-z]+")


class JiebaAnalyzer:
    """Splits text into BM25 terms. Thread-safe; jieba's dictionary loads on first use."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._extra = tuple(extra_words)
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    def _tokenizer(self) -> jieba.Tokenizer:
        with self._lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()  # a private dictionary: other stages' add_word calls stay theirs
                for word in DOMAIN_WORDS + self._extra:
                    tok.add_word(word, freq=20000)
                self._jieba = tok
        return self._jieba

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the tokenizer more words (product names, brands); affects text analysed later."""
        tok = self._tokenizer()
        with self._lock:
            for word in words:
                if len(word) >= 2:
                    tok.add_word(word, freq=20000)

    def words(self, text: str) -> list[str]:
        """jieba search-mode words, lower-cased, stopwords and punctuation dropped."""
        out = []
        for w in self._tokenizer().lcut_for_search(text, HMM=False):  # no made-up words (送酸笋)
            w = w.strip().lower()
            if w and w not in STOPWORDS and _KEEP.search(w):
                out.append(w)
        return out

    @staticmethod
    def bigrams(text: str) -> list[str]:
        """Overlapping Han-character bigrams (single characters for one-character runs)."""
        out: list[str] = []
        for run in _HAN_RUN.findall(text):
            if len(run) == 1:
                if run not in STOPWORDS:
                    out.append(run)
                continue
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        return out

    def query_words(self, text: str) -> tuple[list[str], list[str]]:
        """(the query's own words, glossary expansions of them in the host's vocabulary)."""
        own = self.words(text)
        seen = set(own)
        expanded = []
        keys = own + [f"{a} {b}" for a, b in zip(own, own[1:], strict=False)]  # English two-word names
        for w in keys:
            for extra in glossary(w):
                if extra not in seen:
                    seen.add(extra)
                    expanded.append(extra)
        return own, expanded


def glossary(word: str) -> tuple[str, ...]:
    """The host's words for an agent's word, trying English singulars (tissues → tissue)."""
    if word in GLOSSARY:
        return GLOSSARY[word]
    if word.isascii():
        for suffix in ("s", "es", "ed", "d"):
            if word.endswith(suffix) and word[: -len(suffix)] in GLOSSARY:
                return GLOSSARY[word[: -len(suffix)]]
    return ()


def has_content(text: str) -> bool:
    """True when `text` has a letter or a digit (in any script): markup rows (|---|), emoji and
    punctuation alone are not sentences anyone searches for."""
    return any(ch.isalnum() for ch in text)


def intents(query: str) -> set[ClaimType]:
    """The claim types a question asks about, by its words (几天能发货 → {shipping}); empty if none."""
    q = query.lower()
    ascii_words = set(_ASCII_WORD.findall(q))
    out = set()
    for kind, words in INTENT_WORDS.items():
        for w in words:
            if (w in ascii_words or (" " in w and w in q)) if w.isascii() else w in q:
                out.add(kind)
                break
    return out
