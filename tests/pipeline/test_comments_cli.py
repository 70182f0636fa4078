"""`onrecord record … --comments`, `onrecord comments [import]`, `search --kind comment` and `verify` as a
user runs them: the chat feed (a real local WebSocket server) drops once mid-recording and is reconnected,
its gap is on the chain, a feed that is never reached costs the video nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.capture.chat_servers import HOLD, Scripts, websocket_feed


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from index.e5_assets import ensure_e5_model

    models = Path(os.environ.get("ONRECORD_TEST_MODELS_DIR", tmp_path_factory.mktemp("models")))
    return {**os.environ, "ONRECORD_EMBED_MODEL": ensure_e5_model("bundled", models), "HF_HUB_OFFLINE": "1"}


def _cli(env: dict[str, str], data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    full = {**env, "ONRECORD_DATA_DIR": str(data), "ONRECORD_SEGMENT_SECONDS": "2", "COLUMNS": "300"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], env=full, capture_output=True, text=True, timeout=300
    )


def _line(i: int, text: str = "包邮吗") -> str:
    return json.dumps({"id": f"c{i}", "t": 0.5 + i, "user": f"u{i}", "text": text}, ensure_ascii=False)


def test_record_with_a_feed_that_drops_then_import_list_search_and_verify(
    env: dict[str, str], tmp_path: Path, tone_video: Path
) -> None:
    first = [_line(0, "敏感肌能用吗"), *(_line(i) for i in range(1, 5))]  # then the server closes
    second = [_line(3), _line(4), "garbage", *(_line(i) for i in range(5, 8)), HOLD]  # replays c3, c4
    scripts = Scripts([first, second])
    with websocket_feed(scripts) as url:
        rec = _cli(env, tmp_path, "record", str(tone_video), "--stream", "s1", "--no-transcribe",
                   "--comments", url, "--json")  # fmt: skip
    assert rec.returncode == 0, rec.stderr
    summary = json.loads(rec.stdout)
    assert summary["status"] == "finished" and summary["segments"] == 6
    assert summary["comments"] == 8 and summary["chat_gaps"] == 1 and summary["chat_error"] is None
    listed = _cli(env, tmp_path, "comments", "--stream", "s1", "--json")
    rows = [json.loads(x) for x in listed.stdout.splitlines()]
    assert [r["id"] for r in rows] == [f"c{i}" for i in range(8)]  # each once, in order
    assert rows[0]["text"] == "敏感肌能用吗" and rows[0]["t"] == 0.5 and rows[0]["at"]
    ok = _cli(env, tmp_path, "verify", "--stream", "s1", "--json")
    assert ok.returncode == 0, ok.stdout
    manifest = json.loads((tmp_path / "store" / "streams" / "s1" / "manifest.json").read_text())
    assert [g["kind"] for g in manifest["chat"]].count("chat_gap") == 1

    bad = tmp_path / "bad.jsonl"
    bad.write_text(_line(20) + "\n" + '{"id": "c21", "t": 1, "kind": "shout"}\n', encoding="utf-8")
    refused = _cli(env, tmp_path, "comments", "import", str(bad), "--stream", "s1")
    assert refused.returncode == 2 and "bad.jsonl line 2: unknown kind 'shout'" in refused.stderr
    good = tmp_path / "more.csv"
    good.write_text("id,t,user,text\nc30,9.5,小张,有没有赠品\nc0,0.5,u0,敏感肌能用吗\n", encoding="utf-8")
    imported = _cli(env, tmp_path, "comments", "import", str(good), "--stream", "s1")
    assert (
        imported.returncode == 2 and "'c0'" in imported.stderr
    )  # c0 exists with other fields: refused whole
    good.write_text("id,t,user,text\nc30,9.5,小张,有没有赠品\n", encoding="utf-8")
    imported = _cli(env, tmp_path, "comments", "import", str(good), "--stream", "s1")
    assert imported.returncode == 0 and "added 1, repeated 0, refused 0" in imported.stdout, imported.stderr

    reindexed = _cli(env, tmp_path, "reindex")  # the recording ran without the index: comments go in now
    assert reindexed.returncode == 0, reindexed.stderr
    found = _cli(env, tmp_path, "search", "敏感肌能用吗", "--stream", "s1", "--kind", "comment", "--json")
    hits = [json.loads(x) for x in found.stdout.splitlines()]
    assert hits and hits[0]["id"] == "c0" and hits[0]["kind"] == "comment", found.stderr
    host_only = _cli(
        env, tmp_path, "search", "敏感肌能用吗", "--stream", "s1", "--json"
    )  # default: the host's words
    assert host_only.returncode == 0 and host_only.stdout.strip() == "", host_only.stdout

    with sqlite3.connect(tmp_path / "catalog.sqlite3") as db:
        assert db.execute("DELETE FROM chat_events WHERE id = 'c2'").rowcount == 1
    broken = _cli(env, tmp_path, "verify", "--stream", "s1", "--json")
    assert broken.returncode == 1
    assert any("comment 'c2'" in f and "deleted" in f for f in json.loads(broken.stdout)["failures"])


def test_a_feed_never_reached_costs_the_video_nothing(
    env: dict[str, str], tmp_path: Path, tone_video: Path
) -> None:
    with websocket_feed(Scripts([[HOLD]])) as url:
        pass  # gone before the recording starts
    rec = _cli(env, tmp_path, "record", str(tone_video), "--stream", "s2", "--no-transcribe",
               "--comments", url, "--json")  # fmt: skip
    assert rec.returncode == 0, rec.stderr
    summary = json.loads(rec.stdout)
    assert summary["status"] == "finished" and summary["segments"] == 6
    assert summary["comments"] == 0 and summary["chat_gaps"] == 1
    assert _cli(env, tmp_path, "verify", "--stream", "s2").returncode == 0
