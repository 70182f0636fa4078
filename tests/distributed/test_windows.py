"""The distributed stages, without Celery (SQLite + a local folder): transcribing window by window
from the ledger gives the in-process pipeline's utterances (same ids, same text) and claims, a
window redone after a crash rewrites the same rows, and the work audio is deleted as the windows
commit (idempotently: a step redone after the deletes is fine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.distributed.stages import capture_file, index_ready, transcribe_next
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services, load_products
from pipeline.session import SessionRunner, new_stream
from pipeline.settings import Settings
from storage.work import WorkLedger, work_cursors

from .conftest import cut_sample

pytestmark = pytest.mark.slow
SAMPLES = SAMPLE_DIR


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cut_sample(tmp_path_factory.mktemp("media") / "clip.mp4", 0, 45)


def test_window_by_window_equals_in_process(clip: Path, tmp_path: Path) -> None:
    products = load_products(SAMPLES / "products.json")
    inproc = Services(Settings(data_dir=tmp_path / "a", whisper_threads=1))
    SessionRunner(inproc, new_stream("s", source=str(clip), merchant="m"), products).ingest_file(clip)

    dist = Services(Settings(data_dir=tmp_path / "b", whisper_threads=1))
    ledger = WorkLedger(dist.catalog.engine).load()
    ledger.open_stream("s", products)
    capture_file(dist, ledger, new_stream("s", source=str(clip), merchant="m"), clip, lambda: None)
    ledger.finish_capture("s")
    transcriber = dist.transcriber(products)
    pieces = list(dist.store.list("work/s/audio/"))
    steps = []
    while not (step := transcribe_next(dist, ledger, "s", transcriber)).done:
        steps.append(step.window)
        index_ready(dist, ledger, "s", dist.extractor)  # stitched as windows arrive, as the index queue does
        left = list(dist.store.list("work/s/audio/"))
        assert len(left) < len(pieces) or len(steps) == 1, "committed windows' audio is not deleted"
    assert steps == list(range(len(steps))) and steps
    assert pieces and not list(dist.store.list("work/s/audio/")), "work audio left after the stream is done"
    audio_end = ledger.progress()[0].audio_end  # the ledger rows stay: status still times the stream

    # the deletes redone (a step retried after it deleted, before its cursor committed): a no-op
    with dist.catalog.engine.begin() as c:
        state = c.exec_driver_sql("select state from work_cursors where stage = 'asr'").scalar_one()
        state = json.loads(state) if isinstance(state, str) else state
        c.execute(
            work_cursors.update().where(work_cursors.c.stage == "asr").values(state={**state, "freed": 0})
        )
    assert transcribe_next(dist, ledger, "s", transcriber).done
    assert ledger.progress()[0].audio_end == audio_end > 40

    # a window redone (a retried task after a crash) rewrites the same rows
    with dist.catalog.engine.begin() as c:
        c.exec_driver_sql("update work_cursors set state = '{}' where stage = 'index'")
    index_ready(dist, ledger, "s", dist.extractor)

    a, b = inproc.catalog.utterances("s"), dist.catalog.utterances("s")
    assert [(u.id, u.text) for u in b] == [(u.id, u.text) for u in a]
    key = lambda c: (c.id, c.type.value, c.quote, c.product)  # noqa: E731
    assert sorted(map(key, dist.catalog.claims("s"))) == sorted(map(key, inproc.catalog.claims("s")))
    assert len(dist.index) == len(inproc.index)
