"""OnRecord's Celery tasks and the per-process state behind them.

    onrecord.capture(stream_id, source, ...)  queue capture: archive + audio spool, then `asr` kicks
    onrecord.asr(stream_id)                   queue asr: the stream's next window (chains itself)
    onrecord.index(stream_id)                 queue index: stitch transcribed windows into claims,
                                              catalog and the search index

Each worker process builds its Services once and loads a model on its first task that needs it
(warmed at process start for the queues it serves). Only `index` tasks write the faiss/BM25
index: deploy exactly one index worker process (`onrecord worker --queues index`), so the index
on its disk is written by one process; catalog rows are written by whoever runs the task.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import Celery, Task, signals
from sqlalchemy.exc import SQLAlchemyError

from models import CatalogError, Product, StorageError
from pipeline.distributed.stages import capture_file, capture_live, index_ready, transcribe_next
from pipeline.distributed.sweeper import Sweeper
from pipeline.services import Services, load_products
from pipeline.session import new_stream
from pipeline.settings import Settings
from storage.work import WorkLedger

if TYPE_CHECKING:
    from claims.extractor import ClaimExtractor
    from transcribe.corrected import Corrected
    from transcribe.correction import DomainCorrector
    from transcribe.transcriber import FasterWhisperTranscriber

log = logging.getLogger("onrecord.tasks")
RETRYABLE = (CatalogError, StorageError, SQLAlchemyError, OSError)
RETRY = {"autoretry_for": RETRYABLE, "retry_backoff": 1, "retry_backoff_max": 30, "max_retries": None}


def _digest(products: list[Product]) -> str:
    raw = json.dumps([p.model_dump(mode="json") for p in products], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


class WorkerContext:
    """What one worker process keeps between tasks: services, one transcriber, extractors."""

    def __init__(self, settings: Settings) -> None:
        self.services = Services(settings)
        self._ledger: WorkLedger | None = None
        self._engine: FasterWhisperTranscriber | None = None
        self._correctors: dict[str, DomainCorrector] = {}
        self._extractors: dict[str, ClaimExtractor] = {}

    @property
    def ledger(self) -> WorkLedger:
        if self._ledger is None:
            self._ledger = WorkLedger(self.services.catalog.engine).load()
        return self._ledger

    def products(self, stream_id: str) -> list[Product]:
        return self.ledger.products(stream_id)

    def transcriber(self, products: list[Product]) -> Corrected:
        """The process's one speech engine (model loaded once), corrected for these products."""
        from transcribe.corrected import Corrected
        from transcribe.correction import DomainCorrector

        if self._engine is None:
            self._engine = self.services.engine()
        key = _digest(products)
        if key not in self._correctors:
            self._correctors[key] = DomainCorrector(products=products)
        return Corrected(self._engine, self._correctors[key])

    def extractor(self, products: list[Product]) -> ClaimExtractor:
        key = _digest(products)
        if key not in self._extractors:
            self._extractors[key] = self.services.extractor(products)
        return self._extractors[key]

    def warm(self, queues: list[str]) -> None:
        _ = self.ledger
        if "asr" in queues:
            self.transcriber([])
        if "index" in queues:
            self.services.embedder.load()
            self.services.index.load()


_context: WorkerContext | None = None
_warm_queues: list[str] = []


def context(settings: Settings) -> WorkerContext:
    global _context
    if _context is None:
        _context = WorkerContext(settings)
    return _context


def warm_on_start(queues: list[str]) -> None:
    """Say which queues this worker serves (set by the CLI): each prefork child loads their models
    when it starts (a solo or threads pool is warmed by the CLI itself), and the index worker sweeps."""
    _warm_queues[:] = queues


def register(app: Celery, settings: Settings, sweep_s: float = 60.0) -> None:
    """Define the tasks on `app`; their per-process state is built from `settings` on first use. The
    worker that serves `index` also runs the sweeper (every `sweep_s`; see pipeline/distributed/sweeper.py)."""

    @signals.worker_process_init.connect(weak=False)
    def _warm_child(**_: Any) -> None:
        context(settings).warm(_warm_queues)

    @signals.worker_ready.connect(weak=False)
    def _start_sweeper(**_: Any) -> None:
        if "index" in _warm_queues:
            Sweeper(app, settings, sweep_s).start()

    def kick_asr(stream_id: str) -> None:
        app.send_task("onrecord.asr", args=[stream_id])

    @app.task(name="onrecord.capture", bind=True, acks_late=False)
    def capture(
        self: Task,
        stream_id: str,
        source: str,
        products: list[dict[str, Any]] | None = None,
        merchant: str | None = None,
        duration_s: float | None = None,
        started_at: str | None = None,
    ) -> int:
        ctx = context(settings)
        items = [Product.model_validate(p) for p in products or []]
        ctx.ledger.open_stream(stream_id, items)
        stream = new_stream(
            stream_id,
            source=source,
            merchant=merchant or settings.merchant,
            started_at=datetime.fromisoformat(started_at) if started_at else None,
        )
        error: str | None = None
        try:
            if "://" in source:
                return capture_live(
                    ctx.services,
                    ctx.ledger,
                    stream,
                    source,
                    lambda: kick_asr(stream_id),
                    duration_s=duration_s,
                )
            return capture_file(ctx.services, ctx.ledger, stream, Path(source), lambda: kick_asr(stream_id))
        except Exception as exc:
            error = str(exc)
            raise
        finally:
            ctx.ledger.finish_capture(stream_id, error)
            kick_asr(stream_id)  # the last window of a finished stream is ready now

    @app.task(name="onrecord.asr", bind=True, **RETRY)
    def asr(self: Task, stream_id: str) -> int | None:
        ctx = context(settings)
        step = transcribe_next(ctx.services, ctx.ledger, stream_id, ctx.transcriber(ctx.products(stream_id)))
        if step.window is not None:
            app.send_task("onrecord.index", args=[stream_id])
            kick_asr(stream_id)  # the next window, if its audio is there (else that task just returns)
        elif step.done:
            app.send_task("onrecord.index", args=[stream_id])
        return step.window

    @app.task(name="onrecord.index", bind=True, **RETRY)
    def index(self: Task, stream_id: str) -> int:
        ctx = context(settings)
        return index_ready(ctx.services, ctx.ledger, stream_id, ctx.extractor)


def submit(
    app: Celery,
    stream_id: str,
    source: str,
    *,
    products_file: Path | None = None,
    merchant: str | None = None,
    duration_s: float | None = None,
    started_at: datetime | None = None,
) -> str:
    """Queue a recording (URL) or a backfill (file path the capture workers can read); returns the
    task id. Products are read here, so workers need no access to the products file."""
    products = [p.model_dump(mode="json") for p in load_products(products_file)]
    result = app.send_task(
        "onrecord.capture",
        args=[stream_id, source],
        kwargs={
            "products": products,
            "merchant": merchant,
            "duration_s": duration_s,
            "started_at": started_at.isoformat() if started_at else None,
        },
        queue="capture",
    )
    return str(result.id)
