"""Webhook delivery on its own: HMAC-signed, Zendesk and Zammad shapes, 5xx retried, 4xx reported, never raised."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from desk.webhook import WebhookSender
from models import Claim, ClaimInForce, ClaimType, Ticket, TicketResult


class _TicketSystem(BaseHTTPRequestHandler):
    """Answers each POST with the next status of `server.statuses` (200 when they run out)."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        server.got.append((dict(self.headers), body))  # type: ignore[attr-defined]
        statuses = server.statuses  # type: ignore[attr-defined]
        self.send_response(statuses.pop(0) if statuses else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def ticket_system() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _TicketSystem)
    server.got, server.statuses = [], []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join()


def _result() -> TicketResult:
    claim = Claim(id="c1", stream_id="s1", type=ClaimType.GIFT, quote="下单送一片面膜", t0=1.0, t1=3.0)
    at = datetime(2026, 11, 20, 12, 0, 1, tzinfo=UTC)
    return TicketResult(
        ticket=Ticket(id="T-1", text="说好送面膜", order_time=at),
        merchant="shop-a",
        claims=[ClaimInForce(claim=claim, score=0.9, clip_url="/v1/streams/s1/clip?start=0&end=5", at=at)],
        created_at=at,
    )


def _sender(server: HTTPServer, tmp_path: Path) -> WebhookSender:
    return WebhookSender(
        f"http://127.0.0.1:{server.server_address[1]}/hook", tmp_path / "keys" / "webhook.secret"
    )


def test_delivery_is_signed_and_carries_both_ticket_system_shapes(ticket_system, tmp_path) -> None:
    sender = _sender(ticket_system, tmp_path)
    assert sender.deliver(_result(), "https://onrecord.example") == "delivered"
    [(headers, body)] = ticket_system.got
    mac = hmac.new(sender.secret, headers["X-OnRecord-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-OnRecord-Signature"] == "sha256=" + mac.hexdigest()
    assert headers["Idempotency-Key"] == "shop-a:T-1"
    payload = json.loads(body)
    assert (
        payload["ticket"]["comment"]["public"] is False
        and "下单送一片面膜" in payload["ticket"]["comment"]["body"]
    )
    assert payload["article"]["internal"] is True and payload["article"]["type"] == "note"
    assert "onrecord_gift" in payload["ticket"]["tags"]


def test_a_busy_ticket_system_is_retried(ticket_system, tmp_path) -> None:
    ticket_system.statuses[:] = [503, 429]
    assert _sender(ticket_system, tmp_path).deliver(_result()) == "delivered"
    assert len(ticket_system.got) == 3


def test_a_refusal_is_reported_not_retried_and_never_raised(ticket_system, tmp_path) -> None:
    ticket_system.statuses[:] = [400]
    status = _sender(ticket_system, tmp_path).deliver(_result())
    assert status.startswith("failed: ") and "400" in status
    assert len(ticket_system.got) == 1
