"""Outages with real parts: the broker (a private redis-server) or the database (a private PostgreSQL
cluster) goes away while a window is being transcribed and comes back; the workers wait and resume,
and the result equals the in-process pipeline's on the same file: every window once, nothing lost,
nothing twice. The per-window work audio is gone from the store once the stream is done."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.distributed import tasks
from pipeline.distributed.app import make_celery
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services, load_products
from pipeline.session import SessionRunner, new_stream
from pipeline.settings import Settings
from storage.work import WorkLedger
from tests.capture.conftest import wait_for
from tests.distributed.conftest import STREAM, complete, deploy, in_flight

pytestmark = [pytest.mark.services, pytest.mark.slow]
SAMPLES = SAMPLE_DIR
Result = tuple[list[tuple[str, str]], list[tuple[str, str, str, str | None]]]


def _result(services: Services) -> Result:
    utts = [(u.id, u.text) for u in services.catalog.utterances(STREAM)]
    claims = sorted(
        (c.id, c.type.value, c.quote, c.product) for c in services.catalog.claims(stream_id=STREAM)
    )
    return utts, claims


@pytest.fixture(scope="module")
def in_process(clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Result:
    services = Services(
        Settings(
            data_dir=tmp_path_factory.mktemp("inproc"),
            whisper_threads=1,
            broker_url=None,
            database_url=None,
            store_url=None,
        )
    )
    products = load_products(SAMPLES / "products.json")
    SessionRunner(services, new_stream(STREAM, source=str(clip), merchant="m"), products).ingest_file(clip)
    return _result(services)


def _check(services: Services, ledger: WorkLedger, in_process: Result, tmp_path: Path) -> list[dict]:
    windows = ledger.windows(STREAM)
    assert [w["n"] for w in windows] == list(range(len(windows))) and windows
    assert all(w["status"] == "done" for w in windows)
    utts, claims = _result(services)
    assert utts == in_process[0], "utterances differ from the in-process pipeline's"
    assert claims == in_process[1], "claims differ from the in-process pipeline's"
    assert not list((tmp_path / "store" / "work").rglob("*.f32")), "work audio left in the store"
    return windows


def test_broker_outage_while_transcribing(
    clip, in_process, redis_server, pg_url, workers, tmp_path, monkeypatch
) -> None:
    services, ledger = deploy(redis_server, pg_url, tmp_path, workers, monkeypatch)
    app = make_celery(services.settings)
    tasks.submit(app, STREAM, str(clip), products_file=SAMPLES / "products.json")
    wait_for(lambda: in_flight(ledger), 90, "a window being transcribed")
    running = next(w["n"] for w in ledger.windows(STREAM) if w["status"] == "running")

    redis_server.stop()
    # the window in flight is finished and committed while the broker is away
    wait_for(lambda: ledger.windows(STREAM)[running]["status"] == "done", 60, "the window to finish")
    redis_server.start()

    wait_for(lambda: complete(ledger, services), 90, "the stream transcribed and indexed", every=0.5)
    windows = _check(services, ledger, in_process, tmp_path)
    assert all(w["attempts"] == 1 for w in windows), "a window was transcribed twice"


def test_database_outage_while_transcribing(
    clip, in_process, redis_server, pg_server, workers, tmp_path, monkeypatch
) -> None:
    services, ledger = deploy(redis_server, pg_server.url, tmp_path, workers, monkeypatch)
    app = make_celery(services.settings)
    tasks.submit(app, STREAM, str(clip), products_file=SAMPLES / "products.json")
    wait_for(lambda: in_flight(ledger), 90, "a window being transcribed")

    pg_server.stop()
    services.catalog.engine.dispose()
    # a task met the outage (its commit failed) and is being retried: Celery logs "Retry in Ns"
    logs = [tmp_path / "worker-asr.log", tmp_path / "worker-capture-index.log"]
    wait_for(
        lambda: any("Retry in" in p.read_text(errors="replace") for p in logs),
        60,
        "a task to meet the outage",
    )
    pg_server.start()

    wait_for(lambda: complete(ledger, services), 90, "the stream transcribed and indexed", every=0.5)
    windows = _check(services, ledger, in_process, tmp_path)
    assert any(w["attempts"] > 1 for w in windows), "the interrupted window was not redone"
