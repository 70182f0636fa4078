"""`onrecord extract --jsonl`: {"id","text"} lines in, contract-shaped dicts out.

Out: {"id", "claims": [{"type", "quote", "value"}], "risks": [{"rule", "quote"}]} — risks are all
risks of the text, attached to a claim or not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from claims.extractor import ClaimExtractor, Room
from models import Claim, InputError, Risk


def to_contract(id_: Any, claims: list[Claim], risks: list[Risk]) -> dict[str, Any]:
    return {
        "id": id_,
        "claims": [{"type": c.type.value, "quote": c.quote, "value": c.value} for c in claims],
        "risks": [{"rule": r.rule.value, "quote": r.quote} for r in risks],
    }


def extract_jsonl(lines: Iterable[str], extractor: ClaimExtractor | None = None) -> Iterator[dict[str, Any]]:
    """One contract dict per non-blank input line. Raises InputError naming the line that is not
    a JSON object with a string "text" (an "id" is passed through; the line number is used if absent)."""
    yield from extract_rows(_parse(lines), extractor)


def _parse(lines: Iterable[str]) -> Iterator[tuple[Any, str]]:
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: not JSON ({exc.msg}); expected {{\"id\", \"text\"}}") from exc
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise InputError(f"line {n}: expected a JSON object with a string \"text\"")
        yield row.get("id", n), row["text"]


def extract_rows(
    rows: Iterable[tuple[Any, str]], extractor: ClaimExtractor | None = None
) -> Iterator[dict[str, Any]]:
    """One contract dict per (id, text), texts extracted in batches (one embedding call each). The
    input is one room (claims.extractor.Room): a file of chat lines is read as a chat room."""
    ex = extractor or ClaimExtractor()
    room = Room()
    batch: list[tuple[Any, str]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield from _flush(ex, batch, room)
    yield from _flush(ex, batch, room)


BATCH = 64  # lines per batch: the classifier and the embedder cost per call, not per sentence


def _flush(ex: ClaimExtractor, batch: list[tuple[Any, str]], room: Room) -> Iterator[dict[str, Any]]:
    results = ex.extract_texts([text for _, text in batch], room=room)
    out = [to_contract(id_, claims, risks) for (id_, _), (claims, risks) in zip(batch, results, strict=True)]
    batch.clear()
    yield from out


def extract_text(text: str, extractor: ClaimExtractor | None = None) -> dict[str, Any]:
    """`onrecord extract --text T`: the same shape, id None."""
    claims, risks = (extractor or ClaimExtractor()).extract_text(text)
    return to_contract(None, claims, risks)
