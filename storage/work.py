"""The distributed pipeline's ledger: audio pieces, per-stream stage cursors and transcribed windows.

Tables live in the catalog's database (same `metadata`), so a deployment has one PostgreSQL:

    work_streams    one row per stream in distributed mode: products, capture finished or not
    work_audio      (stream, n): a piece of 16 kHz audio the capture stage spooled to the store
    work_cursors    (stream, stage): where the `asr` / `index` stage of a stream has got to; the
                    row is locked (FOR UPDATE SKIP LOCKED) while a worker advances it, so one
                    stream's stage never runs twice at once, and the lock dies with the worker
    work_windows    (stream, n): one transcribed speech window: its utterances, its attempts

Every write is a replace by primary key, so a retried task rewrites the same rows. While the database
is unreachable (an outage, a failover), opening a transaction is retried with bounded backoff for up
to `CONNECT_RETRY_S`; a transaction cut off midway raises CatalogError and its task is retried.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_exponential

from models import CatalogError, Product
from storage.catalog import metadata
from storage.work_cursor import StageCursor, worker_name
from storage.work_tables import (
    AudioPiece,
    StreamProgress,
    work_audio,
    work_cursors,
    work_streams,
    work_windows,
)

__all__ = [
    "AudioPiece",
    "StreamProgress",
    "WorkLedger",
    "work_audio",
    "work_cursors",
    "work_streams",
    "work_windows",
]


CONNECT_RETRY_S = 60.0  # how long a worker waits for the database before its task fails (and is retried)


def _now() -> datetime:
    return datetime.now(UTC)


class WorkLedger:
    """The ledger over an engine (the catalog's). Raises CatalogError when the database fails."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def load(self) -> WorkLedger:
        tables = [work_streams, work_audio, work_cursors, work_windows]
        for attempt in range(3):  # several workers creating the tables at once can race on PostgreSQL
            try:
                metadata.create_all(self.engine, tables=tables)
                return self
            except SQLAlchemyError as exc:
                if attempt == 2:
                    raise CatalogError(f"cannot create the work tables: {exc}") from exc
        return self

    def _connect(self) -> Connection:
        """A live connection (the pool pings it first), waiting out a database outage with backoff."""
        for attempt in Retrying(
            retry=retry_if_exception_type((OperationalError, InterfaceError)),
            wait=wait_exponential(multiplier=0.2, max=5.0),
            stop=stop_after_delay(CONNECT_RETRY_S),
            reraise=True,
        ):
            with attempt:
                return self.engine.connect()
        raise AssertionError("unreachable: Retrying either returns or re-raises")

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self._connect() as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise CatalogError(f"work ledger operation failed: {exc}") from exc

    # streams and audio ------------------------------------------------------
    def open_stream(self, stream_id: str, products: list[Product]) -> None:
        """Register a stream for distributed processing (again: keeps its cursors, reopens capture)."""
        rows = [p.model_dump(mode="json") for p in products]
        with self._tx() as c:
            c.execute(delete(work_streams).where(work_streams.c.stream_id == stream_id))
            c.execute(
                insert(work_streams).values(
                    stream_id=stream_id, products=rows, capture_done=False, updated_at=_now()
                )
            )

    def products(self, stream_id: str) -> list[Product]:
        """The products the stream was opened with ([] for a stream the ledger does not know)."""
        with self._tx() as c:
            row = c.execute(
                select(work_streams.c.products).where(work_streams.c.stream_id == stream_id)
            ).first()
        return [Product.model_validate(p) for p in row[0]] if row else []

    def finish_capture(self, stream_id: str, error: str | None = None) -> None:
        with self._tx() as c:
            c.execute(
                update(work_streams)
                .where(work_streams.c.stream_id == stream_id)
                .values(capture_done=True, error=error, updated_at=_now())
            )

    def next_piece_number(self, stream_id: str) -> int:
        with self._tx() as c:
            n = c.execute(
                select(func.max(work_audio.c.n)).where(work_audio.c.stream_id == stream_id)
            ).scalar()
        return 0 if n is None else int(n) + 1

    def add_piece(self, piece: AudioPiece) -> None:
        with self._tx() as c:
            cond = and_(work_audio.c.stream_id == piece.stream_id, work_audio.c.n == piece.n)
            c.execute(delete(work_audio).where(cond))
            c.execute(
                insert(work_audio).values(
                    stream_id=piece.stream_id, n=piece.n, t0=piece.t0, samples=piece.samples, key=piece.key
                )
            )

    # cursors ------------------------------------------------------------------
    @contextmanager
    def cursor(self, stream_id: str, stage: str) -> Iterator[StageCursor | None]:
        """Lock the stream's `stage` cursor for one transaction; yields it as a StageCursor, or None
        when another worker holds it. Whatever is written through it commits with the cursor."""
        with self._tx() as c:
            exists = c.execute(
                select(work_cursors.c.stream_id).where(
                    work_cursors.c.stream_id == stream_id, work_cursors.c.stage == stage
                )
            ).first()
        if exists is None:
            self._create_cursor(stream_id, stage)
        with self._tx() as c:
            row = c.execute(
                select(work_cursors.c.state)
                .where(work_cursors.c.stream_id == stream_id, work_cursors.c.stage == stage)
                .with_for_update(skip_locked=True)
            ).first()
            yield StageCursor(c, stream_id, stage, dict(row[0])) if row is not None else None

    def _create_cursor(self, stream_id: str, stage: str) -> None:
        try:
            with self._tx() as c:
                c.execute(
                    insert(work_cursors).values(
                        stream_id=stream_id, stage=stage, state={}, t=0.0, done=False, updated_at=_now()
                    )
                )
        except CatalogError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise  # created meanwhile by another worker: the row is what we need

    # windows ------------------------------------------------------------------
    def mark_running(self, stream_id: str, n: int, t0: float) -> None:
        """Say (committed at once) that this worker has started window n: how tests and status see it."""
        with self._tx() as c:
            cond = and_(work_windows.c.stream_id == stream_id, work_windows.c.n == n)
            row = c.execute(select(work_windows.c.attempts).where(cond)).first()
            values = {"status": "running", "worker": worker_name(), "started_at": _now(), "t0": t0}
            if row is None:
                c.execute(
                    insert(work_windows).values(
                        stream_id=stream_id, n=n, t1=t0, attempts=1, utterances=[], **values
                    )
                )
            else:
                c.execute(update(work_windows).where(cond).values(attempts=row[0] + 1, **values))

    def windows(self, stream_id: str) -> list[dict[str, Any]]:
        with self._tx() as c:
            rows = c.execute(
                select(work_windows).where(work_windows.c.stream_id == stream_id).order_by(work_windows.c.n)
            ).all()
        return [dict(r._mapping) for r in rows]

    # status -------------------------------------------------------------------
    def progress(self) -> list[StreamProgress]:
        with self._tx() as c:
            streams = c.execute(select(work_streams).order_by(work_streams.c.stream_id)).all()
            ends: dict[str, float] = {
                str(r[0]): float(r[1])
                for r in c.execute(
                    select(
                        work_audio.c.stream_id, func.max(work_audio.c.t0 + work_audio.c.samples / 16000.0)
                    ).group_by(work_audio.c.stream_id)
                ).all()
            }
            cursors: dict[tuple[str, str], float] = {
                (r.stream_id, r.stage): float(r._mapping["t"]) for r in c.execute(select(work_cursors)).all()
            }
            counts = {
                r[0]: (int(r[1]), int(r[2] or 0))
                for r in c.execute(
                    select(
                        work_windows.c.stream_id,
                        func.count(),
                        func.sum(func.cast(work_windows.c.attempts > 1, Integer)),
                    ).group_by(work_windows.c.stream_id)
                ).all()
            }
        return [
            StreamProgress(
                s.stream_id,
                bool(s.capture_done),
                float(ends.get(s.stream_id) or 0.0),
                float(cursors.get((s.stream_id, "asr"), 0.0)),
                float(cursors.get((s.stream_id, "index"), 0.0)),
                counts.get(s.stream_id, (0, 0))[0],
                counts.get(s.stream_id, (0, 0))[1],
                s.error,
            )
            for s in streams
        ]
