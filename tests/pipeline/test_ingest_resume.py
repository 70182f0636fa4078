"""A real `onrecord ingest` SIGKILLed mid-transcription reads `interrupted` and resumes where it stopped:
nothing archived, transcribed or indexed twice, nothing missing (issue 19)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from capture.archive import load_manifest
from capture.verify import verify_stream
from index.analyzer import has_content
from models import Role, StreamStatus
from pipeline.services import Services
from pipeline.settings import Settings
from tests.pipeline.conftest import ONRECORD, SAMPLES

pytestmark = pytest.mark.slow

STREAM = "s"


def _services(data_dir: Path, env: dict[str, str]) -> Services:
    return Services(
        Settings(data_dir=data_dir, whisper_model=env["ONRECORD_WHISPER_MODEL"], embed_model=env["ONRECORD_EMBED_MODEL"])
    )


def _kill_after_first_window(cmd: list[str], env: dict[str, str], data_dir: Path) -> float:
    """Start the ingest, SIGKILL it once one speech window is committed; returns that watermark."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    catalog = _services(data_dir, env).catalog
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            # the manifest is written after the ingest created the catalog's tables (do not race that)
            started = (data_dir / "store" / "streams" / STREAM / "manifest.json").exists()
            rows = catalog.ingests_of(STREAM) if started else []
            if rows and rows[0].transcribed_t > 0:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return rows[0].transcribed_t
            time.sleep(0.05)
        raise AssertionError(f"the ingest ended before it could be killed: {proc.communicate()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_killed_ingest_reads_interrupted_and_resumes_without_loss_or_duplicates(
    tmp_path: Path, model_env: dict[str, str], sample_cut: Path
) -> None:
    data_dir = tmp_path / "data"
    # greedy decoding: this test is about what is kept across a crash, not about accuracy (and twice as quick)
    env = {**model_env, "ONRECORD_DATA_DIR": str(data_dir), "ONRECORD_WHISPER_BEAM_SIZE": "1"}
    ingest = [*ONRECORD, "ingest", str(sample_cut), "--stream", STREAM, "--products", str(SAMPLES / "products.json")]
    watermark = _kill_after_first_window(ingest, env, data_dir)
    services = _services(data_dir, env)
    before = {u.id: u for u in services.catalog.utterances(STREAM) if u.t0 < watermark}
    assert before and 0 < watermark < 39

    # the API's stream view: interrupted, not live, saying which process stopped where
    accounts = services.accounts
    from api.app import create_app

    key = accounts.create_key(Role.AGENT, "default").key
    with TestClient(create_app(_services(data_dir, env))) as client:
        info = client.get(f"/v1/streams/{STREAM}", headers={"X-API-Key": key}).json()
    assert info["live"] is False and info["stream"]["status"] == "interrupted", info
    assert "pid" in info["stream"]["error"] and f"{watermark:.1f} s" in info["stream"]["error"]

    # the CLI: the same ingest again, or an append of the same file, refuses clearly and changes nothing
    again = subprocess.run(ingest, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "--resume" in again.stderr and again.stderr.count("error:") == 1, again
    appended = subprocess.run([*ingest, "--append"], env=env, capture_output=True, text=True, timeout=120)
    assert appended.returncode == 2 and "error:" in appended.stderr, appended
    assert services.catalog.get_stream(STREAM).status is StreamStatus.INTERRUPTED

    done = subprocess.run([*ingest, "--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"at {watermark:.1f}s" in done.stdout, done.stdout

    utts = services.catalog.utterances(STREAM)
    # transcription restarted at the watermark: what was committed before it is kept, not redone
    assert before.keys() <= {u.id for u in utts}
    for a, b in zip(utts, utts[1:], strict=False):  # nothing twice: no overlap in time, no repeated text
        assert b.t0 >= a.t1 - 0.3, (a, b)
        assert not (b.text == a.text and b.t0 - a.t1 < 5), (a, b)
    truth = json.loads((SAMPLES / "sample_stream.truth.json").read_text(encoding="utf-8"))
    for sentence in (s for s in truth["sentences"] if s["end"] < 39):  # nothing missing: every sentence heard
        assert any(u.t0 < sentence["end"] and u.t1 > sentence["start"] for u in utts), sentence

    index = services.index.load()
    assert index.doc_ids(STREAM) == {u.id for u in utts if has_content(u.text)}

    manifest = load_manifest(services.store, STREAM)
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    assert not manifest.gaps
    for a, b in zip(manifest.segments, manifest.segments[1:], strict=False):  # each second archived once
        assert abs(b.t0 - a.t1) < 0.05, (a, b)
    assert manifest.duration == pytest.approx(40.0, abs=0.5)
    assert services.catalog.get_stream(STREAM).status is StreamStatus.FINISHED
    assert verify_stream(services.store, STREAM).ok


def test_the_same_file_twice_is_refused_and_a_different_one_appends(tmp_path: Path, model_env: dict[str, str]) -> None:
    """`--append` adds a different file after the stream's end; the same file again (appended, resumed or
    plain) is refused with one line saying it would duplicate, and nothing is added."""
    from tests.conftest import make_media

    first, second = make_media(tmp_path / "a.mp4", 6.0), make_media(tmp_path / "b.mp4", 5.0, fps=10)
    env = {**model_env, "ONRECORD_DATA_DIR": str(tmp_path / "data")}

    def ingest(media: Path, *flags: str) -> subprocess.CompletedProcess[str]:
        cmd = [*ONRECORD, "ingest", str(media), "--stream", STREAM, *flags]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)

    assert ingest(first).returncode == 0
    for flags in (["--append"], ["--resume"], []):
        again = ingest(first, *flags)
        assert again.returncode == 2 and again.stderr.count("error:") == 1, again
        assert "duplicate" in again.stderr or "already exists" in again.stderr, again.stderr
    assert ingest(second, "--resume").returncode == 2  # nothing of it to resume
    assert ingest(second, "--append").returncode == 0
    manifest = load_manifest(_services(tmp_path / "data", env).store, STREAM)
    assert manifest is not None and manifest.duration == pytest.approx(11.0, abs=0.5) and not manifest.gaps
    assert ingest(second, "--append").returncode == 2
    assert load_manifest(_services(tmp_path / "data", env).store, STREAM) == manifest
