"""The desk's API over the real deployment: a pasted ticket answered and triaged by the merchant's rules,
the queue in due order, one merchant's tickets never shown to another, settings, templates, the review CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

ORDER = "2026-11-20T12:10:00+00:00"


def paste(deployment, who: str, **fields):
    body = {"text": "主播说送面膜，我没收到", "product": "mask", "order_time": ORDER} | fields
    return deployment.client.post("/v1/desk/tickets", json=body, headers=deployment.h(who))


def test_a_pasted_ticket_is_answered_and_triaged(deployment) -> None:
    r = paste(deployment, "agent", id="desk-small-1", order_id="DD-1001", amount=39.9)
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["result"]["claims"][0]["claim"]["quote"] == "下单送一片面膜"
    assert got["result"]["bundle"]["bundle_id"].startswith("ev-")
    assert got["order_id"] == "DD-1001" and got["triage"]["level"] == "small"
    received = datetime.fromisoformat(got["triage"]["received_at"])
    assert (datetime.fromisoformat(got["triage"]["first_response_due"]) - received).total_seconds() == 15 * 60
    assert (datetime.fromisoformat(got["triage"]["resolve_due"]) - received).total_seconds() == 4 * 3600
    again = paste(deployment, "agent", id="desk-small-1", order_id="DD-1001", amount=39.9)
    assert again.status_code == 200 and again.json()["triage"] == got["triage"]  # due times do not move


def test_levels_follow_the_merchants_rules_and_the_queue_sorts_by_due(deployment) -> None:
    large = paste(deployment, "agent", id="desk-large-1", text="再不处理我就打12315投诉", amount=20)
    assert large.json()["triage"]["level"] == "large"
    assert any("12315" in r and "投诉" in r for r in large.json()["triage"]["reasons"])
    medium = paste(deployment, "agent", id="desk-medium-1", text="没收到赠品", amount=299)
    assert medium.json()["triage"]["level"] == "medium"
    queue = deployment.client.get("/v1/desk/tickets", headers=deployment.h("agent")).json()
    dues = [t["triage"]["first_response_due"] for t in queue]
    assert dues == sorted(dues)
    ids = [t["result"]["ticket"]["id"] for t in queue]
    assert {"desk-large-1", "desk-medium-1", "desk-small-1"} <= set(ids)
    assert ids.index("desk-large-1") < ids.index("desk-medium-1")  # 10 minutes to respond, not 15


def test_another_merchant_sees_none_of_the_tickets(deployment) -> None:
    paste(deployment, "agent", id="desk-private-1")
    theirs = deployment.client.get("/v1/desk/tickets", headers=deployment.h("agent_b"))
    assert theirs.status_code == 200
    assert [t["result"]["ticket"]["id"] for t in theirs.json()] == []
    assert deployment.client.get("/v1/desk/tickets").status_code == 401


def test_settings_templates_transcript_and_review_csv(deployment) -> None:
    s = deployment.client.get("/v1/desk/settings", headers=deployment.h("agent")).json()
    assert s["timezone"] == "Asia/Shanghai" and s["merchant"] == "shop-a"
    assert {"small", "medium", "large"} == set(s["levels"])
    assert any(a["refund_limit"] is None for a in s["agent_limits"])
    t = deployment.client.get("/v1/desk/templates", headers=deployment.h("agent")).json()
    gift = next(x for x in t if x["claim_type"] == "gift")
    assert "{quote}" in gift["zh"] and "{time}" in gift["zh"] and gift["source"]
    tr = deployment.client.get("/v1/streams/s1/transcript", headers=deployment.h("agent")).json()
    assert [u["t0"] for u in tr] == sorted(u["t0"] for u in tr) and tr[0]["text"]
    assert (
        deployment.client.get("/v1/streams/s2/transcript", headers=deployment.h("agent")).status_code == 404
    )
    assert deployment.client.get("/v1/desk/review.csv", headers=deployment.h("agent")).status_code == 403
    r = deployment.client.get("/v1/desk/review.csv?stream=s1", headers=deployment.h("compliance"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["quote"] for row in rows] == ["全网最低价"]
    assert rows[0]["rules"] == "absolute_term" and "广告法" in rows[0]["basis"]
