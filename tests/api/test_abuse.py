"""Abuse bounds of the API, against a real uvicorn with two worker processes over one SQLite catalog:
per-key rate limits (429 + Retry-After) shared by the workers, bounded bundles refused before any clip is cut,
one bundle per ticket however many times it is sent at once, a body that never arrives (408), the last
admin key, and query strings or bodies that are not text (a 4xx, never a 500)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from capture.archive import load_manifest
from evidence import layout
from models import Role, Stream
from pipeline.services import Services
from pipeline.settings import Settings
from storage.accounts import AccountsCatalog, audit_log, bundles
from tests.api.conftest import SCRIPT_A, record, write_script
from tests.conftest import make_media

ROOT = Path(__file__).resolve().parents[2]
MERCHANT = "shop-x"


@dataclass
class Server:
    url: str
    services: Services
    accounts: AccountsCatalog

    def key(self, role: Role = Role.AGENT) -> dict[str, str]:
        """A fresh key: each test spends its own allowance."""
        return {"X-API-Key": self.accounts.create_key(role, MERCHANT).key}

    def bundles_of(self, ticket_id: str | None = None) -> int:
        q = select(func.count()).select_from(bundles).where(bundles.c.merchant == MERCHANT)
        if ticket_id is not None:
            q = q.where(bundles.c.ticket_id == ticket_id)
        with self.services.catalog.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def stored_bundles(self) -> int:
        return sum(1 for _ in self.services.store.list(layout.STORE_PREFIX))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("abuse")
    data = root / "data"
    services = Services(Settings(data_dir=data, merchant=MERCHANT))
    stream = Stream(
        id="x1", merchant=MERCHANT, title="limits", started_at=datetime(2026, 11, 20, 12, tzinfo=UTC)
    )
    record(services, stream, make_media(root / "x.mp4", 40.0))
    write_script(services, stream, SCRIPT_A)
    manifest = load_manifest(services.store, "x1")
    assert manifest is not None
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "ONRECORD_DATA_DIR": str(data),
        "ONRECORD_MERCHANT": MERCHANT,
        "ONRECORD_EVIDENCE_BURST": "2",
        "ONRECORD_EVIDENCE_PER_HOUR": "1",
        "ONRECORD_EVIDENCE_PER_DAY": "0",
        "ONRECORD_REENCODE_BURST_S": "10",
        "ONRECORD_REENCODE_S_PER_HOUR": "36",
        "ONRECORD_REENCODE_S_PER_DAY": "0",
        "ONRECORD_EVIDENCE_MAX_ITEMS": "3",
        "ONRECORD_EVIDENCE_MAX_SPAN_S": "30",
        "ONRECORD_EVIDENCE_MAX_TOTAL_S": "40",
        # the whole recording's segments: a bundle holds a clip and its segments, so ~20 s is over it
        "ONRECORD_EVIDENCE_MAX_BYTES": str(sum(s.size for s in manifest.segments)),
        "ONRECORD_REQUEST_BODY_TIMEOUT_S": "0.5",
    }
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_from_env", "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--workers", "2", "--log-level", "warning"], env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("the API server did not start")
        time.sleep(0.1)
    try:
        yield Server(url, services, AccountsCatalog(services.catalog))
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _span(start: float, end: float) -> dict[str, object]:
    return {"spans": [{"stream": "x1", "start": start, "end": end}], "pad": 2}


def test_evidence_rate_limit_is_a_429_with_retry_after_shared_by_the_workers(server: Server) -> None:
    h = server.key()
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda _: httpx.post(f"{server.url}/v1/evidence", json=_span(10, 14), headers=h, timeout=60),
                range(8),
            )
        )
    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 201] + [429] * 6, [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 429)
    retry = int(refused.headers["Retry-After"])
    assert 1 <= retry <= 3600  # one bundle an hour: the next is due within the hour
    body = refused.json()
    assert "rate limit" in body["detail"] and body["retry_after"] == retry
    other = httpx.post(f"{server.url}/v1/evidence", json=_span(10, 14), headers=server.key(), timeout=60)
    assert other.status_code == 201  # per key: another key is not held back


def test_exact_clips_spend_the_reencode_allowance_stream_copy_does_not(server: Server) -> None:
    h = server.key()
    clip = f"{server.url}/v1/streams/x1/clip"
    assert (
        httpx.get(clip, params={"start": 2, "end": 10, "exact": "true"}, headers=h, timeout=60).status_code
        == 200
    )
    again = httpx.get(clip, params={"start": 2, "end": 10, "exact": "true"}, headers=h, timeout=60)
    assert again.status_code == 429 and "re-encoded seconds" in again.json()["detail"]
    assert 1 <= int(again.headers["Retry-After"]) <= 3600
    assert httpx.get(clip, params={"start": 2, "end": 10}, headers=h, timeout=60).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "names"),
    [
        ({"spans": [{"stream": "x1", "start": t, "end": t + 1} for t in (1, 5, 9, 13)]}, 400, "at most 3"),
        (_span(0, 29), 400, "at most 30 s"),
        ({"spans": [{"stream": "x1", "start": t, "end": t + 12} for t in (0, 13, 26)]}, 400, "40 s in all"),
        (_span(2, 22), 413, "MiB"),
    ],
    ids=["items", "span", "total", "bytes"],
)
def test_a_bundle_over_its_bounds_is_refused_before_anything_is_cut_or_charged(
    server: Server, body: dict[str, object], status: int, names: str
) -> None:
    h = server.key()
    before = server.stored_bundles()
    for _ in range(3):  # refusals spend none of the key's two bundles
        r = httpx.post(f"{server.url}/v1/evidence", json=body, headers=h, timeout=60)
        assert r.status_code == status, r.text
        assert names in r.json()["detail"]
    assert server.stored_bundles() == before
    assert (
        httpx.post(f"{server.url}/v1/evidence", json=_span(10, 14), headers=h, timeout=60).status_code == 201
    )


def test_eight_identical_tickets_at_once_make_one_ticket_and_one_bundle(server: Server) -> None:
    h = server.key()
    ticket = {
        "id": "RACE-1",
        "text": "说好的赠品没收到",
        "product": "mask",
        "order_time": "2026-11-20T12:00:40Z",
    }
    before = server.stored_bundles()
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda _: httpx.post(f"{server.url}/v1/tickets", json=ticket, headers=h, timeout=60), range(8)
            )
        )
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] * 7 + [201], [r.text for r in answers]
    assert len({r.json()["bundle"]["bundle_id"] for r in answers}) == 1
    assert server.bundles_of("RACE-1") == 1
    assert server.stored_bundles() == before + 1
    assert httpx.get(f"{server.url}/v1/tickets/RACE-1", headers=h, timeout=10).status_code == 200


def test_a_body_that_never_arrives_gets_a_408_and_the_connection_closes(server: Server) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    head = (
        "POST /v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-API-Key: {server.key()['X-API-Key']}\r\nContent-Length: 200\r\n\r\n" + '{"id": "SLOW'
    )
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(30)  # a safety net far above the server's 0.5 s, not a measurement
        s.sendall(head.encode())
        got = b""
        while chunk := s.recv(4096):  # the server answers, then closes: recv returns b""
            got += chunk
    assert got.startswith(b"HTTP/1.1 408"), got[:200]
    assert b"not received within 0.5 s" in got
    assert httpx.get(f"{server.url}/v1/tickets/SLOW", headers=server.key(), timeout=10).status_code == 404


def test_the_last_admin_key_cannot_be_revoked_and_revoking_twice_audits_once(server: Server) -> None:
    merchant = "shop-admins"
    first = server.accounts.create_key(Role.ADMIN, merchant)
    h1 = {"X-API-Key": first.key}
    keys = f"{server.url}/v1/admin/keys"
    own = httpx.delete(f"{keys}/{first.info.id}", headers=h1, timeout=10)
    assert own.status_code == 409 and "last active admin key" in own.json()["detail"]
    assert httpx.get(f"{server.url}/v1/me", headers=h1, timeout=10).status_code == 200
    made = httpx.post(keys, json={"role": "admin"}, headers=h1, timeout=10).json()
    h2 = {"X-API-Key": made["key"]}
    for _ in range(2):  # the second revoke is the same answer and changes nothing
        assert httpx.delete(f"{keys}/{first.info.id}", headers=h2, timeout=10).status_code == 204
    assert httpx.get(f"{server.url}/v1/me", headers=h1, timeout=10).status_code == 401
    revoked = [a for a in server.accounts.audit_entries(merchant, first.info.id) if a.action == "key.revoked"]
    assert len(revoked) == 1
    assert httpx.delete(f"{keys}/{made['info']['id']}", headers=h2, timeout=10).status_code == 409
    with server.services.catalog.engine.connect() as conn:
        rows = conn.execute(
            select(func.count()).select_from(audit_log).where(audit_log.c.merchant == merchant)
        )
        assert rows.scalar_one() == 2  # key.created (the second key) and one key.revoked


def test_the_keys_cli_refuses_the_last_admin_key(server: Server) -> None:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "ONRECORD_DATA_DIR": str(server.services.settings.data_dir)}
    only = server.accounts.create_key(Role.ADMIN, "shop-cli")
    cli = [sys.executable, "-m", "pipeline.cli", "keys"]
    done = subprocess.run([*cli, "revoke", only.info.id, "--merchant", "shop-cli"], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "last active admin key" in done.stderr and done.stderr.count("error:") == 1
    assert server.accounts.resolve_key(only.key) is not None
    made = subprocess.run(
        [*cli, "create", "--role", "agent", "--merchant", "shop-cli"], env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)["key"]
    assert server.accounts.resolve_key(key) is not None


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("/v1/search?q=%ED%A0%80", "q"),
        ("/v1/search?q=%FF", "q"),
        ("/v1/claims?stream=x1&product=%C3", "product"),
    ],
    ids=["lone-surrogate", "stray-byte", "truncated"],
)
def test_a_query_string_that_is_not_text_is_a_400_naming_the_parameter(
    server: Server, query: str, param: str
) -> None:
    r = httpx.get(server.url + query, headers=server.key(), timeout=10)
    assert r.status_code == 400, r.text
    assert f"{param!r}" in r.json()["detail"] and "UTF-8" in r.json()["detail"]


def test_chinese_in_a_query_string_is_still_text(server: Server) -> None:
    r = httpx.get(
        f"{server.url}/v1/claims?stream=x1&product=%E9%9D%A2%E8%86%9C", headers=server.key(), timeout=10
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", b"\xff\xfe"), (None, b"\xff"), ("text/plain", b'"\xed\xa0\x80"')],
    ids=["text-plain", "no-type", "surrogate-bytes"],
)
def test_a_body_that_cannot_be_echoed_is_a_422_with_a_reason(
    server: Server, content_type: str | None, body: bytes
) -> None:
    headers = server.key() | ({"Content-Type": content_type} if content_type else {})
    r = httpx.post(f"{server.url}/v1/evidence", content=body, headers=headers, timeout=10)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail and (isinstance(detail, str) or all("msg" in e and "input" not in e for e in detail))
