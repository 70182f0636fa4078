"""A full disk during a live recording (issue 19): `onrecord record` ends with one `error:` line and
exit 2, the stream is failed in the manifest and the catalog, the hole is a gap with its reason from
the last good segment, and what was recorded before still verifies. The store's folder is a real
3 MB tmpfs, filled up while the recorder is on air (RTMP from nginx, ffmpeg publishing in real time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from models import StreamStatus
from pipeline.services import Services
from pipeline.settings import Settings
from tests.conftest import tmpfs_mount

from .conftest import manifest_of, wait_for

pytestmark = pytest.mark.services


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs mounted for the test and always unmounted."""
    with tmpfs_mount(tmp_path / "tmpfs", "3m") as where:
        yield where


def _fill(folder: Path, leave: int) -> None:
    """Take every free byte of `folder`'s file system, then give back `leave` bytes."""
    filler = folder / f"filler-{uuid.uuid4().hex}"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        block = b"\0" * 65536
        while True:
            try:
                os.write(fd, block)
            except OSError:
                break
        while True:  # the last partial block
            try:
                os.write(fd, b"\0" * 4096)
            except OSError:
                break
        os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    finally:
        os.close(fd)


def test_a_full_disk_fails_the_recording_and_keeps_what_was_recorded(
    tmp_path, tmpfs, nginx_rtmp, publish, long_tone
) -> None:
    url = f"{nginx_rtmp}/full"
    publish(long_tone, url)
    env = {
        **os.environ,
        "ONRECORD_DATA_DIR": str(tmp_path),
        "ONRECORD_STORE_URL": f"file://{tmpfs}",
        "ONRECORD_SEGMENT_SECONDS": "2",
    }
    cmd = [sys.executable, "-m", "pipeline.cli", "record", url, "--stream", "full", "--no-transcribe"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len((manifest_of(tmpfs, "full") or {}).get("entries", [])) >= 2, 30, "two segments")
        # just after a segment and its manifest were written: room for a manifest, not a segment
        _fill(tmpfs, leave=24 * 1024)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, (proc.returncode, stdout, stderr)
    assert len(lines) == 1 and lines[0].startswith("error:") and "No space left" in lines[0], stderr

    manifest = manifest_of(tmpfs, "full")
    assert manifest is not None and manifest["stream"]["status"] == "failed", manifest["stream"]
    last = manifest["entries"][-1]
    assert last["kind"] == "gap" and "No space left" in last["reason"], last
    assert manifest["entries"][-2]["kind"] == "segment" and last["t1"] > last["t0"]

    catalog = Services(Settings(data_dir=tmp_path, store_url=f"file://{tmpfs}")).catalog.get_stream("full")
    assert catalog is not None and catalog.status is StreamStatus.FAILED
    assert "No space left" in (catalog.error or "")

    verify = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "verify", "--stream", "full", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(verify.stdout)
    assert verify.returncode == 0 and report["ok"], report
    assert len(report["gaps"]) == 1 and "No space left" in report["gaps"][0]["reason"]
