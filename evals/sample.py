"""Score extracted claims against a ground-truth file (the sample stream's `*.truth.json`).

Used by `scripts/eval_sample.py` and the walking-skeleton test; the truth file itself stays
with the sample stream (its path is the caller's).

A ground-truth claim is found by an extracted claim of the same type whose span lies within
the sentence's span widened by `tolerance` seconds; each extracted claim is used at most once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from models import Claim


def score_claims(claims: Sequence[Claim], truth: dict[str, Any], tolerance: float = 1.5) -> dict[str, Any]:
    """Per type: ground-truth count, found, extra (extracted claims matching nothing); plus the misses."""
    expected: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    used: set[str] = set()
    misses: list[str] = []
    for s in truth["sentences"]:
        for c in s["claims"]:
            expected[c["type"]] += 1
            hit = next(
                (
                    f
                    for f in claims
                    if f.id not in used
                    and f.type.value == c["type"]
                    and f.t0 >= s["start"] - tolerance
                    and f.t1 <= s["end"] + tolerance
                ),
                None,
            )
            if hit is None:
                misses.append(f"{c['type']} @ {s['start']:.1f}s: {s['text']}")
            else:
                matched[c["type"]] += 1
                used.add(hit.id)
    extra = Counter(f.type.value for f in claims if f.id not in used)
    per_type = {
        k: {"truth": expected[k], "found": matched[k], "extra": extra[k]}
        for k in sorted(set(expected) | set(extra))
    }
    total = sum(expected.values())
    return {
        "truth": total,
        "found": sum(matched.values()),
        "extracted": len(claims),
        "recall": round(sum(matched.values()) / total, 3) if total else 0.0,
        "per_type": per_type,
        "misses": misses,
    }
