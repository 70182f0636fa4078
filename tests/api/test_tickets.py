"""Tickets: claims in force at order time, ranked, with evidence, as an HMAC-signed webhook; idempotent."""

from __future__ import annotations

import hashlib
import hmac
import json


def _secret(deployment) -> bytes:
    return (deployment.services.settings.data_dir / "keys" / "webhook.secret").read_bytes().strip()


def test_ticket_gets_claims_in_force_with_evidence_and_a_signed_webhook(deployment) -> None:
    before = len(deployment.hooks)
    ticket = {
        "id": "Z-1001",
        "text": "主播说下单送面膜，我没收到赠品",
        "product": "mask",
        "order_time": "2026-11-20T12:00:26+00:00",
    }
    r = deployment.client.post("/v1/tickets", json=ticket, headers=deployment.h("agent"))
    assert r.status_code == 201, r.text
    res = r.json()
    types = [c["claim"]["type"] for c in res["claims"]]
    assert types[0] == "gift"  # what the ticket is about ranks first
    assert "return_policy" not in types  # said at 30 s, after the order
    assert "shipping" in types  # a shop-wide promise applies to the product too
    assert all(c["clip_url"].startswith("/v1/streams/s1/clip?") for c in res["claims"])
    assert res["bundle"]["bundle_id"] and res["webhook"] == "pending"
    assert len(deployment.hooks) == before + 1
    headers, body = deployment.hooks[-1]
    expected = hmac.new(
        _secret(deployment), headers["x-onrecord-timestamp"].encode() + b"." + body, hashlib.sha256
    )
    assert headers["x-onrecord-signature"] == "sha256=" + expected.hexdigest()
    payload = json.loads(body)
    assert payload["ticket_id"] == "Z-1001"
    assert (
        payload["ticket"]["comment"]["public"] is False
        and "下单送一片面膜" in payload["ticket"]["comment"]["body"]
    )
    assert payload["article"]["internal"] is True and payload["article"]["content_type"] == "text/html"
    stored = deployment.client.get("/v1/tickets/Z-1001", headers=deployment.h("agent")).json()
    assert stored["webhook"] == "delivered"


def test_ticket_is_idempotent(deployment) -> None:
    ticket = {"id": "Z-1002", "text": "几天发货？", "product": "mask", "order_time": "2026-11-20T12:00:40Z"}
    first = deployment.client.post("/v1/tickets", json=ticket, headers=deployment.h("agent"))
    n = len(deployment.hooks)
    again = deployment.client.post("/v1/tickets", json=ticket, headers=deployment.h("agent"))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["bundle"]["bundle_id"] == first.json()["bundle"]["bundle_id"]
    assert len(deployment.hooks) == n  # no second webhook
    assert first.json()["claims"][0]["claim"]["type"] == "shipping"
    changed = ticket | {"text": "something else"}
    assert (
        deployment.client.post("/v1/tickets", json=changed, headers=deployment.h("agent")).status_code == 409
    )


def test_ticket_before_any_stream_has_no_claims(deployment) -> None:
    ticket = {"id": "Z-1003", "text": "送的面膜呢", "product": "mask", "order_time": "2026-11-19T12:00:00Z"}
    r = deployment.client.post("/v1/tickets", json=ticket, headers=deployment.h("agent"))
    assert r.status_code == 201 and r.json()["claims"] == [] and r.json()["bundle"] is None


def test_ticket_scoping_and_validation(deployment) -> None:
    h = deployment.h("agent")
    base = {"id": "Z-1004", "text": "x", "order_time": "2026-11-20T12:00:40Z"}
    assert (
        deployment.client.post("/v1/tickets", json=base | {"merchant": "shop-b"}, headers=h).status_code
        == 404
    )
    assert deployment.client.post("/v1/tickets", json=base | {"stream": "s2"}, headers=h).status_code == 404
    assert deployment.client.post("/v1/tickets", json=base | {"id": "../x"}, headers=h).status_code == 422
    assert deployment.client.post("/v1/tickets", json={"id": "Z"}, headers=h).status_code == 422
    assert deployment.client.get("/v1/tickets/Z-1001", headers=deployment.h("agent_b")).status_code == 404
