"""Hybrid search over utterances and their claims: BM25 (jieba words + bigrams) and e5 vectors, fused
by normalised scores (index/fusion.py).

    idx = HybridIndex(data_dir / "index", embedder).load()
    idx.add_utterances(utterances, claims, merchant="shop-1", started_at=stream.started_at)
    hits = idx.search("这个面膜敏感肌能用吗", SearchFilters(stream="s1"), k=5)
    idx.save()

Adds are safe while searches run (one lock; embedding happens outside it), so a recording's
sentences become searchable as they are indexed. The index persists under `directory` as
snapshots switched atomically through a CURRENT file.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np

from index.analyzer import CLAIM_TAGS, JiebaAnalyzer, glossary, has_content, intents
from index.bm25 import BM25Index
from index.centering import ScriptCentroids
from index.docstore import Doc, DocStore
from index.embedder import Embedder
from index.fusion import Candidates, FusionWeights, fuse
from index.persist import fsync_dir, private_dir, private_file, replace_file
from index.vectors import FaissVectorIndex
from models import (
    Claim,
    ClaimType,
    InputError,
    Product,
    Risk,
    SearchFilters,
    SearchHit,
    SearchIndexError,
    Utterance,
)

Mode = Literal["hybrid", "lexical", "semantic"]
Batch = tuple[Sequence[Utterance], Sequence[Claim], str, datetime | None]
_FIELDS = ("words", "bigrams", "tags", "product")
_FORMAT = 1
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

    # ---------------------------------------------------------------- persistence
    def load(self) -> HybridIndex:
        """Read the saved index if there is one (an empty index otherwise). Idempotent."""
        with self._lock:
            if self._loaded:
                return self
            current = self.directory / "CURRENT"
            if current.is_file():
                self._read(self.directory / current.read_text(encoding="utf-8").strip())
            self._loaded = True
        return self

    def _read(self, snap: Path) -> None:
        try:
            meta = json.loads((snap / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SearchIndexError(f"cannot read the index manifest in {snap}: {exc}") from exc
        if meta.get("format") != _FORMAT:
            raise SearchIndexError(
                f"the index in {snap} has format {meta.get('format')}, expected {_FORMAT}; rebuild it"
            )
        if Path(meta["embedder"]).name != Path(self.embedder.name).name:
            raise SearchIndexError(
                f"the index in {self.directory} was built with the embedding model {meta['embedder']!r}, "
                f"not {self.embedder.name!r}; rebuild it from the catalog"
            )
        self._docs = DocStore.load(snap / "docs.jsonl")
        self._bm25 = BM25Index.load(snap)
        self._started = {k: datetime.fromisoformat(v) for k, v in meta["started"].items()}
        self._products = {p["id"]: Product.model_validate(p) for p in meta.get("products", [])}
        self.analyzer.add_words(w for p in self._products.values() for w in [p.name, *p.aliases])
        if meta["dim"]:
            self._vectors = FaissVectorIndex.load(
                snap / "vectors.faiss", meta["dim"], meta["trained_at"], **self._vector_args
            )
            self._centroids = self._read_centroids(meta)
        sizes = {len(self._docs), len(self._bm25), len(self._vectors) if self._vectors else 0}
        if len(sizes) != 1:
            raise SearchIndexError(
                f"the index in {snap} is inconsistent (docs/bm25/vectors sizes {sorted(sizes)})"
            )

    def _read_centroids(self, meta: dict[str, object]) -> ScriptCentroids:
        """The saved per-script centroids; recomputed from the vectors for an index saved before them."""
        assert self._vectors is not None
        saved = meta.get("centroids")
        if isinstance(saved, dict) and saved:
            return ScriptCentroids.from_json(self._vectors.dim, saved)
        centroids = ScriptCentroids(self._vectors.dim)
        live = self._docs.live_ordinals()
        vectors = self._vectors.vectors(np.array(live, np.int64))
        centroids.add([self._docs.docs[i].text for i in live], vectors)
        return centroids

    def save(self) -> Path:
        """Write a new snapshot and switch CURRENT to it atomically; returns the snapshot folder.

        Files are 0600 and folders 0700 (index.persist), each fsynced before CURRENT moves. StorageError
        naming the file and the OS's reason when the disk refuses (full, read-only): the half-written
        snapshot is removed and CURRENT still names the previous one, which loads as before.
        """
        with self._lock:
            private_dir(self.directory)
            # a fresh name every time: the live snapshot is never touched until CURRENT moves off it
            snap = self.directory / f"snap-{len(self._docs):09d}-{uuid.uuid4().hex[:12]}"
            current = self.directory / "CURRENT"
            try:
                self._write_snapshot(snap)
                replace_file(current, snap.name.encode("utf-8"))
            except BaseException:
                if _read_name(current) != snap.name:  # failed before the switch: CURRENT is the old one
                    shutil.rmtree(snap, ignore_errors=True)
                raise
            for old in self.directory.glob("snap-*"):
                if old != snap:
                    shutil.rmtree(old, ignore_errors=True)
            self._saved_at = time.monotonic()
        return snap

    def _write_snapshot(self, snap: Path) -> None:
        private_dir(snap)
        self._docs.save(snap / "docs.jsonl")
        self._bm25.save(snap)
        if self._vectors is not None:
            self._vectors.save(snap / "vectors.faiss")
        meta = {
            "format": _FORMAT,
            "embedder": self.embedder.name,
            "dim": self._vectors.dim if self._vectors else 0,
            "trained_at": self._vectors.trained_at if self._vectors else 0,
            "count": len(self._docs),
            "started": {k: v.isoformat() for k, v in self._started.items()},
            "products": [p.model_dump(mode="json") for p in self._products.values()],
            "centroids": self._centroids.to_json() if self._centroids else {},
        }
        with private_file(snap / "index.json") as fh:
            fh.write(json.dumps(meta).encode("utf-8"))
        fsync_dir(snap)

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
            ordinals = self._docs.ordinals_of(stream_id)
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
        by_utt: dict[str, list[Claim]] = {}
        for c in claims:
            by_utt.setdefault(c.utterance_id, []).append(c)
        docs: list[Doc] = []
        last_product: dict[str, str | None] = {}
        for u in sorted(utterances, key=lambda u: (u.stream_id, u.t0)):
            start = started_at or self._started.get(u.stream_id)
            attached = tuple(by_utt.get(u.id, ()))
            product = next((c.product for c in attached if c.product), None)
            if product is None:
                product = (
                    last_product[u.stream_id]
                    if u.stream_id in last_product
                    else self._docs.last_product(u.stream_id)
                )
            last_product[u.stream_id] = product
            at = start + timedelta(seconds=u.t0) if start else None
            docs.append(
                Doc(
                    u.id,
                    u.stream_id,
                    merchant,
                    u.text,
                    u.t0,
                    u.t1,
                    at,
                    product,
                    attached,
                    tuple(risks.get(u.id, ())),
                )
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

    def _add_docs(self, docs: list[Doc], given: Mapping[str, np.ndarray] | None = None) -> int:
        docs = [d for d in docs if has_content(d.text)]  # separators, emoji: never a passage
        if not docs:
            return 0
        passages = [self._passage(d) for d in docs]
        reuse = [given.get(d.id) if given and p == d.text else None for d, p in zip(docs, passages, strict=True)]
        todo = [p for p, v in zip(passages, reuse, strict=True) if v is None]
        fresh = iter(self.embedder.encode_passages(todo) if todo else ())  # slow: outside the lock
        vectors = np.stack([v if v is not None else next(fresh) for v in reuse]).astype(np.float32)
        fields = [self._doc_fields(d) for d in docs]
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

    def _passage(self, doc: Doc) -> str:
        """What is embedded: the sentence, after the name of the product being sold (hosts say 这个)."""
        known = self._products.get(doc.product) if doc.product else None
        return f"{known.name}：{doc.text}" if known else doc.text

    def _doc_fields(self, doc: Doc) -> dict[str, list[str]]:
        tags = [t for c in doc.claims for t in CLAIM_TAGS.get(c.type, ())]
        product: list[str] = []
        if doc.product:
            known = self._products.get(doc.product)
            names = [known.name, *known.aliases] if known else [doc.product]
            product = sorted({w for name in names for w in self.analyzer.words(name)})
        return {
            "words": self.analyzer.words(doc.text),
            "bigrams": self.analyzer.bigrams(doc.text),
            "tags": tags,
            "product": product,
        }

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
                ids, scores = _top(lexical) if semantic is None else semantic
                pairs = list(zip(ids[:k].tolist(), scores[:k].tolist(), strict=True))
            else:
                pairs = self._fused(lexical, semantic, qvec, own, query)[:k]
            return [self._hit(i, s, own + expanded, filters) for i, s in pairs]

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
        lex_ids, _ = _top(lexical, self.candidates)
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

    def _hit(self, ordinal: int, score: float, qterms: list[str], filters: SearchFilters | None) -> SearchHit:
        doc = self._docs.docs[ordinal]
        prev, nxt = self._docs.neighbours(ordinal)
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
            claim=self._pick_claim(doc, qterms, filters),
            product=doc.product,
        )

    def _pick_claim(self, doc: Doc, qterms: list[str], filters: SearchFilters | None) -> Claim | None:
        """The claim of `doc` the query is about: the filtered type, else the best term overlap."""
        claims = doc.claims
        if filters and filters.type:
            claims = tuple(c for c in claims if c.type == filters.type) or claims
        if len(claims) <= 1:
            return claims[0] if claims else None
        wanted = set(qterms)

        def overlap(c: Claim) -> int:
            words = set(self.analyzer.words(c.quote)) | set(CLAIM_TAGS.get(c.type, ()))
            return len(words & wanted)

        return max(claims, key=overlap)  # max keeps the first on ties: the earliest claim


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


def _top(scores: np.ndarray | None, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
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


def _read_name(current: Path) -> str | None:
    """The snapshot CURRENT names, or None when it cannot be read."""
    try:
        return current.read_text(encoding="utf-8").strip()
    except OSError:
        return None
