"""Rule matching over one text: candidates, negation/question filters, overlap resolution.

Returns `Found` spans on the canonical text (same offsets as the original). Overlaps of the
same type merge into one claim (48小时内顺丰发货 → within_hours and carrier together); a spec or
efficacy match inside another claim's span is dropped (送一片补水面膜 is a gift, not efficacy).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from claims.clauses import Clause, clause_at, clauses, is_hedged, is_negated, is_unasserted
from claims.risks import VOCABULARY as RISK_VOCABULARY
from claims.rule import Hit
from claims.text import DOMAIN_TERMS, TermRepairer
from claims.types import RULES, VOCABULARY
from models import ClaimType

_YIELDING = (ClaimType.SPEC, ClaimType.EFFICACY)
_HARD_STOP = "。！？!?"
MAX_QUOTE = 30
REPAIRER = TermRepairer((*DOMAIN_TERMS, *VOCABULARY, *RISK_VOCABULARY))


@dataclass
class Found:
    type: ClaimType
    start: int
    end: int
    value: dict[str, Any]
    rule: str
    clause: Clause
    extra: list[str] = field(default_factory=list)
    hedged: bool = False


def _region_start(text: str, parts: list[Clause], clause: Clause) -> int:
    idx = bisect.bisect_left(parts, clause.start, key=lambda c: c.start)
    if idx == 0:
        return clause.start
    prev = parts[idx - 1]
    gap = text[prev.end : clause.start]
    return clause.start if any(c in _HARD_STOP for c in gap) else prev.start


def candidates(text: str, withheld: list[Found] | None = None) -> list[Found]:
    """Every asserted rule match in canonical `text` (negated or questioned ones removed; hedged ones
    marked). With `withheld`, the removed matches are appended to it (value {}): a negation or a
    question about a promise, which the classifier must not turn back into the promise."""
    parts = clauses(text)
    out: list[Found] = []
    for r in RULES:
        for m in r.pattern.finditer(text):
            if m.end() == m.start():
                continue
            clause = clause_at(parts, m.start())
            if is_negated(text, clause, m.start(), m.end()) or is_unasserted(text, clause, m.start(), m.end()):
                if withheld is not None:
                    withheld.append(Found(r.type, m.start(), m.end(), {}, r.name, clause))
                continue
            value = r.build(Hit(m, text, clause, _region_start(text, parts, clause)))
            if value is None:
                continue
            out.append(Found(r.type, m.start(), m.end(), value, r.name, clause,
                             hedged=is_hedged(text, clause, m.start())))
    return out


def _merge(into: Found, other: Found) -> None:
    for k, v in other.value.items():
        if into.value.get(k) is None and v is not None:
            into.value[k] = v
    into.start, into.end = min(into.start, other.start), max(into.end, other.end)
    into.extra.append(other.rule)
    into.hedged = into.hedged and other.hedged


def resolve(found: list[Found]) -> list[Found]:
    """Merge same-type overlaps, drop yielding types inside other claims; order by position."""
    found = sorted(found, key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Found] = []
    last: dict[Any, Found] = {}  # per type, the kept claim that starts last (only it can overlap f)
    for f in found:
        same = last.get(f.type)
        if same is not None and f.start < same.end and same.start < f.end:
            _merge(same, f)
            continue
        kept.append(f)
        last[f.type] = f
    kept.sort(key=lambda f: (f.start, -(f.end - f.start), f.type in _YIELDING))
    final: list[Found] = []
    reach = -1  # the furthest end of a non-yielding claim starting at or before f
    for f in kept:
        if f.type not in _YIELDING:
            reach = max(reach, f.end)
        elif reach >= f.end:
            continue
        final.append(f)
    return final


def quote_span(text: str, f: Found) -> tuple[int, int]:
    """The clause around the match, or a window of it when the clause is long (unpunctuated ASR)."""
    start, end = min(f.clause.start, f.start), max(f.clause.end, f.end)
    if end - start > MAX_QUOTE:
        start, end = max(start, f.start - 10), min(end, f.end + 8)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find(text: str, withheld: list[Found] | None = None) -> list[Found]:
    """Resolved asserted rule claims of `text` (see `candidates` for `withheld`)."""
    return resolve(candidates(text, withheld))
