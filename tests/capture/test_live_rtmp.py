"""Live RTMP capture against a real nginx-rtmp with ffmpeg publishing in real time.

A dropped publisher becomes exactly one gap of its length in the same chain; a recorder killed
with SIGKILL and started again continues the same stream without losing or rewriting a segment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import av
import pytest

from capture.archive import load_manifest
from capture.reconnect import Backoff
from capture.recorder import LiveRecorder, RecorderConfig
from capture.verify import verify_stream
from models import Stream, StreamStatus
from storage.objects import LocalStore

from .conftest import manifest_of, wait_for

pytestmark = pytest.mark.services
LIVE = RecorderConfig(
    segment_s=2.0, open_timeout_s=5.0, read_timeout_s=3.0, backoff=Backoff(0.2, 2.0, 0.5, 30.0)
)


def test_dropped_source_is_one_gap_of_its_length(local_store, nginx_rtmp, publish, long_tone) -> None:
    url = f"{nginx_rtmp}/gap"
    first = publish(long_tone, url)
    rec = LiveRecorder(local_store, Stream(id="g", started_at=datetime.now(UTC)), url, LIVE)
    stop = threading.Event()
    chunks = []
    thread = threading.Thread(target=lambda: chunks.extend(rec.run(stop)), daemon=True)
    thread.start()
    root = local_store.root
    wait_for(lambda: len((manifest_of(root, "g") or {}).get("entries", [])) >= 2, 30, "two segments")
    first.stop()
    dropped = time.monotonic()
    wait_for(
        lambda: (manifest_of(root, "g") or {}).get("stream", {}).get("status") == "reconnecting",
        10,
        "reconnect",
    )
    time.sleep(max(0.0, 5.0 - (time.monotonic() - dropped)))  # the outage itself: 5 s off air
    publish(long_tone, url, start=10.0)
    wait_for(
        lambda: (
            any(e["kind"] == "gap" for e in (manifest_of(root, "g") or {}).get("entries", []))
            and (manifest_of(root, "g") or {})["entries"][-1]["kind"] == "segment"
        ),
        30,
        "a segment after the gap",
    )
    stop.set()  # while the second publish is still on air: no trailing gap
    thread.join(timeout=20)
    assert not thread.is_alive()

    manifest = load_manifest(local_store, "g")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    assert len(manifest.gaps) == 1, manifest.gaps
    gap = manifest.gaps[0]
    assert 4.0 <= gap.t1 - gap.t0 <= 7.5 and gap.reason.startswith("source lost")
    report = verify_stream(local_store, "g")
    assert report.ok and report.coverage < 1.0
    assert any(c.t0 >= gap.t1 for c in chunks) and any(c.t1 <= gap.t0 for c in chunks)
    last = local_store.local_path(manifest.segments[-1].path)
    with av.open(str(last)) as c:  # stopped mid-segment: the last segment still plays
        assert sum(1 for _ in c.decode(c.streams.video[0])) > 0


def _record_cli(data_dir: Path, url: str, sid: str) -> subprocess.Popen:
    env = {**os.environ, "ONRECORD_DATA_DIR": str(data_dir), "ONRECORD_SEGMENT_SECONDS": "2"}
    cmd = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "record",
        url,
        "--stream",
        sid,
        "--no-transcribe",
        "--give-up",
        "30",
    ]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_and_restart_continue_one_stream(tmp_path, nginx_rtmp, publish, long_tone) -> None:
    url = f"{nginx_rtmp}/kill"
    publish(long_tone, url)
    root = tmp_path / "store"
    first = _record_cli(tmp_path, url, "k")
    wait_for(lambda: len((manifest_of(root, "k") or {}).get("entries", [])) >= 3, 30, "three segments")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    _assert_reads_interrupted(tmp_path, "k")
    store = LocalStore(root)
    before = {k: store.get(k) for k in store.list("streams/k/segments/")}
    n_before = len(manifest_of(root, "k")["entries"])

    second = _record_cli(tmp_path, url, "k")
    wait_for(
        lambda: len((manifest_of(root, "k") or {}).get("entries", [])) >= n_before + 3, 30, "resumed segments"
    )
    second.send_signal(signal.SIGTERM)  # a clean stop closes and keeps the segment in progress
    _, stderr = second.communicate(timeout=20)
    assert second.returncode == 0, stderr

    manifest = load_manifest(store, "k")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    assert [g.reason for g in manifest.gaps] == ["recorder restarted"]
    seqs = [e.seq for e in manifest.entries]
    assert seqs == sorted(set(seqs))
    for key, data in before.items():  # nothing the first recorder wrote was rewritten
        assert store.get(key) == data
    env = {**os.environ, "ONRECORD_DATA_DIR": str(tmp_path)}
    verify = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "verify", "--stream", "k", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    report = json.loads(verify.stdout)
    assert verify.returncode == 0 and report["ok"] and len(report["gaps"]) == 1


def test_a_stream_that_ends_finishes_cleanly(local_store, nginx_rtmp, publish, long_tone) -> None:
    url = f"{nginx_rtmp}/ends"
    pub = publish(long_tone, url, seconds=5.0)
    config = RecorderConfig(segment_s=2.0, read_timeout_s=3.0, backoff=Backoff(0.2, 2.0, 0.5, 2.0))
    rec = LiveRecorder(local_store, Stream(id="e", started_at=datetime.now(UTC)), url, config)
    chunks = list(rec.run(threading.Event()))  # returns by itself once the source stays away
    pub.proc.wait(timeout=10)
    manifest = load_manifest(local_store, "e")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    assert manifest.gaps == [] and manifest.segments and chunks
    assert "did not come back" in (manifest.stream.error or "")
    assert local_store.get("streams/e/index.m3u8").decode().rstrip().endswith("#EXT-X-ENDLIST")


def _assert_reads_interrupted(data_dir: Path, sid: str) -> None:
    """A recorder that died holds a dead lease: the API shows its stream interrupted, never live."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from models import Role
    from pipeline.services import Services
    from pipeline.settings import Settings

    services = Services(Settings(data_dir=data_dir))
    key = services.accounts.create_key(Role.AGENT, services.settings.merchant).key
    with TestClient(create_app(services)) as client:
        info = client.get(f"/v1/streams/{sid}", headers={"X-API-Key": key}).json()
    assert info["live"] is False and info["stream"]["status"] == "interrupted", info
    assert "recording process" in info["stream"]["error"], info
    assert load_manifest(LocalStore(data_dir / "store"), sid).stream.status is StreamStatus.INTERRUPTED
