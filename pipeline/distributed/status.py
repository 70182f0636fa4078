"""`onrecord status`: streams and their lag, queue depths and workers of a distributed deployment."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from celery import Celery

from pipeline.distributed.queues import QUEUES
from pipeline.services import Services
from storage.work import WorkLedger


@dataclass
class StreamStatusRow:
    stream: str
    capture_done: bool
    audio_s: float  # audio captured so far (stream clock)
    transcribed_s: float
    indexed_s: float
    lag_s: float  # captured − indexed: how far search is behind the recording
    windows: int
    retried_windows: int
    error: str | None


@dataclass
class ClusterStatus:
    streams: list[StreamStatusRow] = field(default_factory=list)
    queues: dict[str, int] = field(default_factory=dict)  # messages waiting per queue
    workers: dict[str, list[str]] = field(default_factory=dict)  # worker → tasks it is running
    running: list[dict[str, Any]] = field(default_factory=list)  # windows being transcribed now

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gather(services: Services, app: Celery | None, timeout_s: float = 1.0) -> ClusterStatus:
    """Status from the ledger (always) and from the broker and workers (when `app` is given).
    Workers answer while busy (threads pool); a solo-pool worker answers only between tasks."""
    ledger = WorkLedger(services.catalog.engine).load()
    status = ClusterStatus()
    for p in ledger.progress():
        status.streams.append(
            StreamStatusRow(
                p.stream_id,
                p.capture_done,
                round(p.audio_end, 2),
                round(p.asr_t, 2),
                round(p.indexed_t, 2),
                round(max(0.0, p.audio_end - p.indexed_t), 2),
                p.windows,
                p.retried_windows,
                p.error,
            )
        )
    for s in status.streams:
        status.running += [
            {"stream": s.stream, "window": w["n"], "t0": w["t0"], "worker": w["worker"]}
            for w in ledger.windows(s.stream)
            if w["status"] == "running"
        ]
    if app is not None:
        status.queues = queue_depths(app)
        active = app.control.inspect(timeout=timeout_s).active() or {}
        status.workers = {
            name: [f"{t['name']}{t.get('args')}" for t in tasks] for name, tasks in active.items()
        }
    return status


def queue_depths(app: Celery) -> dict[str, int]:
    depths: dict[str, int] = {}
    with app.connection_for_read() as conn:
        channel = conn.default_channel
        for q in QUEUES:
            depths[q] = int(channel.queue_declare(queue=q).message_count)  # declaring is idempotent
    return depths
