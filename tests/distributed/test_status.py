"""`onrecord status` on a running deployment (private Redis, a fresh PostgreSQL database), and a
broker that loses its queued messages.

A file is captured while no asr worker runs: status shows the stream with all of its audio as lag
and its kicks waiting in the asr queue. The broker then loses every message (FLUSHALL, as a Redis
restarted without its data); an asr worker starts, and the index worker's sweeper re-kicks the
stalled stream. While a window is transcribed, status shows both workers, the busy one too; once
the stream is done its lag is 0.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import redis

from pipeline.distributed import tasks
from pipeline.distributed.app import make_celery
from pipeline.distributed.queues import QUEUES
from tests.capture.conftest import wait_for
from tests.distributed.conftest import ONRECORD, SAMPLES, STREAM, complete, deploy, in_flight

pytestmark = [pytest.mark.services, pytest.mark.slow]


def _status(*args: str) -> str:
    done = subprocess.run(
        [ONRECORD, "status", *args],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def _row(status: dict) -> dict:
    (row,) = [s for s in status["streams"] if s["stream"] == STREAM]
    return row


def test_status_and_a_broker_that_lost_its_queue(
    clip: Path, redis_server, pg_url, workers, tmp_path, monkeypatch
) -> None:
    extra = {"ONRECORD_SWEEP_S": "2"}
    services, ledger = deploy(redis_server, pg_url, tmp_path, workers, monkeypatch, asr=False, extra=extra)
    tasks.submit(make_celery(services.settings), STREAM, str(clip), products_file=SAMPLES / "products.json")
    wait_for(lambda: any(p.capture_done for p in ledger.progress()), 90, "the file captured")

    backlog = json.loads(_status("--json"))
    assert _row(backlog)["audio_s"] > 45 and _row(backlog)["lag_s"] == _row(backlog)["audio_s"]
    assert set(backlog["queues"]) == set(QUEUES) and backlog["queues"]["asr"] > 0
    assert len(backlog["workers"]) == 1

    redis.Redis.from_url(redis_server.url).flushall()  # the broker lost every queued message
    workers("asr", "--loglevel", "info", name="asr", env=extra)
    wait_for(lambda: in_flight(ledger), 90, "the sweeper to re-kick the stream and a window to start")

    mid = json.loads(_status("--json"))
    row = _row(mid)
    assert row["lag_s"] == pytest.approx(row["audio_s"] - row["indexed_s"], abs=0.01) and row["lag_s"] > 0
    assert all(isinstance(n, int) for n in mid["queues"].values())
    assert len(mid["workers"]) == 2, "both workers answer, the busy one too"
    text = _status()
    assert f"{STREAM}: captured" in text and "lag" in text and "queues: capture" in text
    assert text.count("worker onrecord-") == 2

    wait_for(lambda: complete(ledger, services), 90, "the stream transcribed and indexed", every=0.5)
    end = _row(json.loads(_status("--json")))
    assert (
        end["lag_s"] == 0
        and end["indexed_s"] == pytest.approx(end["audio_s"], abs=0.01)
        and end["windows"] > 1
    )
    assert "re-kicked 1 unfinished stream" in (tmp_path / "worker-capture-index.log").read_text(
        errors="replace"
    )
