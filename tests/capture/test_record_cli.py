"""`onrecord record`, `onrecord verify` and `onrecord retention apply` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from capture.archive import StreamArchive
from capture.legal_hold import place_legal_hold
from models import Stream
from storage.objects import LocalStore


def _cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ONRECORD_DATA_DIR": str(data_dir), "ONRECORD_SEGMENT_SECONDS": "2", **env}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_names_a_flipped_byte(tmp_path, tone_video) -> None:
    rec = _cli(tmp_path, "record", str(tone_video), "--stream", "f", "--no-transcribe", "--json")
    assert rec.returncode == 0, rec.stderr
    summary = json.loads(rec.stdout)
    assert summary["status"] == "finished" and summary["segments"] == 6 and summary["gaps"] == 0
    ok = _cli(tmp_path, "verify", "--stream", "f")
    assert ok.returncode == 0, ok.stdout + ok.stderr

    victim = tmp_path / "store" / "streams" / "f" / "segments" / "000003.ts"
    data = bytearray(victim.read_bytes())
    data[2000] ^= 0x01
    victim.write_bytes(bytes(data))
    bad = _cli(tmp_path, "verify", "--stream", "f", "--json")
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert not report["ok"] and any("segment 000003" in f and "altered" in f for f in report["failures"])
    assert all("000003" in f for f in report["failures"])


def test_record_rejects_an_unsupported_url(tmp_path) -> None:
    res = _cli(tmp_path, "record", "ftp://example.com/live.flv", "--stream", "x", "--no-transcribe")
    assert res.returncode == 2 and "unsupported source" in res.stderr
    assert not (tmp_path / "store" / "streams" / "x").exists()


def _stream(store: LocalStore, sid: str, started_at: datetime) -> None:
    archive = StreamArchive.open(store, Stream(id=sid, started_at=started_at))
    archive.append_segment(b"\x47" * 188, 0.0, 2.0)
    archive.finish()


def test_retention_apply_keeps_held_and_recent_streams(tmp_path) -> None:
    store = LocalStore(tmp_path / "store")
    now = datetime.now(UTC)
    _stream(store, "old", now - timedelta(days=40))
    _stream(store, "held", now - timedelta(days=400))
    _stream(store, "recent", now - timedelta(days=10))
    place_legal_hold(store, "held", "ticket T-7")

    dry = _cli(tmp_path, "retention", "apply", "--dry-run", "--json", ONRECORD_RETENTION_DAYS="30")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["deleted"] == ["old"] and store.exists("streams/old/manifest.json")

    res = _cli(tmp_path, "retention", "apply", "--json", ONRECORD_RETENTION_DAYS="30")
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["deleted"] == ["old"] and report["held"] == ["held"] and report["kept"] == 1
    assert not (tmp_path / "store" / "streams" / "old").exists() or not list(store.list("streams/old/"))
    assert store.exists("streams/held/segments/000000.ts") and store.exists("streams/recent/manifest.json")

    default = _cli(tmp_path, "retention", "apply", "--json")  # 180 days by default: nothing more to do
    assert json.loads(default.stdout)["deleted"] == []
