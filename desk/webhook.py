"""Webhook delivery of ticket results to the ticket system (Zendesk- and Zammad-shaped), HMAC-signed.

The body carries the result plus a Zendesk-style `ticket.comment` and a Zammad-style `article`, so
either system's trigger/webhook can add it to the ticket as an internal note. It is signed:
``X-OnRecord-Signature: sha256=HMAC(secret, timestamp + "." + body)`` with the timestamp in
``X-OnRecord-Timestamp``.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import time
from pathlib import Path
from typing import Any

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from evidence.signer import write_secret_file
from models import TicketResult


class _RetryableError(Exception):
    """The ticket system answered 429 or 5xx: worth another try."""


class WebhookSender:
    """Posts ticket results to the ticket system, HMAC-signed; retries transient failures."""

    def __init__(self, url: str, secret_file: Path, timeout_s: float = 10.0) -> None:
        self.url = url
        self.secret_file = secret_file
        self.timeout_s = timeout_s

    @property
    def secret(self) -> bytes:
        return write_secret_file(self.secret_file, secrets.token_hex(32).encode()).strip()

    def sign(self, body: bytes, timestamp: str) -> str:
        return "sha256=" + hmac.new(self.secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()

    def deliver(self, result: TicketResult, public_url: str = "") -> str:
        """Send the webhook; 'delivered' or 'failed: reason' (never raises for a delivery failure)."""
        body = json.dumps(webhook_payload(result, public_url), ensure_ascii=False).encode()
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-OnRecord-Timestamp": ts,
            "X-OnRecord-Signature": self.sign(body, ts),
            "X-OnRecord-Event": "ticket.evidence",
            "Idempotency-Key": f"{result.merchant}:{result.ticket.id}",
        }
        try:
            self._post(body, headers)
        except (httpx.HTTPError, _RetryableError) as exc:
            return f"failed: {exc}"
        return "delivered"

    @retry(
        retry=retry_if_exception_type((httpx.TransportError, _RetryableError)),
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.2, max=2),
        reraise=True,
    )
    def _post(self, body: bytes, headers: dict[str, str]) -> None:
        r = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout_s)
        if r.status_code >= 500 or r.status_code == 429:
            raise _RetryableError(f"{self.url} answered {r.status_code}")
        if r.status_code >= 400:
            raise httpx.HTTPStatusError(f"{self.url} answered {r.status_code}", request=r.request, response=r)


def webhook_payload(result: TicketResult, public_url: str = "") -> dict[str, Any]:
    """The webhook body: the result, a Zendesk `ticket` update and a Zammad `article`, as internal notes."""
    lines, rows = [], []
    for c in result.claims:
        at = c.at.isoformat(timespec="seconds") if c.at else ""
        lines.append(
            f"- [{c.claim.type.value}] {c.claim.quote} ({c.claim.stream_id} @ {at}) {public_url}{c.clip_url}"
        )
        rows.append(
            f"<li><b>{html.escape(c.claim.type.value)}</b> “{html.escape(c.claim.quote)}” "
            f'— {html.escape(c.claim.stream_id)} @ {html.escape(at)} <a href="{html.escape(public_url + c.clip_url)}">clip</a></li>'
        )
    bundle = f"{public_url}{result.bundle.url}" if result.bundle else None
    title = f"OnRecord: {len(result.claims)} promise(s) in force at order time"
    text = "\n".join([title, *lines] + ([f"Evidence bundle: {bundle}"] if bundle else []))
    body_html = f"<p>{html.escape(title)}</p><ul>{''.join(rows)}</ul>" + (
        f'<p><a href="{html.escape(bundle)}">Evidence bundle</a></p>' if bundle else ""
    )
    tags = ["onrecord"] + sorted({f"onrecord_{c.claim.type.value}" for c in result.claims})
    return {
        "event": "ticket.evidence",
        "ticket_id": result.ticket.id,
        "merchant": result.merchant,
        "result": result.model_dump(mode="json"),
        "ticket": {  # Zendesk: PUT /api/v2/tickets/{id} body
            "external_id": result.ticket.id,
            "comment": {"body": text, "html_body": body_html, "public": False},
            "tags": tags,
        },
        "article": {  # Zammad: POST /api/v1/ticket_articles body (plus ticket_id on their side)
            "subject": title,
            "body": body_html,
            "content_type": "text/html",
            "type": "note",
            "internal": True,
        },
    }
