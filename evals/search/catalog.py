"""Products and the host's sentence templates for the generated live-commerce corpus.

Every product has its own facts (what it gives away, how it ships, its return terms …); the
templates are how hosts say such things on Douyin/Kuaishou, with the filler talk around them.
Both are data: `data/products.jsonl` (one product a line) and `data/templates.toml`.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    short: str  # what the host calls it mid-pitch: 这个{short}
    category: str
    facts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    products: tuple[Item, ...]
    claim_templates: dict[tuple[str, str], tuple[str, ...]]  # (claim type, value key) → phrasings
    risk_templates: dict[str, tuple[str, ...]]  # risk rule → risky lines
    product_talk: tuple[str, ...]  # the first one opens every pitch
    chatter: tuple[str, ...]
    homophones: tuple[tuple[str, str], ...]  # (right, wrong)


@cache
def load_catalog(directory: Path = DATA) -> Catalog:
    """The products and templates in `directory`, in file order (the generator is seeded, so
    the order is part of the corpus). Raises ValueError naming a file with a malformed entry."""
    try:
        with (directory / "products.jsonl").open(encoding="utf-8") as f:
            products = tuple(Item(**json.loads(line)) for line in f if line.strip())
        t = tomllib.loads((directory / "templates.toml").read_text(encoding="utf-8"))
        return Catalog(
            products=products,
            claim_templates={(c["type"], c["key"]): tuple(c["templates"]) for c in t["claim"]},
            risk_templates={rule: tuple(lines) for rule, lines in t["risk"].items()},
            product_talk=tuple(t["product_talk"]),
            chatter=tuple(t["chatter"]),
            homophones=tuple((right, wrong) for right, wrong in t["homophones"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed search catalog in {directory}: {exc!r}") from exc
