"""From ranked ordinals to SearchHits: the best-first cut of a score array, and each hit with its
neighbours and the claim the query is about."""

from __future__ import annotations

import numpy as np

from index.analyzer import CLAIM_TAGS, JiebaAnalyzer
from index.docstore import Doc, DocStore
from models import Claim, SearchFilters, SearchHit


def top_scores(scores: np.ndarray | None, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The non-zero scores, best first (at most `n`): (ordinals, scores)."""
    if scores is None:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    nonzero = int(np.count_nonzero(scores))
    n = nonzero if n is None else min(n, nonzero)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return top.astype(np.int64), scores[top]


def search_hit(
    docs: DocStore,
    ordinal: int,
    score: float,
    qterms: list[str],
    filters: SearchFilters | None,
    analyzer: JiebaAnalyzer,
) -> SearchHit:
    """The hit for document `ordinal`, with the sentences before and after it in its stream."""
    doc = docs.docs[ordinal]
    prev, nxt = docs.neighbours(ordinal)
    return SearchHit(
        id=doc.id,
        stream=doc.stream,
        t0=doc.t0,
        t1=doc.t1,
        quote=doc.text,
        score=score,
        at=doc.at,
        prev=prev,
        next=nxt,
        claim=pick_claim(doc, qterms, filters, analyzer),
        product=doc.product,
        kind=doc.kind,
    )


def pick_claim(
    doc: Doc, qterms: list[str], filters: SearchFilters | None, analyzer: JiebaAnalyzer
) -> Claim | None:
    """The claim of `doc` the query is about: the filtered type, else the best term overlap."""
    claims = doc.claims
    if filters and filters.type:
        claims = tuple(c for c in claims if c.type == filters.type) or claims
    if len(claims) <= 1:
        return claims[0] if claims else None
    wanted = set(qterms)

    def overlap(c: Claim) -> int:
        words = set(analyzer.words(c.quote)) | set(CLAIM_TAGS.get(c.type, ()))
        return len(words & wanted)

    return max(claims, key=overlap)  # max keeps the first on ties: the earliest claim
