"""What each indexed document is, as columns the filters run over, plus per-stream order.

A document is one utterance (or one `index-jsonl` line), or a viewer's comment (kind "comment"). An
utterance carries the claims extracted from it, so a hit always comes with the promise it holds. Documents are numbered 0, 1, 2 … in the order
they are added; the BM25 and vector indexes use the same numbers. Replacing a document marks the
old number deleted (a tombstone) and adds a new one.
"""

from __future__ import annotations

import bisect
import json
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.persist import private_file
from models import Claim, ClaimType, InputError, Risk, SearchFilters, SearchIndexError

_TYPE_BIT = {t: 1 << i for i, t in enumerate(ClaimType)}
UTTERANCE, COMMENT = "utterance", "comment"
KINDS = (UTTERANCE, COMMENT)


@dataclass(frozen=True)
class Doc:
    id: str
    stream: str
    merchant: str
    text: str
    t0: float = 0.0
    t1: float = 0.0
    at: datetime | None = None
    product: str | None = None
    claims: tuple[Claim, ...] = field(default_factory=tuple)
    risks: tuple[Risk, ...] = field(default_factory=tuple)  # risks not tied to one of the claims
    kind: str = UTTERANCE  # or COMMENT: a viewer's comment (no claims, its own order for context)

    @property
    def risky(self) -> bool:
        return bool(self.risks) or any(c.risks for c in self.claims)

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "stream": self.stream,
                "merchant": self.merchant,
                "text": self.text,
                "t0": self.t0,
                "t1": self.t1,
                "at": self.at.isoformat() if self.at else None,
                "product": self.product,
                "claims": [c.model_dump(mode="json") for c in self.claims],
                "risks": [r.model_dump(mode="json") for r in self.risks],
                **({"kind": self.kind} if self.kind != UTTERANCE else {}),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, line: str) -> Doc:
        d = json.loads(line)
        return cls(
            id=d["id"],
            stream=d["stream"],
            merchant=d["merchant"],
            text=d["text"],
            t0=d["t0"],
            t1=d["t1"],
            at=datetime.fromisoformat(d["at"]) if d["at"] else None,
            product=d["product"],
            claims=tuple(Claim.model_validate(c) for c in d["claims"]),
            risks=tuple(Risk.model_validate(r) for r in d.get("risks", ())),
            kind=d.get("kind", UTTERANCE),
        )


