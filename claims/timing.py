"""Narrow a character span of an utterance to the time of the words that say it."""

from __future__ import annotations

from claims.text import is_punct
from models import Utterance


def span_times(utt: Utterance, start: int, end: int) -> tuple[float, float]:
    """(t0, t1) of text[start:end] from the utterance's word timestamps; the utterance span without words.

    Words and text are aligned on their non-punctuation characters; when the counts differ (text was
    corrected or normalised after ASR) the alignment is proportional, which stays within a word or two.
    """
    if not utt.words:
        return utt.t0, utt.t1
    owner: list[int] = []  # word index of each non-punctuation character of the words
    for i, w in enumerate(utt.words):
        owner += [i] * sum(1 for ch in w.text if not is_punct(ch))
    text_pos = [i for i, ch in enumerate(utt.text) if not is_punct(ch)]
    inside = [k for k, pos in enumerate(text_pos) if start <= pos < end]
    if not owner or not inside:
        return utt.t0, utt.t1
    if len(owner) == len(text_pos):
        first, last = owner[inside[0]], owner[inside[-1]]
    else:
        scale = len(owner) / len(text_pos)
        first = owner[min(len(owner) - 1, int(inside[0] * scale))]
        last = owner[min(len(owner) - 1, int(inside[-1] * scale))]
    return utt.words[first].start, utt.words[last].end
