"""The review queue: risky claims, decisions with notes, and an audit entry for every change."""

from __future__ import annotations


def test_review_queue_decisions_and_audit(deployment) -> None:
    c, h = deployment.client, deployment.h("compliance")
    queue = c.get("/v1/review?stream=s1", headers=h).json()
    assert [i["claim"]["quote"] for i in queue] == ["全网最低价"] and queue[0]["status"] == "pending"
    assert queue[0]["clip_url"].startswith("/v1/streams/s1/clip?")
    cid = queue[0]["claim"]["id"]
    r = c.post(
        f"/v1/review/{cid}", json={"status": "escalated", "note": "absolute term, ask legal"}, headers=h
    )
    assert r.status_code == 200 and r.json()["status"] == "escalated" and r.json()["reviewer"]
    r = c.post(f"/v1/review/{cid}", json={"status": "confirmed", "note": "legal agrees"}, headers=h)
    assert r.json()["status"] == "confirmed"
    assert c.get("/v1/review?status=pending", headers=h).json() == []
    assert len(c.get("/v1/review?status=confirmed", headers=h).json()) == 1
    history = c.get(f"/v1/review/{cid}/history", headers=h).json()
    assert [(e["detail"]["from"], e["detail"]["to"]) for e in history] == [
        ("escalated", "confirmed"),
        ("pending", "escalated"),
    ]
    assert history[1]["detail"]["note"] == "absolute term, ask legal"


def test_review_rejects_bad_decisions(deployment) -> None:
    c, h = deployment.client, deployment.h("compliance")
    cid = deployment.claims["s1"][2].id
    assert c.post(f"/v1/review/{cid}", json={"status": "pending"}, headers=h).status_code == 422
    assert c.post(f"/v1/review/{cid}", json={"status": "confirmed", "x": 1}, headers=h).status_code == 422
    assert c.post("/v1/review/nope", json={"status": "confirmed"}, headers=h).status_code == 404
    assert c.get("/v1/review", headers=deployment.h("compliance_b")).json()[0]["claim"]["stream_id"] == "s2"
