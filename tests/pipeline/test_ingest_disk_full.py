"""A real `onrecord ingest` into a data dir on a tiny tmpfs: the full disk ends it as `failed` with one
`error:` line naming the disk (exit 2), the hole from the last good segment is a recorded gap with the
reason, and what was recorded before verifies (issue 19)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from capture.archive import load_manifest
from capture.verify import verify_stream
from models import StreamStatus
from pipeline.settings import Settings
from storage.catalog import Catalog
from storage.objects import LocalStore
from tests.conftest import tmpfs_mount
from tests.pipeline.conftest import ONRECORD, SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (room for ~40 s of the sample with the catalog), always unmounted afterwards."""
    with tmpfs_mount(tmp_path / "tiny", "1m") as mount:
        yield mount


def test_full_disk_fails_the_ingest_cleanly_with_a_recorded_gap(tiny_disk: Path, model_env: dict[str, str]) -> None:
    data_dir = tiny_disk / "data"
    env = {**model_env, "ONRECORD_DATA_DIR": str(data_dir)}
    cmd = [*ONRECORD, "ingest", str(SAMPLES / "sample_stream.mp4"), "--stream", "s"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)

    assert done.returncode == 2, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert "segments" in errors[0]  # the first failure (the capture's segment write), not a later one

    store = LocalStore(Settings(data_dir=data_dir).resolved_store_url.removeprefix("file://"))
    manifest = load_manifest(store, "s")
    assert manifest is not None and manifest.stream.status is StreamStatus.FAILED
    assert manifest.gaps and manifest.gaps[-1].t0 == pytest.approx(manifest.segments[-1].t1)
    assert "No space left on device" in manifest.gaps[-1].reason
    report = verify_stream(store, "s")
    assert report.ok and report.segments == len(manifest.segments) > 0, report
    stream = Catalog(Settings(data_dir=data_dir).resolved_database_url).load().get_stream("s")
    assert stream is not None and stream.status is StreamStatus.FAILED and "No space" in (stream.error or "")
