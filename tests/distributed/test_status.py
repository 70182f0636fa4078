"""`onrecord status` on a running deployment (private Redis, a fresh PostgreSQL database, two workers):
while a window is being transcribed it shows the stream with its lag, the depth of every queue and
both workers, the busy one with its task; once the stream is done its lag is 0."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pipeline import tasks
from pipeline.celery_app import QUEUES, make_celery
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


def test_status_shows_streams_lag_queues_and_workers(
    clip: Path, redis_server, pg_url, workers, tmp_path, monkeypatch
) -> None:
    services, ledger = deploy(redis_server, pg_url, tmp_path, workers, monkeypatch)
    tasks.submit(make_celery(services.settings), STREAM, str(clip), products_file=SAMPLES / "products.json")
    wait_for(lambda: in_flight(ledger), 90, "a window being transcribed")

    mid = json.loads(_status("--json"))
    (row,) = [s for s in mid["streams"] if s["stream"] == STREAM]
    assert row["capture_done"] and row["audio_s"] > 45
    assert row["lag_s"] == pytest.approx(row["audio_s"] - row["indexed_s"], abs=0.01) and row["lag_s"] > 0
    assert set(mid["queues"]) == set(QUEUES) and all(isinstance(n, int) for n in mid["queues"].values())
    assert len(mid["workers"]) == 2, "both workers answer, the busy one too"
    # the asr worker may have moved on to the next window by the time it answered; it runs one task
    assert (
        any(any("onrecord.asr" in t for t in running) for running in mid["workers"].values())
        or mid["running"]
    )
    text = _status()
    assert f"{STREAM}: captured" in text and "lag" in text and "queues: capture" in text
    assert text.count("worker onrecord-") == 2

    wait_for(lambda: complete(ledger, services), 90, "the stream transcribed and indexed", every=0.5)
    end = json.loads(_status("--json"))
    (row,) = [s for s in end["streams"] if s["stream"] == STREAM]
    assert (
        row["lag_s"] == 0
        and row["indexed_s"] == pytest.approx(row["audio_s"], abs=0.01)
        and row["windows"] > 1
    )
    assert not end["running"]
