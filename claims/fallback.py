"""Embedding-similarity fallback for promises the rules do not list.

Conservative by construction, so it does not flood chatty streams with claims: a clause is only
considered when (1) no rule claim came from it, (2) it carries a promise cue of some type (发/寄
for shipping, 退/换 for returns, 送 for gifts ...), (3) it is not a question, negation or hedge.
It is then embedded and compared with reference sentences per claim type and with non-promise
references (chit-chat, questions, refusals). It becomes a claim of type T only when T's best
similarity beats the best non-promise similarity by `margin`, and T has a cue in the clause.
Both sides use the symmetric "query: " prompt (e5's advice for sentence similarity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from claims.clauses import order_condition
from claims.references import CUES, NON_PROMISE, REFERENCES
from claims.types.gift import counted_item
from models import ClaimType

_NEG = re.compile(r"不|没|别|无法|拒绝|吗|？|\?|能不能|可不可以|有没有|是不是|会不会|可能|也许|大概|好像"
                  r"|送我|给我|你送|他送|她送|谁送|大哥")  # viewers' gifts to the host are not promises


class TextEmbedder(Protocol):
    """What the fallback needs from an embedding model: L2-normalised rows, one per text."""

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class FallbackHit:
    type: ClaimType
    value: dict[str, Any]
    score: float
    margin: float


def eligible(clause: str) -> list[ClaimType]:
    """Claim types whose cue words occur in `clause` (empty: not worth embedding)."""
    if len(clause) < 4 or _NEG.search(clause):
        return []
    return [t for t, cue in CUES.items() if cue.search(clause)]


def _value(type_: ClaimType, clause: str) -> dict[str, Any]:
    if type_ is ClaimType.GIFT:
        return {**counted_item(clause), "condition": order_condition(clause)}
    if type_ is ClaimType.SHIPPING:
        if re.search(r"明天|次日|第二天|隔天", clause):
            return {"within_hours": 24}
        if re.search(r"后天", clause):
            return {"within_hours": 48}
        if re.search(r"今天|当天|马上|立刻|立马", clause):
            return {"same_day": True}
    return {}


class EmbeddingFallback:
    """Reference matrices are embedded on first use (cheap constructor)."""

    def __init__(self, embedder: TextEmbedder, margin: float = 0.025) -> None:
        # 0.025: int8 e5 vectors (index/embedder.py default) shrink margins by ~0.002-0.005
        self.embedder = embedder
        self.margin = margin
        self._ref: np.ndarray | None = None
        self._labels: list[ClaimType | None] = []

    def _load(self) -> np.ndarray:
        if self._ref is None:
            texts: list[str] = []
            for t, examples in REFERENCES.items():
                texts += examples
                self._labels += [t] * len(examples)
            texts += NON_PROMISE
            self._labels += [None] * len(NON_PROMISE)
            self._ref = np.asarray(self.embedder.encode_queries(texts), dtype=np.float32)
        return self._ref

    def classify(self, clauses: list[str]) -> list[FallbackHit | None]:
        """One verdict per clause; None where it is not a promise (or not eligible)."""
        todo = [(i, c, eligible(c)) for i, c in enumerate(clauses)]
        todo = [x for x in todo if x[2]]
        out: list[FallbackHit | None] = [None] * len(clauses)
        if not todo:
            return out
        ref = self._load()
        sims = np.asarray(self.embedder.encode_queries([c for _, c, _ in todo]), dtype=np.float32) @ ref.T
        labels = np.array([-1 if lb is None else list(ClaimType).index(lb) for lb in self._labels])
        for row, (i, clause, types) in zip(sims, todo, strict=True):
            neg = float(row[labels == -1].max())
            best_t, best = None, -1.0
            for t in types:
                s = float(row[labels == list(ClaimType).index(t)].max())
                if s > best:
                    best_t, best = t, s
            overall = int(labels[int(row.argmax())])
            if best_t is not None and best - neg >= self.margin and overall == list(ClaimType).index(best_t):
                out[i] = FallbackHit(best_t, _value(best_t, clause), best, best - neg)
        return out
