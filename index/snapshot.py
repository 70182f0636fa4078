"""The hybrid index on disk: snapshot folders switched atomically through a CURRENT file.

    directory/CURRENT                 the name of the live snapshot
    directory/snap-{count}-{uuid}/    index.json (format, embedder, sizes, streams' start times,
                                      products, centroids), docs.jsonl, the BM25 arrays, vectors.faiss

A snapshot is written whole under a fresh name, fsynced, and only then named in CURRENT, so a
crash or a full disk leaves the previous snapshot live.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.bm25 import BM25Index
from index.centering import ScriptCentroids
from index.docstore import DocStore
from index.persist import fsync_dir, private_dir, private_file, replace_file
from index.vectors import FaissVectorIndex
from models import Product, SearchIndexError

_FORMAT = 1


@dataclass
class IndexParts:
    """What a snapshot holds: the documents, their BM25 and vector indexes, and their metadata."""

    docs: DocStore
    bm25: BM25Index
    vectors: FaissVectorIndex | None
    centroids: ScriptCentroids | None
    started: dict[str, datetime]
    products: dict[str, Product]


def current_snapshot(directory: Path) -> Path | None:
    """The snapshot folder CURRENT names, or None when nothing was saved yet."""
    current = directory / "CURRENT"
    if not current.is_file():
        return None
    return directory / current.read_text(encoding="utf-8").strip()


def read_snapshot(snap: Path, directory: Path, embedder_name: str, vector_args: dict[str, Any]) -> IndexParts:
    """The parts saved in `snap`. SearchIndexError for an unreadable, outdated or inconsistent
    snapshot, or one built with another embedding model than `embedder_name`."""
    try:
        meta = json.loads((snap / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SearchIndexError(f"cannot read the index manifest in {snap}: {exc}") from exc
    if meta.get("format") != _FORMAT:
        raise SearchIndexError(
            f"the index in {snap} has format {meta.get('format')}, expected {_FORMAT}; rebuild it"
        )
    if Path(meta["embedder"]).name != Path(embedder_name).name:
        raise SearchIndexError(
            f"the index in {directory} was built with the embedding model {meta['embedder']!r}, "
            f"not {embedder_name!r}; rebuild it from the catalog"
        )
    docs = DocStore.load(snap / "docs.jsonl")
    bm25 = BM25Index.load(snap)
    started = {k: datetime.fromisoformat(v) for k, v in meta["started"].items()}
    products = {p["id"]: Product.model_validate(p) for p in meta.get("products", [])}
    vectors, centroids = None, None
    if meta["dim"]:
        vectors = FaissVectorIndex.load(snap / "vectors.faiss", meta["dim"], meta["trained_at"], **vector_args)
        centroids = _read_centroids(meta, docs, vectors)
    sizes = {len(docs), len(bm25), len(vectors) if vectors else 0}
    if len(sizes) != 1:
        raise SearchIndexError(f"the index in {snap} is inconsistent (docs/bm25/vectors sizes {sorted(sizes)})")
    return IndexParts(docs, bm25, vectors, centroids, started, products)


def _read_centroids(meta: dict[str, object], docs: DocStore, vectors: FaissVectorIndex) -> ScriptCentroids:
    """The saved per-script centroids; recomputed from the vectors for an index saved before them."""
    saved = meta.get("centroids")
    if isinstance(saved, dict) and saved:
        return ScriptCentroids.from_json(vectors.dim, saved)
    centroids = ScriptCentroids(vectors.dim)
    live = docs.live_ordinals()
    centroids.add([docs.docs[i].text for i in live], vectors.vectors(np.array(live, np.int64)))
    return centroids


def save_snapshot(directory: Path, parts: IndexParts, embedder_name: str) -> Path:
    """Write a new snapshot and switch CURRENT to it atomically; returns the snapshot folder.

    Files are 0600 and folders 0700 (index.persist), each fsynced before CURRENT moves. StorageError
    naming the file and the OS's reason when the disk refuses (full, read-only): the half-written
    snapshot is removed and CURRENT still names the previous one, which loads as before.
    """
    private_dir(directory)
    # a fresh name every time: the live snapshot is never touched until CURRENT moves off it
    snap = directory / f"snap-{len(parts.docs):09d}-{uuid.uuid4().hex[:12]}"
    current = directory / "CURRENT"
    try:
        _write_snapshot(snap, parts, embedder_name)
        replace_file(current, snap.name.encode("utf-8"))
    except BaseException:
        if _read_name(current) != snap.name:  # failed before the switch: CURRENT is the old one
            shutil.rmtree(snap, ignore_errors=True)
        raise
    for old in directory.glob("snap-*"):
        if old != snap:
            shutil.rmtree(old, ignore_errors=True)
    return snap


def _write_snapshot(snap: Path, parts: IndexParts, embedder_name: str) -> None:
    private_dir(snap)
    parts.docs.save(snap / "docs.jsonl")
    parts.bm25.save(snap)
    if parts.vectors is not None:
        parts.vectors.save(snap / "vectors.faiss")
    meta = {
        "format": _FORMAT,
        "embedder": embedder_name,
        "dim": parts.vectors.dim if parts.vectors else 0,
        "trained_at": parts.vectors.trained_at if parts.vectors else 0,
        "count": len(parts.docs),
        "started": {k: v.isoformat() for k, v in parts.started.items()},
        "products": [p.model_dump(mode="json") for p in parts.products.values()],
        "centroids": parts.centroids.to_json() if parts.centroids else {},
    }
    with private_file(snap / "index.json") as fh:
        fh.write(json.dumps(meta).encode("utf-8"))
    fsync_dir(snap)


def _read_name(current: Path) -> str | None:
    """The snapshot CURRENT names, or None when it cannot be read."""
    try:
        return current.read_text(encoding="utf-8").strip()
    except OSError:
        return None
