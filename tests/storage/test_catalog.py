from __future__ import annotations

from datetime import UTC, datetime

from models import Claim, ClaimType, Risk, RiskRule, Stream, StreamStatus, Utterance
from storage.catalog import Catalog


def _catalog(tmp_path) -> Catalog:
    return Catalog(f"sqlite:///{tmp_path / 'c.sqlite3'}").load()


def test_stream_roundtrip_keeps_utc(tmp_path) -> None:
    cat = _catalog(tmp_path)
    started = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    cat.upsert_stream(Stream(id="s1", merchant="m", started_at=started))
    cat.set_status("s1", StreamStatus.FINISHED)
    got = cat.get_stream("s1")
    assert got is not None and got.started_at == started and got.status == StreamStatus.FINISHED
    assert cat.get_stream("nope") is None


def test_writes_are_idempotent_by_id(tmp_path) -> None:
    cat = _catalog(tmp_path)
    utt = Utterance(id="s1:u1", stream_id="s1", t0=1.0, t1=2.0, text="四十八小时内发货")
    claim = Claim(
        id="s1:u1:c0",
        stream_id="s1",
        utterance_id="s1:u1",
        type=ClaimType.SHIPPING,
        value={"within_hours": 48},
        quote="四十八小时内发货",
        t0=1.0,
        t1=2.0,
        risks=[Risk(rule=RiskRule.FALSE_URGENCY, quote="最后一天")],
    )
    for _ in range(2):  # a retried task writes the same rows again
        cat.add_utterances([utt])
        cat.add_claims([claim])
    assert cat.utterances("s1") == [utt]
    assert cat.claims(stream_id="s1") == [claim]
    assert cat.claims(stream_id="s1", risky=True) == [claim]
    assert cat.claims(stream_id="s1", type_="gift") == []


def test_stream_time_zone_is_kept_as_the_same_instant(tmp_path) -> None:
    from datetime import timedelta, timezone

    cat = _catalog(tmp_path)
    started = datetime(2026, 11, 25, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    cat.upsert_stream(Stream(id="s8", started_at=started))
    got = cat.get_stream("s8")
    assert got is not None and got.started_at == started and got.started_at.hour == 12


def test_any_process_creates_the_whole_schema(tmp_path) -> None:
    """A process that imports only the catalog (the CLI's ingest) creates every table of the deployment,
    so a later process (the API, a worker, a reader on a full disk) never has one left to create."""
    import sqlite3
    import subprocess
    import sys

    from storage import accounts, quotas, work_tables  # every module that defines tables
    from storage.catalog import metadata

    assert {"api_keys", "rate_buckets", "work_windows"} <= set(metadata.tables), (accounts, quotas, work_tables)
    db = tmp_path / "catalog.sqlite3"
    code = f"from storage.catalog import Catalog; Catalog('sqlite:///{db}').load()"
    subprocess.run([sys.executable, "-c", code], check=True)
    with sqlite3.connect(db) as conn:
        made = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert set(metadata.tables) <= made, sorted(set(metadata.tables) - made)
