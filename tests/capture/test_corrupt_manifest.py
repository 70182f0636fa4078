"""A manifest with junk appended (or cut short, or edited) is named, never a traceback: the library
raises CorruptManifestError, `onrecord verify` reports the file as FAILED, other commands print one
`error:` line and exit 2, and nothing touches the damaged file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from capture.archive import CorruptManifestError, StreamArchive, load_manifest
from capture.segmenter import PyAVSegmenter, SegmentData, open_input
from capture.verify import verify_stream
from models import StorageError, Stream
from storage.catalog import Catalog
from storage.objects import LocalStore

STARTED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ONRECORD_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def damaged(tmp_path: Path, tone_video: Path) -> Path:
    """A data dir whose stream `s1` was recorded, then had junk appended to its manifest."""
    store = LocalStore(tmp_path / "store")
    stream = Stream(id="s1", merchant="m", started_at=STARTED)
    archive = StreamArchive.open(store, stream)
    with open_input(str(tone_video)) as c:
        for ev in PyAVSegmenter("s1", 4.0).run(c):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
    archive.finish()
    Catalog(f"sqlite:///{(tmp_path / 'catalog.sqlite3').resolve()}").load().upsert_stream(stream)
    with (tmp_path / "store" / "streams" / "s1" / "manifest.json").open("ab") as fh:
        fh.write(b"junk\n")
    return tmp_path


def _manifest(data_dir: Path) -> bytes:
    return (data_dir / "store" / "streams" / "s1" / "manifest.json").read_bytes()


@pytest.mark.parametrize(
    ("damage", "expect"),
    [
        (lambda raw: raw + b"junk\n", "not valid JSON: trailing characters at line"),
        (lambda raw: raw[: len(raw) // 2], "not valid JSON"),
        (
            lambda raw: raw.replace(b'"head"', b'"hedd"', 1).replace(b'"started_at"', b'"x"', 1),
            "stream.started_at",
        ),
        (lambda raw: b"", "not valid JSON"),
    ],
    ids=["junk-appended", "cut-short", "edited", "empty"],
)
def test_corrupt_manifest_is_named(tmp_path: Path, damage, expect: str) -> None:
    store = LocalStore(tmp_path)
    StreamArchive.open(store, Stream(id="s1", started_at=STARTED))
    path = tmp_path / "streams" / "s1" / "manifest.json"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CorruptManifestError) as info:
        load_manifest(store, "s1")
    assert isinstance(info.value, StorageError)
    assert str(info.value).startswith("streams/s1/manifest.json: corrupt manifest (")
    assert expect in str(info.value)


def test_reopening_a_corrupt_stream_refuses_and_keeps_the_file(damaged: Path) -> None:
    before = _manifest(damaged)
    with pytest.raises(CorruptManifestError):
        StreamArchive.open(LocalStore(damaged / "store"), Stream(id="s1", started_at=STARTED))
    assert _manifest(damaged) == before  # never overwritten by a fresh chain


def test_verify_reports_the_corrupt_manifest(damaged: Path) -> None:
    report = verify_stream(LocalStore(damaged / "store"), "s1")
    assert not report.ok and len(report.failures) == 1
    assert report.failures[0].startswith("streams/s1/manifest.json: corrupt manifest (not valid JSON")

    proc = _cli(damaged, "verify", "--stream", "s1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED" in proc.stdout and "streams/s1/manifest.json: corrupt manifest" in proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout
    as_json = _cli(damaged, "verify", "--stream", "s1", "--json")
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["ok"] is False


@pytest.mark.parametrize(
    "args",
    [
        ["clip", "--stream", "s1", "--start", "1", "--end", "3", "-o", "{out}"],
        ["ingest", "{media}", "--stream", "s1", "--append"],
    ],
    ids=["clip", "ingest-append"],
)
def test_other_commands_give_one_error_line(damaged: Path, tone_video: Path, args: list[str]) -> None:
    before = _manifest(damaged)
    args = [a.format(out=damaged / "c.mp4", media=tone_video) for a in args]
    proc = _cli(damaged, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: streams/s1/manifest.json: corrupt manifest")
    assert _manifest(damaged) == before
