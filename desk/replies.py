"""Suggested replies: the merchant's template for a claim type (lexicon `reply_templates`), typed."""

from __future__ import annotations

from lexicon import LexiconError, table
from models import ClaimType, ReplyTemplate


def reply_templates(name: str = "reply_templates") -> list[ReplyTemplate]:
    """Every template, one per claim type plus the one for no claim (`claim_type` None); LexiconError when a
    template has no source or names an unknown claim type."""
    out = []
    for row in table(name).get("template", []):
        if not row.get("source"):
            raise LexiconError(f"{name}: a template without a source: {row!r}")
        try:
            kind = ClaimType(row["type"]) if row.get("type") else None
            out.append(ReplyTemplate(claim_type=kind, zh=row["zh"], en=row["en"], source=row["source"]))
        except (KeyError, ValueError) as exc:
            raise LexiconError(f"{name}: bad template {row!r}: {exc}") from exc
    return out
