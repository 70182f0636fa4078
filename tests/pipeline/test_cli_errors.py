"""Bad input through the real `onrecord` command: one line naming the problem, non-zero exit,
and nothing already stored changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_media

ONRECORD = [sys.executable, "-m", "pipeline.cli"]


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ONRECORD_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run([*ONRECORD, *args], capture_output=True, text=True, env=env, timeout=300)


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding one archived stream (segmented real media, no models needed)."""
    from capture.archive import StreamArchive
    from capture.segmenter import PyAVSegmenter, SegmentData, open_input
    from models import Stream
    from pipeline.session import new_stream
    from storage.catalog import Catalog
    from storage.objects import LocalStore

    root = tmp_path_factory.mktemp("data")
    media = make_media(root.parent / "tone.mp4", 6.0)
    stream: Stream = new_stream("kept", source=str(media), merchant="m")
    archive = StreamArchive.open(LocalStore(root / "store"), stream)
    with open_input(str(media)) as c:
        for ev in PyAVSegmenter("kept").run(c):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
    archive.finish()
    Catalog(f"sqlite:///{(root / 'catalog.sqlite3').resolve()}").load().upsert_stream(stream)
    return root


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "/nonexistent/x.mp4", "--stream", "new"], "no such file"),
        (["ingest", "{video_only}", "--stream", "new"], "no audio track"),
        (["ingest", "{junk}", "--stream", "new"], "not a media file"),
        (["ingest", "{tone}", "--stream", "kept"], "already exists"),
        (["ingest", "{tone}", "--stream", "../evil"], "invalid stream id"),
        (["claims", "--stream", "nope"], "unknown stream"),
        (["search", "   "], "empty query"),
        (["search", "发货", "--stream", "nope"], "unknown stream"),
        (["search", "😀🎉|---|"], "no letters or digits"),
        (["search", "发货" * 5000], "at most 500"),
        (["search", "发货", "--type", "bogus"], "unknown claim type"),
        (["clip", "--stream", "kept", "--start", "5", "--end", "2", "-o", "/tmp/x.mp4"], "end must be after start"),
        (["clip", "--stream", "nope", "--start", "1", "--end", "2", "-o", "/tmp/x.mp4"], "unknown stream"),
        (["verify", "--stream", "nope"], "unknown stream"),
        (["extract", "--jsonl", "{junk}"], "not JSON"),
        (["ingest", "{tone}", "--stream", "new", "--products", "{junk}"], "not a products file"),
    ],
)
def test_bad_input_is_one_clear_line(data_dir: Path, tmp_path: Path, args: list[str], message: str) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not media at all\n" * 50)
    files = {"video_only": make_media(tmp_path / "v.mp4", 2.0, audio=False) if "{video_only}" in args else "",
             "junk": junk, "tone": make_media(tmp_path / "t.mp4", 2.0) if "{tone}" in args else ""}
    args = [a.format(**files) for a in args]
    before = _snapshot(data_dir)
    proc = _run(args, data_dir)
    assert proc.returncode != 0
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert message in lines[0] and lines[0].startswith("error:")
    assert "Traceback" not in proc.stderr
    assert _snapshot(data_dir) == before


def test_verify_cli_reports_ok(data_dir: Path) -> None:
    proc = _run(["verify", "--stream", "kept"], data_dir)
    assert proc.returncode == 0 and "OK" in proc.stdout
