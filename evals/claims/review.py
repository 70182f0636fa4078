"""Precision by reading: verdicts on sampled claims and risk flags of real streamer speech.

A review file (`livechat_review.json`, `livechat_risk_review.json`) holds ids and verdicts only,
never corpus text: an id is `line:type:sha1(quote)[:8]` (or `line:rule:...` for a risk flag).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def claim_key(line: int, type_: str, quote: str) -> str:
    """A sampled claim's id: line, type and a hash of its quote (the review file stores no corpus text)."""
    return f"{line}:{type_}:{hashlib.sha1(quote.encode('utf-8')).hexdigest()[:8]}"


def reviewed_precision(sample: list[dict[str, Any]], review: Path) -> dict[str, Any]:
    """Precision by reading, from the verdicts in `review` whose ids match the sampled claims.

    Verdicts are "correct", "wrong" or "unclear"; only "correct" counts as correct. The precision
    is given only when every sampled claim has a verdict (else the ids to read are listed)."""
    if not review.is_file():
        return {"review_file": None}
    verdicts = {v["id"]: v["verdict"] for v in json.loads(review.read_text(encoding="utf-8"))["verdicts"]}
    ids = [s["id"] for s in sample]
    missing = [i for i in ids if i not in verdicts]
    counts = {k: sum(verdicts.get(i) == k for i in ids) for k in ("correct", "wrong", "unclear")}
    return {
        "review_file": review.name,
        "sampled": len(ids),
        "reviewed": len(ids) - len(missing),
        **counts,
        "unreviewed": missing,
        "precision": round(counts["correct"] / len(ids), 3) if ids and not missing else None,
    }


def reading_before(review: Path) -> dict[str, Any] | None:
    """The recorded reading of every flag the earlier rules raised (a fixed record, not re-run)."""
    if not review.is_file():
        return None
    before = json.loads(review.read_text(encoding="utf-8")).get("before")
    if not before:
        return None
    verdicts = [v["verdict"] for v in before["verdicts"]]
    return {
        "rules_commit": before["rules_commit"],
        "flags": before["flags"],
        "per_1000": before["per_1000"],
        "read_ids": len(verdicts),
        **{k: verdicts.count(k) for k in ("correct", "wrong", "unclear")},
    }
