"""The work ledger's tables (in the catalog's `metadata`, so a deployment has one database) and the
plain records read from them; storage/work.py has the ledger that reads and writes them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Integer, String, Table, Text

from storage.catalog import metadata

work_streams = Table(
    "work_streams",
    metadata,
    Column("stream_id", String(128), primary_key=True),
    Column("products", JSON, nullable=False),
    Column("capture_done", Boolean, nullable=False, default=False),
    Column("error", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

work_audio = Table(
    "work_audio",
    metadata,
    Column("stream_id", String(128), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("t0", Float, nullable=False),
    Column("samples", Integer, nullable=False),
    Column("key", Text, nullable=False),
)

work_cursors = Table(
    "work_cursors",
    metadata,
    Column("stream_id", String(128), primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("t", Float, nullable=False, default=0.0),  # stream time the stage has reached
    Column("done", Boolean, nullable=False, default=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

work_windows = Table(
    "work_windows",
    metadata,
    Column("stream_id", String(128), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("t0", Float, nullable=False),
    Column("t1", Float, nullable=False),
    Column("status", String(16), nullable=False),  # running | done
    Column("worker", String(200), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("utterances", JSON, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)


@dataclass(frozen=True)
class AudioPiece:
    stream_id: str
    n: int
    t0: float
    samples: int
    key: str


@dataclass(frozen=True)
class StreamProgress:
    """One stream's distributed progress, for `onrecord status`."""

    stream_id: str
    capture_done: bool
    audio_end: float
    asr_t: float
    indexed_t: float
    windows: int
    retried_windows: int
    error: str | None
