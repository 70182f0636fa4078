"""Fusing the lexical and the semantic ranking into one: normalised scores, convexly weighted.

Reciprocal-rank fusion throws the scores away: a sentence that matches every word of the
question and one that matches a stop-ish bigram both get "rank 1 of the lexical list". Here each
side's scores are normalised over the candidates (BM25 by its best score, cosine between the
candidate floor and the best), so a clear winner on one side stays a clear winner, and they are
summed with weights:

    base(d)  = w_lex · coverage · bm25(d) / max bm25  +  w_sem · (cos(d) − floor) / (max − floor)
    score(d) = (base(d) + w_ctx · short(d) · max(base(prev d), base(next d))) · prior(d)

`coverage` (the share of the question's words the lexical index knows) moves the weight to the
vectors for a question whose words the corpus never uses (an English question over Chinese
speech). A short sentence (可以的, 免打孔) takes part of its best neighbour's score, because what
it answers was said just before or after. `prior` prefers a sentence carrying a claim of the type
the question asks about (a shipping question → shipping claims), and mildly any claim.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from models import ClaimType


@dataclass(frozen=True)
class FusionWeights:
    """The fusion's parameters; tuned on the development questions (see scripts/eval_real_search.py)."""

    lexical: float = 0.5
    semantic: float = 0.5
    context: float = 0.3  # share of the best neighbour's score a short sentence takes
    short_chars: int = 12  # sentences shorter than this take neighbour context
    intent: float = 0.3  # boost of a claim of the type the question asks about
    promise: float = 0.0  # boost of any claim, when the question names no type


@dataclass(frozen=True)
class Candidates:
    """Everything fusion needs about the candidate documents, as parallel arrays."""

    ids: np.ndarray  # int64 ordinals
    lexical: np.ndarray  # BM25 score of each (0 where no term matched)
    semantic: np.ndarray  # cosine of each to the query
    prev: np.ndarray  # position in `ids` of the previous utterance of its stream, -1 if none
    next: np.ndarray  # the same for the next one
    short: np.ndarray  # bool: the sentence is short
    types: Sequence[Collection[ClaimType]]  # claim types each candidate carries


def normalise(lexical: np.ndarray, semantic: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """BM25 scaled by its maximum; cosine scaled from `floor` (the weakest semantic candidate) to its maximum."""
    top = float(lexical.max()) if len(lexical) else 0.0
    lex = lexical / top if top > 0 else np.zeros_like(lexical)
    hi = float(semantic.max()) if len(semantic) else 0.0
    sem = np.clip((semantic - floor) / (hi - floor), 0.0, 1.0) if hi > floor else np.zeros_like(semantic)
    return lex.astype(np.float32), sem.astype(np.float32)


def fuse(
    c: Candidates,
    floor: float,
    coverage: float,
    wanted: set[ClaimType],
    w: FusionWeights,
    has_lexical: bool = True,
    has_semantic: bool = True,
) -> np.ndarray:
    """The fused score of every candidate (see the module docstring); higher is better."""
    lex, sem = normalise(c.lexical, c.semantic, floor)
    base = np.zeros(len(c.ids), np.float32)
    if has_lexical:
        base += np.float32(w.lexical * coverage) * lex
    if has_semantic:
        base += np.float32(w.semantic) * sem
    padded = np.append(base, np.float32(0.0))  # index -1 → the appended 0
    neighbour = np.maximum(padded[c.prev], padded[c.next])
    score = base + w.context * c.short.astype(np.float32) * neighbour
    prior = np.array([_prior(types, wanted, w) for types in c.types], np.float32)
    return score * prior


def _prior(types: Collection[ClaimType], wanted: set[ClaimType], w: FusionWeights) -> float:
    if not types:
        return 1.0
    if wanted:
        return 1.0 + w.intent if wanted & set(types) else 1.0
    return 1.0 + w.promise
