"""Re-kicks streams whose messages the broker lost, so that no work waits forever.

The ledger (PostgreSQL), not the broker, knows what is left to do: each `asr` and `index` task
kicks the next one, so a chain lives in one message at a time. A broker restarted without its
data (no append-only file, a failover to a replica that lacked the last writes) drops the messages
that were waiting, and with them the chains of their streams. The sweeper, a thread in the index
worker (there is exactly one), looks every `sweep_s` seconds: when the `asr` and `index` queues are
both empty, every stream the ledger shows unfinished and that has not moved since the last look
(captured, transcribed and indexed seconds all unchanged) gets one `asr` and one `index` kick.
Kicks are idempotent (a stream with nothing to do returns at once; one being worked on is skipped);
kicking only stalled streams into empty queues keeps healthy chains from being doubled.
"""

from __future__ import annotations

import logging
import threading

from celery import Celery

from pipeline.distributed.status import queue_depths
from pipeline.services import Services
from pipeline.settings import Settings
from storage.work import StreamProgress, WorkLedger

log = logging.getLogger("onrecord.sweeper")
EPS_S = 0.01


def unfinished(p: StreamProgress) -> bool:
    """Still being captured, or captured audio not yet transcribed, or transcripts not yet indexed."""
    return not p.capture_done or p.asr_t < p.audio_end - EPS_S or p.indexed_t < p.asr_t - EPS_S


Marks = dict[str, tuple[bool, float, float, float]]


def sweep(app: Celery, ledger: WorkLedger, before: Marks) -> tuple[list[str], Marks]:
    """Kick every unfinished stream that has not moved since `before` (the previous sweep's marks),
    if the asr and index queues are empty. Returns the streams kicked and the marks for the next sweep."""
    rows = ledger.progress()
    marks = {p.stream_id: (p.capture_done, p.audio_end, p.asr_t, p.indexed_t) for p in rows}
    depths = queue_depths(app)
    if depths.get("asr") or depths.get("index"):
        return [], marks
    kicked = [p.stream_id for p in rows if unfinished(p) and before.get(p.stream_id) == marks[p.stream_id]]
    for stream_id in kicked:
        app.send_task("onrecord.asr", args=[stream_id])
        app.send_task("onrecord.index", args=[stream_id])
    return kicked, marks


class Sweeper:
    """The sweep, every `every_s` seconds on a daemon thread, until `stop()`."""

    def __init__(self, app: Celery, settings: Settings, every_s: float) -> None:
        self.app, self.settings, self.every_s = app, settings, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="onrecord-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        services = Services(self.settings)  # its own engine: nothing shared with the task threads
        ledger = WorkLedger(services.catalog.engine)
        marks: Marks = {}
        while not self._stop.wait(self.every_s):
            try:
                kicked, marks = sweep(self.app, ledger, marks)
            except Exception as exc:  # noqa: BLE001  an outage: log it and look again at the next tick
                log.warning("sweep failed (tried again in %.0fs): %s", self.every_s, exc)
                continue
            if kicked:
                log.warning("re-kicked %d unfinished stream(s) with nothing queued: %s", len(kicked), kicked)
