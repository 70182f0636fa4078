"""A locked stage cursor as a unit of work: the reads and writes of one `asr` or `index` step,
all in the cursor's transaction, with typed methods, so no SQLAlchemy reaches the stages."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection

from models import Utterance
from storage.work_tables import AudioPiece, work_audio, work_cursors, work_streams, work_windows


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DoneWindow:
    """A transcribed window as the index stage stitches it: its number, end and utterances."""

    n: int
    t1: float
    utterances: list[Utterance]


class StageCursor:
    """One stage cursor of one stream, locked in its own transaction (the unit of work of an `asr`
    or `index` step): what is read through it sees that transaction, and what is written through
    it commits together with the cursor's new state, or not at all."""

    def __init__(self, conn: Connection, stream_id: str, stage: str, state: dict[str, Any]) -> None:
        self._conn, self.stream_id, self.stage = conn, stream_id, stage
        self.state = state  # the JSON state last saved (empty for a new cursor)

    def capture_done(self) -> bool:
        return _capture_done(self._conn, self.stream_id)

    def pieces(self, start: int) -> list[AudioPiece]:
        """The stream's audio pieces from number `start` on, in order."""
        return _pieces(self._conn, self.stream_id, start)

    def done_windows(self, start: int) -> list[DoneWindow]:
        """The transcribed windows from number `start` up to the first one not yet done."""
        rows = self._conn.execute(
            select(work_windows.c.n, work_windows.c.t1, work_windows.c.utterances, work_windows.c.status)
            .where(work_windows.c.stream_id == self.stream_id, work_windows.c.n >= start)
            .order_by(work_windows.c.n)
        ).all()
        out: list[DoneWindow] = []
        for n, t1, utts, status in rows:
            if n != start + len(out) or status != "done":
                break  # stitch only up to the first window not yet transcribed
            out.append(DoneWindow(n, float(t1), [Utterance.model_validate(u) for u in utts]))
        return out

    def store_window(self, n: int, t0: float, t1: float, utterances: list[Utterance]) -> None:
        """Window n is done with these utterances (committed with the cursor)."""
        cond = and_(work_windows.c.stream_id == self.stream_id, work_windows.c.n == n)
        self._conn.execute(
            update(work_windows)
            .where(cond)
            .values(
                t0=t0,
                t1=t1,
                status="done",
                worker=worker_name(),
                utterances=[u.model_dump(mode="json") for u in utterances],
                finished_at=_now(),
            )
        )

    def save(self, state: dict[str, Any], t: float, done: bool) -> None:
        """The cursor's new state, the stream time it has reached and whether the stage is finished."""
        self._conn.execute(
            update(work_cursors)
            .where(work_cursors.c.stream_id == self.stream_id, work_cursors.c.stage == self.stage)
            .values(state=state, t=t, done=done, updated_at=_now())
        )
        self.state = state


def _pieces(conn: Connection, stream_id: str, start: int) -> list[AudioPiece]:
    rows = conn.execute(
        select(work_audio)
        .where(work_audio.c.stream_id == stream_id, work_audio.c.n >= start)
        .order_by(work_audio.c.n)
    ).all()
    return [AudioPiece(r.stream_id, r.n, r.t0, r.samples, r.key) for r in rows]


def _capture_done(conn: Connection, stream_id: str) -> bool:
    row = conn.execute(select(work_streams.c.capture_done).where(work_streams.c.stream_id == stream_id)).first()
    return bool(row and row[0])
