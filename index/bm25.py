"""A small multi-field BM25 scorer with incremental adds, for live indexing.

bm25s and rank-bm25 build a frozen matrix and re-index everything on add; a recording adds a
few sentences a second, so this keeps per-term posting lists that grow in place and scores a
query with numpy over the postings of its terms only.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from index.persist import private_file
from models import SearchIndexError

Query = Mapping[str, Sequence[tuple[str, float]]]  # field → (term, weight) pairs


class _Field:
    def __init__(self) -> None:
        self.postings: dict[str, tuple[array, array]] = {}  # term → (doc ids 'I', term freqs 'H')
        self.lengths = array("f")
        self.total = 0.0

    def add(self, doc: int, terms: Sequence[str]) -> None:
        self.lengths.append(float(len(terms)))
        self.total += len(terms)
        for term, tf in Counter(terms).items():
            entry = self.postings.get(term)
            if entry is None:
                entry = self.postings[term] = (array("I"), array("H"))
            entry[0].append(doc)
            entry[1].append(min(tf, 65535))


class BM25Index:
    """BM25 over several fields of each document; a field's score is weighted and summed (BM25F-lite).

    Documents are numbered 0, 1, 2 … in the order they are added. Not thread-safe by itself:
    the owner serialises `add` against `scores`.
    """

    def __init__(self, fields: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._fields = {name: _Field() for name in fields}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, docs: Sequence[Mapping[str, Sequence[str]]]) -> None:
        """Append documents (field → terms); a missing field counts as empty."""
        for doc in docs:
            for name, field in self._fields.items():
                field.add(self._count, doc.get(name, ()))
            self._count += 1

    def has_term(self, field: str, term: str) -> bool:
        return term in self._fields[field].postings

    def scores(self, query: Query) -> np.ndarray:
        """Dense BM25 scores for every document (zeros where no query term occurs)."""
        n = self._count
        out = np.zeros(n, dtype=np.float32)
        if n == 0:
            return out
        for name, terms in query.items():
            field = self._fields[name]
            lengths = np.frombuffer(field.lengths, dtype=np.float32, count=n)
            avg = field.total / n or 1.0
            for term, weight in terms:
                entry = field.postings.get(term)
                if entry is None or weight == 0:
                    continue
                ids = np.frombuffer(entry[0], dtype=np.uint32)
                tf = np.frombuffer(entry[1], dtype=np.uint16).astype(np.float32)
                idf = math.log(1.0 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
                norm = self.k1 * (1.0 - self.b + self.b * lengths[ids] / avg)
                out[ids] += weight * idf * tf * (self.k1 + 1.0) / (tf + norm)
                del ids, tf  # release the buffer views so the arrays can grow again
        return out

    def save(self, directory: Path) -> None:
        """Write the postings as flat arrays (one .npz) plus the term lists (JSON), as new 0600 files
        (index.persist); StorageError naming the file when the disk refuses."""
        arrays: dict[str, np.ndarray] = {}
        meta: dict[str, object] = {"count": self._count, "k1": self.k1, "b": self.b, "fields": {}}
        for name, field in self._fields.items():
            terms = list(field.postings)
            sizes = np.array([len(field.postings[t][0]) for t in terms], dtype=np.int64)
            ids = [field.postings[t][0] for t in terms]
            tfs = [field.postings[t][1] for t in terms]
            arrays[f"{name}.offsets"] = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
            arrays[f"{name}.ids"] = (
                np.concatenate([np.frombuffer(a, np.uint32) for a in ids]) if ids else np.zeros(0, np.uint32)
            )
            arrays[f"{name}.tfs"] = (
                np.concatenate([np.frombuffer(a, np.uint16) for a in tfs]) if tfs else np.zeros(0, np.uint16)
            )
            arrays[f"{name}.lengths"] = np.frombuffer(field.lengths, np.float32).copy()
            meta["fields"][name] = terms  # type: ignore[index]
        with private_file(directory / "bm25.npz") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds oddly
        with private_file(directory / "bm25.json") as fh:
            fh.write(json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def load(cls, directory: Path) -> BM25Index:
        """Read what `save` wrote; raises SearchIndexError when the files are missing or inconsistent."""
        try:
            meta = json.loads((directory / "bm25.json").read_text(encoding="utf-8"))
            data = np.load(directory / "bm25.npz")
        except (OSError, ValueError) as exc:
            raise SearchIndexError(f"cannot read the BM25 index in {directory}: {exc}") from exc
        index = cls(list(meta["fields"]), k1=meta["k1"], b=meta["b"])
        index._count = int(meta["count"])
        for name, terms in meta["fields"].items():
            field = index._fields[name]
            offsets, ids, tfs = data[f"{name}.offsets"], data[f"{name}.ids"], data[f"{name}.tfs"]
            field.lengths = array("f", data[f"{name}.lengths"].tobytes())
            if len(field.lengths) != index._count or len(offsets) != len(terms) + 1:
                raise SearchIndexError(f"the BM25 index in {directory} is inconsistent (field {name})")
            field.total = float(np.sum(data[f"{name}.lengths"], dtype=np.float64))
            for i, term in enumerate(terms):
                lo, hi = int(offsets[i]), int(offsets[i + 1])
                field.postings[term] = (array("I", ids[lo:hi].tobytes()), array("H", tfs[lo:hi].tobytes()))
        return index
