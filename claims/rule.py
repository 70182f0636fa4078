"""The shape of a claim rule: a regex over canonical text plus a value builder.

A builder receives a `Hit` (the match and the text around it) and returns the normalised value
dict, or None to reject the match (e.g. a 送 that is really 送到 delivery).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from claims.clauses import Clause, event_condition
from models import ClaimType

Value = dict[str, Any]


@dataclass(frozen=True)
class Hit:
    m: re.Match[str]
    text: str  # canonical text of the whole utterance
    clause: Clause
    region_start: int  # where conditions may start: this clause, or the one before it

    @property
    def prefix(self) -> str:
        """Text of this clause up to the end of the match (where event conditions are read)."""
        return self.text[self.clause.start : self.m.end()]

    @property
    def before(self) -> str:
        """Text of this clause before the match."""
        return self.text[self.clause.start : self.m.start()]

    @property
    def previous_clause(self) -> str:
        """The clause before this one when only a comma or pause separates them, else ''."""
        return self.text[self.region_start : self.clause.start] if self.region_start < self.clause.start else ""

    @property
    def clause_text(self) -> str:
        return self.text[self.clause.start : self.clause.end]

    def group(self, n: int | str) -> str:
        """The group's text, "" when it did not take part in the match."""
        return self.m.group(n) or ""


Builder = Callable[[Hit], Value | None]


@dataclass(frozen=True)
class Rule:
    type: ClaimType
    pattern: re.Pattern[str]
    build: Builder
    name: str = ""


def rule(type_: ClaimType, pattern: str, name: str = "") -> Callable[[Builder], Rule]:
    """Decorator: `@rule(ClaimType.SHIPPING, r"...")` turns a builder into a Rule."""

    def wrap(fn: Builder) -> Rule:
        return Rule(type_, re.compile(pattern), fn, name or fn.__name__)

    return wrap


def const(type_: ClaimType, pattern: str, value: Value, name: str = "") -> Rule:
    """A rule whose value does not depend on the match."""
    return Rule(type_, re.compile(pattern), lambda _hit: dict(value), name or pattern[:20])


def event_near(h: Hit) -> str | None:
    """The triggering event (过敏, 破损, 不满意…) of a return or compensation promise: in the match's
    clause up to the match, else in the previous clause unless that one has a promise of its own."""
    cond = event_condition(h.prefix)
    prev = h.previous_clause
    if cond is None and prev and not re.search(r"赔|退|换|补发", prev):
        cond = event_condition(prev)
    return cond
