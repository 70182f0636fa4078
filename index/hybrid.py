"""Hybrid search over utterances and their claims, and viewers' comments: BM25 (jieba words + bigrams)
and e5 vectors, fused by normalised scores (index/fusion.py).

    idx = HybridIndex(data_dir / "index", embedder).load()
    idx.add_utterances(utterances, claims, merchant="shop-1", started_at=stream.started_at)
    hits = idx.search("这个面膜敏感肌能用吗", SearchFilters(stream="s1"), k=5)
    idx.save()

Adds are safe while searches run (one lock; embedding happens outside it), so a recording's
sentences become searchable as they are indexed. The index persists under `directory` as
snapshots switched atomically through a CURRENT file (index/snapshot.py); documents are built
in index/documents.py and ranked ordinals become hits in index/hits.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np

from index.analyzer import JiebaAnalyzer, glossary, has_content, intents
from index.bm25 import BM25Index
from index.centering import ScriptCentroids
from index.docstore import Doc, DocStore
from index.documents import comment_docs, doc_fields, passage, utterance_docs
from index.embedder import Embedder
from index.fusion import Candidates, FusionWeights, fuse
from index.hits import search_hit, top_scores
from index.snapshot import IndexParts, current_snapshot, read_snapshot, save_snapshot
from index.vectors import FaissVectorIndex
from models import ChatEvent, Claim, ClaimType, InputError, Product, Risk, SearchFilters, SearchHit, Utterance

Mode = Literal["hybrid", "lexical", "semantic"]
Batch = tuple[Sequence[Utterance], Sequence[Claim], str, datetime | None]
_FIELDS = ("words", "bigrams", "tags", "product")
MAX_QUERY_CHARS = 500  # the API's limit too: a question, not a document


class HybridIndex:
    """Search index of one deployment. The constructor is cheap; `load()` reads what was saved."""

    def __init__(
        self,
        directory: Path,
        embedder: Embedder,
        *,
        analyzer: JiebaAnalyzer | None = None,
        flat_limit: int = 50_000,
        nprobe: int = 24,
        candidates: int = 100,
        weights: dict[str, float] | None = None,
        fusion: FusionWeights | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.embedder = embedder
        self.analyzer = analyzer or JiebaAnalyzer()
        self.candidates = candidates
        # An agent asks about promises: between two equally matching sentences, the one that
        # carries a claim (下单后48小时内发货) should outrank the one that only echoes the
        # question (好多宝宝在问多久发货); see FusionWeights.intent and .promise.
        self.fusion = fusion or FusionWeights()
        # weights of the lexical parts, relative to the query's own jieba words
        self.weights = {"expanded": 0.5, "bigrams": 0.6, "tags": 0.5, "product": 1.0, **(weights or {})}
        self._vector_args = {"flat_limit": flat_limit, "nprobe": nprobe}
        self._lock = threading.RLock()
        self._loaded = False
        self._saved_at = float("-inf")  # time.monotonic() of the last save
        self._reset()

    def _reset(self) -> None:
        self._docs = DocStore()
        self._bm25 = BM25Index(_FIELDS)
        self._vectors: FaissVectorIndex | None = None
        self._centroids: ScriptCentroids | None = None
        self._started: dict[str, datetime] = {}
        self._products: dict[str, Product] = {}

    # ---------------------------------------------------------------- persistence (index/snapshot.py)
    def load(self) -> HybridIndex:
        """Read the saved index if there is one (an empty index otherwise). Idempotent."""
        with self._lock:
            if self._loaded:
                return self
            snap = current_snapshot(self.directory)
            if snap is not None:
                self._use(read_snapshot(snap, self.directory, self.embedder.name, self._vector_args))
            self._loaded = True
        return self

    def _use(self, parts: IndexParts) -> None:
        self._docs, self._bm25 = parts.docs, parts.bm25
        self._vectors, self._centroids = parts.vectors, parts.centroids
        self._started, self._products = parts.started, parts.products
        self.analyzer.add_words(w for p in self._products.values() for w in [p.name, *p.aliases])

    def save(self) -> Path:
        """Write a new snapshot and switch CURRENT to it atomically; returns the snapshot folder.
        StorageError when the disk refuses, CURRENT still naming the previous one (save_snapshot)."""
        with self._lock:
            parts = IndexParts(
                self._docs, self._bm25, self._vectors, self._centroids, self._started, self._products
            )
            snap = save_snapshot(self.directory, parts, self.embedder.name)
            self._saved_at = time.monotonic()
        return snap

    def save_if_due(self, interval_s: float) -> bool:
        """Save unless this index was saved less than `interval_s` ago (by any of the streams that
        share it); True when it saved."""
        with self._lock:
            if time.monotonic() - self._saved_at < interval_s:
                return False
            self.save()
            return True

    def rebuild(self, batches: Iterable[Batch]) -> int:
        """Replace the whole index with `batches` of (utterances, claims, merchant, started_at), then save."""
        with self._lock:
            self._reset()
            self._loaded = True
        for utterances, claims, merchant, started_at in batches:
            self.add_utterances(utterances, claims, merchant=merchant, started_at=started_at)
        self.save()
        return len(self)

    def __len__(self) -> int:
        return self._docs.live_count()

    def remove_stream(self, stream_id: str) -> int:
        """Drop every document of `stream_id` from search (e.g. before re-ingesting it); returns how many.

        Space is reclaimed by the next `rebuild`; call `save()` to persist the removal.
        """
        self.load()
        with self._lock:
            ordinals = self._docs.ordinals_of(stream_id, kind=None)
            for ordinal in ordinals:
                self._docs.delete(ordinal)
            self._started.pop(stream_id, None)
        return len(ordinals)

    def doc_ids(self, stream_id: str) -> set[str]:
        """Ids of the documents of `stream_id` now searchable (to reconcile the index with the catalog)."""
        self.load()
        with self._lock:
            return {self._docs.docs[o].id for o in self._docs.ordinals_of(stream_id)}

    def remove_docs(self, stream_id: str, doc_ids: Iterable[str]) -> int:
        """Drop these documents of `stream_id` from search (ids not indexed are ignored); returns how many.
        Call `save()` to persist the removal."""
        self.load()
        removed = 0
        with self._lock:
            for doc_id in doc_ids:
                ordinal = self._docs.find(stream_id, doc_id)
                if ordinal is not None:
                    self._docs.delete(ordinal)
                    removed += 1
        return removed

    # ---------------------------------------------------------------- adding
    def add_utterances(
        self,
        utterances: Sequence[Utterance],
        claims: Sequence[Claim] = (),
        merchant: str = "default",
        started_at: datetime | None = None,
        *,
        risks: Mapping[str, Sequence[Risk]] | None = None,
        products: Sequence[Product] = (),
        vectors: Mapping[str, np.ndarray] | None = None,
    ) -> int:
        """Index utterances with the claims extracted from them (matched by `claim.utterance_id`).

        `vectors`: passage vectors of utterance texts by utterance id, already computed (the claims
        classifier embeds each utterance): used where the passage is the bare text, so an utterance
        is embedded once.

        `risks` holds risk flags by utterance id that belong to no claim (加主播微信); `products`
        (catalog rows) lets a claim's product id be searched by the product's name and aliases.
        An utterance without a claim takes the product of the one before it in its stream (the
        product being sold). Re-adding an id already indexed for that stream replaces it.
        Returns the number of documents added.
        """
        self.load()
        self.register_products(products)
        risks = risks or {}
        docs = utterance_docs(
            utterances,
            claims,
            merchant,
            lambda stream: started_at or self._started.get(stream),
            self._docs.last_product,
            risks,
        )
        if started_at is not None:
            for u in utterances:
                self._started.setdefault(u.stream_id, started_at)
        return self._add_docs(docs, vectors)

    def register_products(self, products: Sequence[Product]) -> None:
        """Remember catalog products so their names and aliases match their claims' utterances."""
        new = [p for p in products if self._products.get(p.id) != p]
        if new:
            self.analyzer.add_words(w for p in new for w in [p.name, *p.aliases])
            with self._lock:
                self._products.update((p.id, p) for p in new)

    def add_texts(
        self,
        stream: str,
        items: Sequence[tuple[str, str]],
        merchant: str = "default",
        *,
        claims: Mapping[str, Sequence[Claim]] | None = None,
    ) -> int:
        """Index `(id, text)` lines of a text-only corpus (`onrecord index-jsonl`); hits carry that id.

        `claims` (by line id) are the promises found in each line, as `add_utterances` takes them.
        Lines are kept in the given order as the stream's order (previous/next context)."""
        self.load()
        claims = claims or {}
        docs = [
            Doc(doc_id, stream, merchant, text, claims=tuple(claims.get(doc_id, ())))
            for doc_id, text in items
            if text.strip()
        ]
        return self._add_docs(docs)

    def add_comments(self, events: Sequence[ChatEvent], merchant: str = "default") -> int:
        """Index comments (other kinds, empty texts skipped) as kind "comment"; re-adding replaces. Returns how many."""
        self.load()
        return self._add_docs(comment_docs(events, merchant, self._started.get))

    def _add_docs(self, docs: list[Doc], given: Mapping[str, np.ndarray] | None = None) -> int:
        docs = [d for d in docs if has_content(d.text)]  # separators, emoji: never a passage
        if not docs:
            return 0
        passages = [passage(d, self._products) for d in docs]
        reuse = [given.get(d.id) if given and p == d.text else None for d, p in zip(docs, passages, strict=True)]
        todo = [p for p, v in zip(passages, reuse, strict=True) if v is None]
        fresh = iter(self.embedder.encode_passages(todo) if todo else ())  # slow: outside the lock
        vectors = np.stack([v if v is not None else next(fresh) for v in reuse]).astype(np.float32)
        fields = [doc_fields(d, self._products, self.analyzer) for d in docs]
        with self._lock:
            if self._vectors is None:
                self._vectors = FaissVectorIndex(vectors.shape[1], **self._vector_args)
            if self._centroids is None:
                self._centroids = ScriptCentroids(vectors.shape[1])
            self._centroids.add([d.text for d in docs], vectors)
            for doc in docs:
                self._docs.add(doc)
            self._bm25.add(fields)
            self._vectors.add(vectors)
        return len(docs)

    # ---------------------------------------------------------------- searching
    def search(
        self, query: str, filters: SearchFilters | None = None, k: int = 10, mode: Mode = "hybrid"
    ) -> list[SearchHit]:
        """Best `k` hits for `query` among documents matching `filters`, fully populated except clip_url.

        Raises InputError for a blank query or an unknown mode.
        """
        return self.search_batch([query], filters, k, mode)[0]

    def search_batch(
        self, queries: Sequence[str], filters: SearchFilters | None = None, k: int = 10, mode: Mode = "hybrid"
    ) -> list[list[SearchHit]]:
        """`search` for many queries, embedding them in one call (for `onrecord search --batch`)."""
        for q in queries:
            check_query(q)
        if filters and filters.type and filters.type not in {t.value for t in ClaimType}:
            raise InputError(
                f"unknown claim type {filters.type!r}; expected one of {', '.join(t.value for t in ClaimType)}"
            )
        if mode not in ("hybrid", "lexical", "semantic"):
            raise InputError(f"unknown search mode {mode!r}; expected hybrid, lexical or semantic")
        self.load()
        qvecs = None
        if mode != "lexical" and len(self._docs):
            qvecs = self.embedder.encode_queries([q.strip() for q in queries])
        out = []
        for i, q in enumerate(queries):
            out.append(self._search_one(q.strip(), None if qvecs is None else qvecs[i], filters, k, mode))
        return out

    def _search_one(
        self, query: str, qvec: np.ndarray | None, filters: SearchFilters | None, k: int, mode: Mode
    ) -> list[SearchHit]:
        own, expanded = self.analyzer.query_words(query)
        with self._lock:
            if not len(self._docs):
                return []
            mask = self._docs.mask(filters)
            lexical = self._lexical(query, own, expanded, mask) if mode != "semantic" else None
            semantic = None
            if mode != "lexical" and self._vectors is not None and qvec is not None:
                semantic = self._vectors.search(qvec, self.candidates, mask)
            if lexical is None or semantic is None or qvec is None:
                ids, scores = top_scores(lexical) if semantic is None else semantic
                pairs = list(zip(ids[:k].tolist(), scores[:k].tolist(), strict=True))
            else:
                pairs = self._fused(lexical, semantic, qvec, own, query)[:k]
            return [search_hit(self._docs, i, s, own + expanded, filters, self.analyzer) for i, s in pairs]

    def _fused(
        self,
        lexical: np.ndarray,
        semantic: tuple[np.ndarray, np.ndarray],
        qvec: np.ndarray,
        own: list[str],
        query: str,
    ) -> list[tuple[int, float]]:
        """Candidates of either side, scored by index.fusion.fuse; (ordinal, score) best first."""
        assert self._vectors is not None
        lex_ids, _ = top_scores(lexical, self.candidates)
        sem_ids = semantic[0]
        ids = np.array(list(dict.fromkeys(sem_ids.tolist() + lex_ids.tolist())), np.int64)
        if len(ids) == 0:
            return []
        docs = self._docs.docs
        position = {int(i): n for n, i in enumerate(ids)}
        neighbours = [self._docs.neighbour_ordinals(int(i)) for i in ids]
        extra = sorted({o for pair in neighbours for o in pair if o >= 0 and o not in position})
        every = np.concatenate([ids, np.array(extra, np.int64)])
        position.update((o, len(ids) + n) for n, o in enumerate(extra))
        neighbour_pos = np.array(
            [[position[o] if o >= 0 else -1 for o in pair] for pair in neighbours], np.int64
        ).reshape(-1, 2)
        cosine = self._vectors.scores(qvec, every)
        if self._centroids is not None:
            cosine -= self._centroids.offsets(qvec, [docs[int(i)].text for i in every])
        short = self.fusion.short_chars
        cands = Candidates(
            ids=every,
            lexical=lexical[every],
            semantic=cosine,
            prev=np.concatenate([neighbour_pos[:, 0], np.full(len(extra), -1)]),
            next=np.concatenate([neighbour_pos[:, 1], np.full(len(extra), -1)]),
            short=np.array([len(docs[int(i)].text) < short for i in every]),
            types=[{c.type for c in docs[int(i)].claims} for i in every],
        )
        # the weakest semantic candidate (ids begins with them) is where the semantic score starts
        floor = float(cosine[: len(sem_ids)].min()) if len(sem_ids) else float(cosine.min())
        fused = fuse(cands, floor, self._coverage(own), intents(query), self.fusion)[: len(ids)]
        best = np.argsort(-fused, kind="stable")
        return [(int(ids[n]), float(fused[n])) for n in best]

    def _lexical(
        self, query: str, own: list[str], expanded: list[str], mask: np.ndarray | None
    ) -> np.ndarray:
        """Dense BM25 scores of every document (0 outside `mask`)."""
        w = self.weights
        terms = [(t, 1.0) for t in own] + [(t, w["expanded"]) for t in expanded]
        scores = self._bm25.scores(
            {
                "words": terms,
                "bigrams": [(b, w["bigrams"]) for b in self.analyzer.bigrams(query)],
                "tags": [(t, s * w["tags"]) for t, s in terms],
                "product": [(t, s * w["product"]) for t, s in terms],
            }
        )
        if mask is not None:
            scores[~mask] = 0.0
        return scores

    def _coverage(self, own: list[str]) -> float:
        """Share of the query's words the lexical index knows (itself or through the glossary).

        It is the lexical side's say in the fusion: an English question with words the corpus
        never uses leaves the ranking to the vectors; a question in the host's words gets a full vote.
        """
        if not own:
            return 0.0

        def known(w: str) -> bool:
            return any(
                self._bm25.has_term(f, t) for t in (w, *glossary(w)) for f in ("words", "tags", "product")
            )

        return sum(1 for w in own if known(w)) / len(own)


def check_query(query: str) -> None:
    """Raise InputError unless `query` is something to search for: not blank, not only symbols or
    emoji, at most MAX_QUERY_CHARS characters."""
    if not query or not query.strip():
        raise InputError("the search query is empty; type a question such as 赠品是什么")
    if len(query) > MAX_QUERY_CHARS:
        raise InputError(
            f"the search query is {len(query)} characters long; ask in at most {MAX_QUERY_CHARS}"
        )
    if not has_content(query):
        raise InputError(f"the search query {query.strip()[:40]!r} has no letters or digits to search for")
