"""Helpers for re-decoding the speech Whisper skipped in a window (see `_decode_covering`).

Whisper's segments carry times relative to the audio it was given; a stretch decoded on its
own is shifted back onto the window's clock, and the first stretch no word covers is found
from the words' own times.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def shift_segment(segment: Any, by: float) -> Any:
    """A faster-whisper Segment moved `by` seconds later (its words too)."""
    if not by:
        return segment
    words = [dataclasses.replace(w, start=w.start + by, end=w.end + by) for w in (segment.words or [])]
    return dataclasses.replace(
        segment, start=segment.start + by, end=segment.end + by, words=words or segment.words
    )


def first_gap(
    segments: list[Any], duration: float, min_gap: float, tried: set[tuple[float, float]]
) -> tuple[float, float] | None:
    """The first stretch of at least `min_gap` seconds that no word covers, not yet tried."""
    spans = sorted((w.start, w.end) for seg in segments for w in (seg.words or [])) or sorted(
        (seg.start, seg.end) for seg in segments
    )
    edge = 0.0
    for start, end in [*spans, (duration, duration)]:
        if start - edge >= min_gap:
            gap = (round(max(0.0, edge - 0.1), 2), round(min(duration, start + 0.1), 2))
            if gap not in tried:
                return gap
        edge = max(edge, end)
    return None


def first_word_start(segment: Any) -> float:
    # a segment's own start can reach back over speech Whisper skipped; its words cannot
    return float(segment.words[0].start) if segment.words else float(segment.start)
