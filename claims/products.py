"""Product attribution: which product of the `--products` list a claim is about.

A product is mentioned by name or alias (pinyin-tolerant: the names are also repaired in the
canonical text) or by link number (1号链接, 链接3, 三号宝贝). Within an utterance a claim goes
to the nearest mention before it (else the first after it); without any mention it goes to the
product the stream is presenting, i.e. the last one mentioned (`ProductTracker`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claims.quantities import NUM, to_number
from claims.text import TermRepairer, fold_width
from models import Product

_LINK = re.compile(rf"({NUM})\s*号(?:链接|宝贝|商品|产品|车)|链接\s*({NUM})(?!\s*(?:块|元))|(?:拍|上|看)\s*({NUM})\s*号")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    product_id: str


class ProductCatalog:
    """The stream's products; cheap to build, no I/O."""

    def __init__(self, products: Sequence[Product] = ()) -> None:
        self.products = tuple(products)
        self._names: list[tuple[str, str]] = []
        for p in self.products:
            for name in (p.name, *p.aliases):
                folded = fold_width(name).strip()
                if folded:
                    self._names.append((folded, p.id))
        self._names.sort(key=lambda x: len(x[0]), reverse=True)
        self._by_link = {p.link: p.id for p in self.products if p.link is not None}
        self.repairer = TermRepairer([n for n, _ in self._names]) if self._names else None

    def __bool__(self) -> bool:
        return bool(self.products)

    def mentions(self, canonical: str) -> list[Mention]:
        """Name, alias and link-number mentions in canonical text, in order, non-overlapping."""
        found: list[Mention] = []
        taken = [False] * len(canonical)
        for name, pid in self._names:
            for m in re.finditer(re.escape(name), canonical):
                if not any(taken[m.start() : m.end()]):
                    found.append(Mention(m.start(), m.end(), pid))
                    taken[m.start() : m.end()] = [True] * (m.end() - m.start())
        for m in _LINK.finditer(canonical):
            n = to_number(next(g for g in m.groups() if g))
            if isinstance(n, int) and n in self._by_link:
                found.append(Mention(m.start(), m.end(), self._by_link[n]))
        return sorted(found, key=lambda x: x.start)


def attribute(mentions: list[Mention], start: int, current: str | None) -> str | None:
    """The product for a claim starting at `start`: nearest mention before it, else first after, else `current`."""
    before = [m for m in mentions if m.start <= start]
    if before:
        return before[-1].product_id
    return mentions[0].product_id if mentions else current
