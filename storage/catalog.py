"""The catalog: streams, utterances, claims and risks in SQL (SQLite by default, PostgreSQL at scale).

Writes are idempotent by id (a retried task rewrites the same rows, never duplicates them).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from models import CatalogError, Claim, Risk, Stream, StreamStatus, Utterance

metadata = MetaData()

streams = Table(
    "streams",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("merchant", String(128), nullable=False, index=True),
    Column("title", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("status", String(32), nullable=False),
    Column("error", Text),
)

utterances = Table(
    "utterances",
    metadata,
    Column("id", String(160), primary_key=True),
    Column("stream_id", String(128), nullable=False, index=True),
    Column("t0", Float, nullable=False, index=True),
    Column("doc", JSON, nullable=False),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("stream_id", String(128), nullable=False, index=True),
    Column("type", String(32), nullable=False, index=True),
    Column("t0", Float, nullable=False),
    Column("product", String(128), index=True),
    Column("risky", String(1), nullable=False, default="0"),
    Column("doc", JSON, nullable=False),
)

risks = Table(
    "risks",
    metadata,
    Column("id", String(220), primary_key=True),
    Column("stream_id", String(128), nullable=False, index=True),
    Column("utterance_id", String(160), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("t0", Float, nullable=False),
    Column("doc", JSON, nullable=False),
)


# One row per file ingested into a stream: which file (by fingerprint), where it starts on the stream
# clock, how far its transcription is committed, and the lease of the process ingesting it (pid, host,
# heartbeat), so a killed ingest is seen as interrupted and resumed where it stopped.
ingests = Table(
    "ingests",
    metadata,
    Column("id", String(300), primary_key=True),  # "{stream_id}:{fingerprint}"
    Column("stream_id", String(128), nullable=False, index=True),
    Column("fingerprint", String(96), nullable=False),
    Column("file", Text, nullable=False, default=""),
    Column("t_offset", Float, nullable=False, default=0.0),
    Column("transcribed_t", Float, nullable=False, default=0.0),
    Column("state", String(32), nullable=False),
    Column("pid", Integer, nullable=False, default=0),
    Column("host", String(255), nullable=False, default=""),
    Column("heartbeat", Float, nullable=False, default=0.0),  # Unix time of the last sign of life
    Column("seq", Integer, nullable=False, default=0),  # order of the files within the stream
    Column("segment_s", Float, nullable=False, default=4.0),  # a resume cuts the file the same way
)


@dataclass(frozen=True)
class IngestRecord:
    """One file's ingest into a stream (a row of `ingests`); `state` is running, finished or failed."""

    stream_id: str
    fingerprint: str
    file: str
    t_offset: float
    transcribed_t: float
    state: str
    pid: int
    host: str
    heartbeat: float
    seq: int = 0
    segment_s: float = 4.0

    @property
    def id(self) -> str:
        return f"{self.stream_id}:{self.fingerprint}"


