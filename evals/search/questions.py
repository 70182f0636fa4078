"""Questions after-sales agents type, in their own words (not the host's), with what answers them.

A question over the generated corpus (`data/questions.jsonl`) is answered by the utterances
carrying a claim of `type` (with value key `key`, if given) for `product`, or carrying risk
`risk`. A question over the sample stream (`data/sample_questions.jsonl`) is answered by the
sentences containing one of `texts` (or a claim of `type`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Question:
    q: str
    product: str | None = None
    type: str | None = None
    key: str | None = None
    risk: str | None = None
    stream: str | None = None  # the agent already knows which stream the ticket is about
    texts: tuple[str, ...] = ()


def _load(path: Path, **fixed: str) -> tuple[Question, ...]:
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    try:
        return tuple(Question(**{**r, "texts": tuple(r.get("texts", ())), **fixed}) for r in rows)
    except TypeError as exc:
        raise ValueError(f"malformed question in {path}: {exc}") from exc


@cache
def corpus_questions() -> tuple[Question, ...]:
    """The questions over the generated corpus, in file order."""
    return _load(DATA / "questions.jsonl")


@cache
def sample_questions() -> tuple[Question, ...]:
    """The questions over the bundled sample stream (stream "sample"), in file order."""
    return _load(DATA / "sample_questions.jsonl", stream="sample")
