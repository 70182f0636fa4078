"""The per-key ledger behind the API's 429s: token bucket and daily quota, on a given clock, and shared by
processes through the catalog database (SQLite file, and PostgreSQL when it runs here)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models import QuotaExceededError
from storage.catalog import Catalog
from storage.quotas import Allowance, QuotaLedger

ROOT = Path(__file__).resolve().parents[2]

MIDNIGHT = datetime(2026, 11, 21, tzinfo=UTC).timestamp()


@pytest.fixture
def ledger(tmp_path: Path) -> QuotaLedger:
    return QuotaLedger(Catalog(f"sqlite:///{tmp_path / 'catalog.sqlite3'}"))


def test_bucket_pays_its_burst_then_says_when_the_next_token_is_due(ledger: QuotaLedger) -> None:
    per_second = Allowance("bundles", per_hour=3600, burst=2, per_day=0)
    t = 1_000_000.0
    ledger.charge("k1", [(per_second, 1)], now=t)
    ledger.charge("k1", [(per_second, 1)], now=t)
    with pytest.raises(QuotaExceededError) as exc:
        ledger.charge("k1", [(per_second, 1)], now=t + 0.25)
    assert exc.value.retry_after == 1 and "rate limit" in str(exc.value)
    ledger.charge("k2", [(per_second, 1)], now=t + 0.25)  # another key has its own bucket
    ledger.charge("k1", [(per_second, 1)], now=t + 1.0)  # one token refilled after a second


def test_a_worker_whose_clock_reads_earlier_still_gets_the_tokens_left(ledger: QuotaLedger) -> None:
    hourly = Allowance("bundles", per_hour=1, burst=2, per_day=0)
    ledger.charge("k", [(hourly, 1)], now=5_000.0)
    ledger.charge("k", [(hourly, 1)], now=4_999.5)  # another process, half a second behind
    with pytest.raises(QuotaExceededError):
        ledger.charge("k", [(hourly, 1)], now=5_000.0)


def test_daily_quota_waits_until_utc_midnight(ledger: QuotaLedger) -> None:
    daily = Allowance("seconds", per_hour=0, burst=0, per_day=100)
    ledger.charge("k", [(daily, 60)], now=MIDNIGHT - 90)
    with pytest.raises(QuotaExceededError) as exc:
        ledger.charge("k", [(daily, 50)], now=MIDNIGHT - 30)
    assert exc.value.retry_after == 30 and "daily quota" in str(exc.value)
    ledger.charge("k", [(daily, 100)], now=MIDNIGHT + 1)  # a new day


def test_charges_to_two_allowances_succeed_or_fail_together(ledger: QuotaLedger) -> None:
    bundles = Allowance("bundles", per_hour=1, burst=5, per_day=0)
    seconds = Allowance("seconds", per_hour=1, burst=10, per_day=0)
    t = 2_000_000.0
    ledger.charge("k", [(bundles, 1), (seconds, 8)], now=t)
    with pytest.raises(QuotaExceededError) as exc:
        ledger.charge("k", [(bundles, 1), (seconds, 8)], now=t)
    assert exc.value.action == "seconds"
    for _ in range(4):  # the refused charge took no bundle token
        ledger.charge("k", [(bundles, 1)], now=t)
    with pytest.raises(QuotaExceededError):
        ledger.charge("k", [(bundles, 1)], now=t)


WORKER = """
import sys
from storage.catalog import Catalog
from models import QuotaExceededError
from storage.quotas import Allowance, QuotaLedger
ledger = QuotaLedger(Catalog(sys.argv[1]))
allowance = Allowance("bundles", per_hour=0.001, burst=10, per_day=0)
paid = 0
for _ in range(3):
    try:
        ledger.charge("shared-key", [(allowance, 1)])
        paid += 1
    except QuotaExceededError:
        pass
print(paid)
"""


def _race(url: str) -> int:
    """8 processes (like 8 API workers) charge one key 3 times each against a burst of 10."""
    Catalog(url).load()  # tables made once, before the race
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, url], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(8)
    ]
    paid = []
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        paid.append(int(out))
    return sum(paid)


def test_processes_share_one_bucket_on_sqlite(tmp_path: Path) -> None:
    assert _race(f"sqlite:///{tmp_path / 'shared.sqlite3'}") == 10



def test_processes_share_one_bucket_on_postgresql(pg_url: str) -> None:
    assert _race(pg_url) == 10


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


def test_one_of_eight_threads_gets_to_answer_a_ticket_id(catalog_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from storage.accounts import AccountsCatalog

    accounts = AccountsCatalog(Catalog(catalog_url).load())  # as the API's lifespan does, before requests
    with ThreadPoolExecutor(8) as pool:
        holders = list(pool.map(lambda _: accounts.claim_ticket("m", "T-1", "h1", 600), range(8)))
    assert holders.count(None) == 1 and set(holders) == {None, "h1"}
    assert accounts.claim_ticket("m", "T-1", "h2", 600) == "h1"  # another request's content: who holds it
    assert accounts.claim_ticket("m", "T-1", "h2", -1) is None  # a stale claim is taken over
    accounts.release_ticket("m", "T-1")
    assert accounts.claim_ticket("m", "T-1", "h3", 600) is None


def test_revoking_keeps_the_last_admin_and_audits_once(catalog_url: str) -> None:
    from models import Role
    from storage.accounts import AccountsCatalog

    accounts = AccountsCatalog(Catalog(catalog_url))
    first = accounts.create_key(Role.ADMIN, "m").info.id
    assert accounts.revoke_key(first, "m", "t") == "last_admin"
    second = accounts.create_key(Role.ADMIN, "m").info.id
    agent = accounts.create_key(Role.AGENT, "m").info.id
    assert accounts.revoke_key(agent, "m", "t") == "revoked"
    assert accounts.revoke_key(first, "m", "t") == "revoked"
    assert accounts.revoke_key(first, "m", "t") == "already"
    assert accounts.revoke_key(second, "m", "t") == "last_admin"
    assert accounts.revoke_key(second, "other", "t") == "unknown"
    assert [a.target for a in accounts.audit_entries("m")] == [first, agent]
