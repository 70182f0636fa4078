"""Whisper segments → sentence-sized Utterances on the stream clock.

A Whisper segment can hold several sentences; the claims stage and search want one sentence
per utterance, with its own time span. Segments are split after 。！？ where word times allow,
texts are made Simplified and punctuated, and the domain corrector runs on each sentence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from models import Correction, Utterance, Word
from transcribe.normalize import clean_text, collapse_repeats, ensure_sentence_end, to_simplified

_SENTENCE_END = ("。", "！", "？", "!", "?")
_CLAUSE_END = ("，", ",", "；", ";", "、")

Corrector = Callable[[str], tuple[str, list[Correction]]]


@dataclass(frozen=True)
class TimedWord:
    """A Whisper word already on the stream clock (text as Whisper wrote it)."""

    start: float
    end: float
    text: str
    probability: float
    logprob: float = 0.0  # avg_logprob of the Whisper segment the word came from
    segment_end: bool = False  # the last word of its segment


def utterance_id(stream_id: str, t0: float) -> str:
    """Deterministic id: the same audio transcribed again gets the same ids."""
    return f"{stream_id}:u{max(0, round(t0 * 1000)):09d}"


def split_sentences(words: Sequence[TimedWord]) -> list[list[TimedWord]]:
    """Groups of words, each ending at a sentence-final mark (the last group may not)."""
    groups: list[list[TimedWord]] = [[]]
    for word in words:
        groups[-1].append(word)
        if word.text.strip().endswith(_SENTENCE_END):
            groups.append([])
    return [g for g in groups if "".join(w.text for w in g).strip()]


def split_long(
    groups: Sequence[Sequence[TimedWord]], max_s: float = 8.0, pause_s: float = 0.5, min_s: float = 1.0
) -> list[list[TimedWord]]:
    """Sentence-sized groups: a group longer than `max_s` (Whisper often writes only commas) is
    split before every word that follows a pause of at least `pause_s`, then, where a piece is
    still too long, after the comma nearest its middle. No piece is shorter than `min_s`."""
    out: list[list[TimedWord]] = []
    for group in groups:
        if not group or group[-1].end - group[0].start <= max_s:
            out.append(list(group))
            continue
        pieces: list[list[TimedWord]] = [[group[0]]]
        for prev, word in zip(group, group[1:], strict=False):
            piece = pieces[-1]
            if word.start - prev.end >= pause_s and prev.end - piece[0].start >= min_s:
                pieces.append([word])
            else:
                piece.append(word)
        if len(pieces) > 1 and pieces[-1][-1].end - pieces[-1][0].start < min_s:
            # pop first: `pieces[-2] += pieces.pop()` stores into the piece before, losing it
            last = pieces.pop()
            pieces[-1] += last
        for piece in pieces:
            out += _split_at_comma(piece, max_s, min_s)
    return out


def _split_at_comma(words: list[TimedWord], max_s: float, min_s: float) -> list[list[TimedWord]]:
    if words[-1].end - words[0].start <= max_s:
        return [words]
    middle = (words[0].start + words[-1].end) / 2
    cuts = [
        i
        for i, w in enumerate(words[:-1])
        if w.text.rstrip().endswith(_CLAUSE_END)
        and w.end - words[0].start >= min_s
        and words[-1].end - words[i + 1].start >= min_s
    ]
    if not cuts:
        return [words]
    at = min(cuts, key=lambda i: abs(words[i].end - middle)) + 1
    return _split_at_comma(words[:at], max_s, min_s) + _split_at_comma(words[at:], max_s, min_s)


def monotonic(words: Sequence[TimedWord], floor: float) -> list[TimedWord]:
    """Clamp word times so they never go backwards and never start before `floor`."""
    out: list[TimedWord] = []
    for w in words:
        start = max(w.start, out[-1].start if out else floor, floor)
        end = max(w.end, start)
        out.append(TimedWord(start, end, w.text, w.probability, w.logprob, w.segment_end))
    return out


def punctuate_segment_ends(words: Sequence[TimedWord], pause_s: float) -> list[TimedWord]:
    """Where a Whisper segment ends without punctuation: a full stop before a pause of at least
    `pause_s` (or at the end), a comma before a short breath (one sentence split by Whisper)."""
    out = list(words)
    for i, w in enumerate(out):
        text = w.text.rstrip()
        if not w.segment_end or not text or text[-1] in "。！？!?，,、；;：:":
            continue
        pause = out[i + 1].start - w.end if i + 1 < len(out) else pause_s
        mark = "。" if pause >= pause_s else "，"
        out[i] = TimedWord(w.start, w.end, text + mark, w.probability, w.logprob, w.segment_end)
    return out


def build_utterance(
    stream_id: str,
    words: Sequence[TimedWord],
    corrector: Corrector | None,
) -> Utterance | None:
    """One Utterance from the words of one sentence, or None when nothing is left to say.
    Its confidence is exp of the mean segment log-probability of its words."""
    avg_logprob = sum(w.logprob for w in words) / len(words)
    raw = to_simplified("".join(w.text for w in words)).strip()
    text = ensure_sentence_end(clean_text(collapse_repeats(raw)))
    if not any(ch.isalnum() for ch in text):
        return None
    corrections: list[Correction] = []
    if corrector is not None:
        text, corrections = corrector(text)
    t0, t1 = words[0].start, max(w.end for w in words)
    return Utterance(
        id=utterance_id(stream_id, t0),
        stream_id=stream_id,
        t0=round(t0, 3),
        t1=round(t1, 3),
        text=text,
        raw_text=raw,
        words=_corrected_words(words, text, corrections),
        confidence=round(math.exp(min(0.0, avg_logprob)), 4),
        corrections=corrections,
    )


def _corrected_words(words: Sequence[TimedWord], text: str, corrections: list[Correction]) -> list[Word]:
    """Words in Simplified characters, with corrected characters carried into them so the words
    read like the text; the original spelling stays in the utterance's corrections."""
    out = [
        Word(
            start=round(w.start, 3),
            end=round(w.end, 3),
            text=to_simplified(w.text).strip(),
            probability=round(w.probability, 4),
        )
        for w in words
    ]
    for c in corrections:
        if len(c.original) != len(c.corrected):
            continue
        for i, word in enumerate(out):
            if c.original in word.text:
                out[i] = word.model_copy(update={"text": word.text.replace(c.original, c.corrected, 1)})
                break
        else:
            _fix_across_words(out, c)
    return out


def _fix_across_words(out: list[Word], c: Correction) -> None:
    # a corrected term spanning several Whisper tokens (敏感 + 机): rewrite character by character
    joined = "".join(w.text for w in out)
    at = joined.find(c.original)
    if at < 0:
        return
    pos = 0
    for i, word in enumerate(out):
        lo, hi = max(at, pos), min(at + len(c.original), pos + len(word.text))
        if lo < hi:
            chars = list(word.text)
            chars[lo - pos : hi - pos] = c.corrected[lo - at : hi - at]
            out[i] = word.model_copy(update={"text": "".join(chars)})
        pos += len(word.text)