class Catalog:
    """SQL catalog over SQLAlchemy Core. `load()` (or first use) creates the engine and tables."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            try:
                _private_sqlite_file(self.url)  # before SQLite creates it with the umask's mode
                self._engine = create_engine(self.url, future=True, pool_pre_ping=True)
                metadata.create_all(self._engine)
            except SQLAlchemyError as exc:
                raise CatalogError(f"cannot open catalog {self.url!r}: {exc}") from exc
            except OSError as exc:
                raise CatalogError(f"cannot open catalog {self.url!r}: {exc.strerror or exc}") from exc
        return self._engine

    def load(self) -> Catalog:
        _ = self.engine
        return self

    def _run(self, fn: Any) -> Any:
        try:
            with self.engine.begin() as conn:
                return fn(conn)
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog operation failed: {exc}") from exc

    # streams -----------------------------------------------------------------
    def upsert_stream(self, stream: Stream) -> None:
        row = stream.model_dump(mode="python")
        row["started_at"] = stream.started_at.astimezone(UTC)  # SQLite keeps no zone: always store UTC

        def op(conn: Any) -> None:
            conn.execute(delete(streams).where(streams.c.id == stream.id))
            conn.execute(streams.insert().values(**row))

        self._run(op)

    def set_status(self, stream_id: str, status: StreamStatus, error: str | None = None) -> None:
        self._run(
            lambda c: c.execute(
                update(streams).where(streams.c.id == stream_id).values(status=status.value, error=error)
            )
        )

    def get_stream(self, stream_id: str) -> Stream | None:
        row = self._run(lambda c: c.execute(select(streams).where(streams.c.id == stream_id)).first())
        return _stream(row._mapping) if row else None

    def list_streams(self, merchant: str | None = None) -> list[Stream]:
        q = select(streams).order_by(streams.c.started_at)
        if merchant:
            q = q.where(streams.c.merchant == merchant)
        return [_stream(r._mapping) for r in self._run(lambda c: c.execute(q).all())]

    # utterances, claims, risks ----------------------------------------------
    def add_utterances(self, items: Sequence[Utterance]) -> None:
        self._replace(
            utterances,
            [
                {"id": u.id, "stream_id": u.stream_id, "t0": u.t0, "doc": u.model_dump(mode="json")}
                for u in items
            ],
        )

    def add_claims(self, items: Sequence[Claim]) -> None:
        self._replace(
            claims,
            [
                {
                    "id": c.id,
                    "stream_id": c.stream_id,
                    "type": c.type.value,
                    "t0": c.t0,
                    "product": c.product,
                    "risky": "1" if c.risks else "0",
                    "doc": c.model_dump(mode="json"),
                }
                for c in items
            ],
        )

    def add_risks(self, stream_id: str, utterance_id: str, t0: float, items: Sequence[Risk]) -> None:
        self._replace(
            risks,
            [
                {
                    "id": f"{utterance_id}:r{i}",
                    "stream_id": stream_id,
                    "utterance_id": utterance_id,
                    "rule": r.rule.value,
                    "t0": t0,
                    "doc": r.model_dump(mode="json"),
                }
                for i, r in enumerate(items)
            ],
        )

    def _replace(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return

        def op(conn: Any) -> None:
            conn.execute(delete(table).where(table.c.id.in_([r["id"] for r in rows])))
            conn.execute(table.insert(), rows)

        self._run(op)

    def utterances(self, stream_id: str) -> list[Utterance]:
        q = select(utterances.c.doc).where(utterances.c.stream_id == stream_id).order_by(utterances.c.t0)
        return [Utterance.model_validate(r[0]) for r in self._run(lambda c: c.execute(q).all())]

    def claims(
        self,
        stream_id: str | None = None,
        type_: str | None = None,
        risky: bool = False,
        product: str | None = None,
        stream_ids: Iterable[str] | None = None,
    ) -> list[Claim]:
        q = select(claims.c.doc).order_by(claims.c.stream_id, claims.c.t0)
        if stream_id:
            q = q.where(claims.c.stream_id == stream_id)
        if stream_ids is not None:
            q = q.where(claims.c.stream_id.in_(list(stream_ids)))
        if type_:
            q = q.where(claims.c.type == type_)
        if risky:
            q = q.where(claims.c.risky == "1")
        if product:
            q = q.where(claims.c.product == product)
        return [Claim.model_validate(r[0]) for r in self._run(lambda c: c.execute(q).all())]

    def iter_streams_content(self) -> Iterator[tuple[Stream, list[Utterance], list[Claim]]]:
        """Every stream with its utterances and claims, for rebuilding the search index."""
        for s in self.list_streams():
            yield s, self.utterances(s.id), self.claims(stream_id=s.id)

    def delete_stream_content(self, stream_id: str, *, with_stream: bool = False) -> None:
        """Remove a stream's utterances, claims and risks (and its row too when `with_stream`)."""

        def op(conn: Any) -> None:
            for table in (utterances, claims, risks):
                conn.execute(delete(table).where(table.c.stream_id == stream_id))
            if with_stream:
                conn.execute(delete(streams).where(streams.c.id == stream_id))
                conn.execute(delete(ingests).where(ingests.c.stream_id == stream_id))

        self._run(op)


    # ingests (progress and lease of file ingests) ---------------------------
    def put_ingest(self, rec: IngestRecord) -> None:
        """Write (or replace) a file's ingest row."""
        row = {**{k: getattr(rec, k) for k in IngestRecord.__dataclass_fields__}, "id": rec.id}
        self._replace(ingests, [row])

    def take_over_ingest(self, old: IngestRecord, pid: int, host: str, heartbeat: float) -> bool:
        """Move a dead ingest's lease to this process, only if nobody changed it since `old` was read
        (two resumes started at once: one wins, the other is refused). True when taken."""
        q = (
            update(ingests)
            .where(ingests.c.id == old.id, ingests.c.pid == old.pid, ingests.c.heartbeat == old.heartbeat)
            .values(pid=pid, host=host, heartbeat=heartbeat, state="running")
        )
        return bool(self._run(lambda c: c.execute(q).rowcount) == 1)

    def ingests_of(self, stream_id: str) -> list[IngestRecord]:
        """The stream's file ingests, in the order they were started."""
        q = select(ingests).where(ingests.c.stream_id == stream_id).order_by(ingests.c.seq)
        return [_ingest(r._mapping) for r in self._run(lambda c: c.execute(q).all())]

    def update_ingest(self, stream_id: str, fingerprint: str, **values: Any) -> None:
        """Set some of an ingest row's columns (state, transcribed_t, pid, host, heartbeat)."""
        key = f"{stream_id}:{fingerprint}"
        self._run(lambda c: c.execute(update(ingests).where(ingests.c.id == key).values(**values)))

    def delete_content_from(self, stream_id: str, t: float) -> int:
        """Remove the stream's utterances (with their claims and risks) that start at or after `t`: the
        uncommitted tail of an interrupted transcription. Returns the utterances removed."""

        def op(conn: Any) -> int:
            ids = [r[0] for r in conn.execute(
                select(utterances.c.id).where(utterances.c.stream_id == stream_id, utterances.c.t0 >= t)
            )]
            if ids:
                conn.execute(delete(utterances).where(utterances.c.id.in_(ids)))
                conn.execute(delete(risks).where(risks.c.stream_id == stream_id, risks.c.utterance_id.in_(ids)))
                for doc in conn.execute(select(claims.c.id, claims.c.doc).where(claims.c.stream_id == stream_id)):
                    if doc[1].get("utterance_id") in ids:
                        conn.execute(delete(claims).where(claims.c.id == doc[0]))
            return len(ids)

        return int(self._run(op))

    def risks_by_utterance(self, stream_id: str) -> dict[str, list[Risk]]:
        """The stream's risk flags grouped by utterance id (to re-index utterances from the catalog)."""
        q = select(risks.c.utterance_id, risks.c.doc).where(risks.c.stream_id == stream_id).order_by(risks.c.id)
        out: dict[str, list[Risk]] = {}
        for utt_id, doc in self._run(lambda c: c.execute(q).all()):
            out.setdefault(utt_id, []).append(Risk.model_validate(doc))
        return out


def _ingest(row: Any) -> IngestRecord:
    return IngestRecord(**{k: row[k] for k in IngestRecord.__dataclass_fields__})


def _stream(row: Any) -> Stream:
    data = dict(row)
    if data["started_at"].tzinfo is None:  # SQLite drops the zone; we only ever store UTC
        data["started_at"] = data["started_at"].replace(tzinfo=UTC)
    return Stream(**data)


def _private_sqlite_file(url: str) -> None:
    """Make a SQLite catalog's file 0600 (its folder 0700 where we create it), whatever the umask.

    SQLite gives its -journal and -wal files the database file's mode, so they follow. An existing
    file is narrowed too: the catalog holds every quote and claim, like the store's 0600 objects.
    """
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return
    if parsed.database.startswith("file:"):  # a URI filename: SQLite's own business
        return
    path = Path(parsed.database)
    missing = [p for p in path.parents if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for suffix in ("", "-journal", "-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        try:
            os.chmod(side, 0o600)
        except FileNotFoundError:
            continue
        except PermissionError:  # another user's file (a shared catalog): its owner decides its mode
            continue
