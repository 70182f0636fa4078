"""Domain knowledge as data: one copy of the words every stage needs, each entry with its source.

The files under `lexicon/data/` are TOML. A *term file* is a list of groups; every group names
where its entries come from (a law's article, a platform's published rule, a company's
registered name, the team's own knowledge of a trade) and lists its terms:

    [[group]]
    source = "中华人民共和国广告法（2021修正）第九条第三项"
    canonical = "顺丰"          # optional: what every term of the group normalises to
    attribute = "容量"          # optional: the property the terms name or measure (spec units)
    tags = ["strong"]           # optional: free labels a stage may select on
    terms = ["顺丰", "顺丰速运"]

`terms(name)` reads `lexicon/data/{name}.toml` once per process and returns typed `Term`s; a
missing file or a group without a source raises `LexiconError`. Stages never open these files
themselves: they take the terms they need through their constructors or call the typed
accessors here, so that carriers, audiences or risk words exist in exactly one place.

Public surface: `Term`, `LexiconError`, `terms`, `table`, `data_path`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["LexiconError", "Term", "data_path", "table", "terms"]

_DATA = Path(__file__).resolve().parent / "data"


class LexiconError(ValueError):
    """A lexicon file is missing or malformed (a group without a source, a term that is not text)."""


@dataclass(frozen=True)
class Term:
    """One entry: the text as people say or write it, where it comes from, what it normalises to."""

    text: str
    source: str
    canonical: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    attribute: str = ""

    @property
    def value(self) -> str:
        """The canonical form, or the text itself when the group names none."""
        return self.canonical or self.text


def data_path(name: str) -> Path:
    return _DATA / f"{name}.toml"


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed TOML of `lexicon/data/{name}.toml` (cached; callers must not mutate it)."""
    path = data_path(name)
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as exc:
        raise LexiconError(f"no lexicon file {path.name} in {_DATA}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path.name}: not valid TOML ({exc})") from exc


@cache
def terms(name: str, section: str = "group") -> tuple[Term, ...]:
    """Every term of the groups in `[[section]]` of `lexicon/data/{name}.toml`, in file order."""
    out: list[Term] = []
    for n, group in enumerate(table(name).get(section, []), start=1):
        source = group.get("source")
        if not isinstance(source, str) or not source.strip():
            raise LexiconError(f"{name}.toml: [[{section}]] number {n} has no source")
        words = group.get("terms", [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise LexiconError(f"{name}.toml: [[{section}]] number {n}: terms must be a list of non-empty strings")
        tags = tuple(group.get("tags", ()))
        canonical = group.get("canonical", "")
        attribute = group.get("attribute", "")
        out += [Term(w, source, canonical, tags, attribute) for w in words]
    return tuple(out)