class _Codes:
    """String column stored as small ints (stream, merchant, product)."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._code: dict[str, int] = {}
        self.col = array("i")

    def append(self, value: str | None) -> None:
        if value is None:
            self.col.append(-1)
            return
        code = self._code.get(value)
        if code is None:
            code = self._code[value] = len(self.values)
            self.values.append(value)
        self.col.append(code)

    def equals(self, value: str, n: int) -> np.ndarray:
        code = self._code.get(value)
        if code is None:
            return np.zeros(n, dtype=bool)
        return np.frombuffer(self.col, dtype=np.int32, count=n) == code


class DocStore:
    """Documents and their filterable columns. Not thread-safe by itself (the owner locks)."""

    def __init__(self) -> None:
        self.docs: list[Doc] = []
        self._streams, self._merchants, self._products = _Codes(), _Codes(), _Codes()
        self._types = array("H")
        self._risky = array("b")
        self._deleted = array("b")
        self._at = array("d")  # POSIX seconds, NaN when unknown
        self._kinds = array("b")  # index into KINDS
        # (stream, kind) → sorted (t0, ordinal): a comment's neighbours are comments, an utterance's utterances
        self._order: dict[tuple[str, str], list[tuple[float, int]]] = {}
        self._by_key: dict[tuple[str, str, str], int] = {}  # (stream, kind, id) → live ordinal
        self.n_deleted = 0

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self) -> Iterator[Doc]:
        return (d for i, d in enumerate(self.docs) if not self._deleted[i])

    def live_count(self) -> int:
        return len(self.docs) - self.n_deleted

    def live_ordinals(self) -> list[int]:
        return [i for i in range(len(self.docs)) if not self._deleted[i]]

    def ordinals_of(self, stream: str, kind: str | None = UTTERANCE) -> list[int]:
        """Live documents of `stream` of one kind (None: every kind), in stream order."""
        kinds = KINDS if kind is None else (kind,)
        return [ordinal for k in kinds for _, ordinal in self._order.get((stream, k), ())]

    def find(self, stream: str, doc_id: str, kind: str = UTTERANCE) -> int | None:
        return self._by_key.get((stream, kind, doc_id))

    def delete(self, ordinal: int) -> None:
        if not self._deleted[ordinal]:
            self._deleted[ordinal] = 1
            self.n_deleted += 1
            doc = self.docs[ordinal]
            self._by_key.pop((doc.stream, doc.kind, doc.id), None)
            order = self._order[(doc.stream, doc.kind)]
            order.pop(bisect.bisect_left(order, (doc.t0, ordinal)))

    def add(self, doc: Doc) -> int:
        """Append `doc` (replacing a live one with the same stream and id); returns its ordinal."""
        if doc.kind not in KINDS:
            raise SearchIndexError(f"document {doc.id!r}: unknown kind {doc.kind!r}; expected one of {KINDS}")
        old = self._by_key.get((doc.stream, doc.kind, doc.id))
        if old is not None:
            self.delete(old)
        ordinal = len(self.docs)
        self.docs.append(doc)
        self._streams.append(doc.stream)
        self._merchants.append(doc.merchant)
        self._products.append(doc.product)
        self._types.append(sum({_TYPE_BIT[c.type] for c in doc.claims}))
        self._risky.append(1 if doc.risky else 0)
        self._deleted.append(0)
        self._at.append(_utc(doc.at).timestamp() if doc.at else float("nan"))
        self._kinds.append(KINDS.index(doc.kind))
        order = self._order.setdefault((doc.stream, doc.kind), [])
        key = (doc.t0, ordinal)
        if not order or order[-1] < key:
            order.append(key)  # live recording: always the newest
        else:
            bisect.insort(order, key)
        self._by_key[(doc.stream, doc.kind, doc.id)] = ordinal
        return ordinal

    def neighbours(self, ordinal: int) -> tuple[str | None, str | None]:
        """Texts of the utterances just before and after `ordinal` in its stream."""
        doc = self.docs[ordinal]
        order = self._order[(doc.stream, doc.kind)]
        pos = bisect.bisect_left(order, (doc.t0, ordinal))
        prev = self.docs[order[pos - 1][1]].text if pos > 0 else None
        nxt = self.docs[order[pos + 1][1]].text if pos + 1 < len(order) else None
        return prev, nxt

    def neighbour_ordinals(self, ordinal: int) -> tuple[int, int]:
        """Ordinals of the utterances just before and after `ordinal` in its stream (-1 where none)."""
        doc = self.docs[ordinal]
        order = self._order[(doc.stream, doc.kind)]
        pos = bisect.bisect_left(order, (doc.t0, ordinal))
        prev = order[pos - 1][1] if pos > 0 else -1
        nxt = order[pos + 1][1] if pos + 1 < len(order) else -1
        return prev, nxt

    def last_product(self, stream: str) -> str | None:
        order = self._order.get((stream, UTTERANCE))
        return self.docs[order[-1][1]].product if order else None

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        """Bool mask of the documents a search may return; None when every document may be."""
        n = len(self.docs)
        f = filters or SearchFilters()
        active = (
            self.n_deleted
            or f.stream
            or f.merchant
            or f.product
            or f.type
            or f.risky
            or f.t_from
            or f.t_to
            or f.kind
        )
        if not active:
            return None
        m = np.frombuffer(self._deleted, dtype=np.int8, count=n) == 0
        if f.stream:
            m &= self._streams.equals(f.stream, n)
        if f.merchant:
            m &= self._merchants.equals(f.merchant, n)
        if f.product:
            m &= self._products.equals(f.product, n)
        if f.type:
            try:
                bit = _TYPE_BIT[ClaimType(f.type)]
            except ValueError as exc:
                raise InputError(
                    f"unknown claim type {f.type!r}; expected one of {[t.value for t in ClaimType]}"
                ) from exc
            m &= (np.frombuffer(self._types, dtype=np.uint16, count=n) & bit) != 0
        if f.risky:
            m &= np.frombuffer(self._risky, dtype=np.int8, count=n) == 1
        if f.kind:
            if f.kind not in KINDS:
                raise InputError(f"unknown kind {f.kind!r}; expected one of {list(KINDS)}")
            m &= np.frombuffer(self._kinds, dtype=np.int8, count=n) == KINDS.index(f.kind)
        if f.t_from or f.t_to:
            at = np.frombuffer(self._at, dtype=np.float64, count=n)
            m &= ~np.isnan(at)
            if f.t_from:
                m &= at >= _utc(f.t_from).timestamp()
            if f.t_to:
                m &= at <= _utc(f.t_to).timestamp()
        return m

    def save(self, path: Path) -> None:
        """One JSON line per document (tombstones marked) in a new 0600 file; StorageError if the disk refuses."""
        with private_file(path) as fh:
            for i, doc in enumerate(self.docs):
                line = (
                    doc.to_json()
                    if not self._deleted[i]
                    else json.dumps({"deleted": True, **json.loads(doc.to_json())}, ensure_ascii=False)
                )
                fh.write(line.encode("utf-8") + b"\n")

    @classmethod
    def load(cls, path: Path) -> DocStore:
        store = cls()
        try:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    deleted = line.startswith('{"deleted": true')
                    ordinal = store.add(Doc.from_json(line))
                    if deleted:
                        store.delete(ordinal)
        except (OSError, ValueError, KeyError) as exc:
            raise SearchIndexError(f"cannot read the document store {path}: {exc}") from exc
        return store


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)
