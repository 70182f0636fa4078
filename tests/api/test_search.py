"""Search over the real hybrid index through the API: hits with quotes, clip URLs, filters, merchant scoping."""

from __future__ import annotations


def test_search_finds_the_moment_with_a_playable_clip(deployment) -> None:
    c, h = deployment.client, deployment.h("agent")
    hits = c.get("/v1/search", params={"q": "几小时发货"}, headers=h).json()
    assert hits and hits[0]["quote"] == "四十八小时内发货全国包邮"
    assert hits[0]["claim"]["type"] == "shipping" and hits[0]["at"].startswith("2026-11-20T12:00:10")
    clip = c.get(hits[0]["clip_url"], headers=h)
    assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4"


def test_search_filters_and_scoping(deployment) -> None:
    c, h = deployment.client, deployment.h("agent")
    assert all(x["stream"] == "s1" for x in c.get("/v1/search", params={"q": "假一赔十"}, headers=h).json())
    theirs = c.get("/v1/search", params={"q": "假一赔十"}, headers=deployment.h("agent_b")).json()
    assert theirs and theirs[0]["stream"] == "s2"
    risky = c.get("/v1/search", params={"q": "价格", "risky": "true"}, headers=h).json()
    assert risky and all(x["claim"]["risks"] for x in risky if x["claim"])
    typed = c.get("/v1/search", params={"q": "面膜", "type": "gift"}, headers=h).json()
    assert typed and typed[0]["claim"]["type"] == "gift"
    assert c.get("/v1/search", params={"q": "面膜", "stream": "s2"}, headers=h).status_code == 404
    assert c.get("/v1/search", params={"q": "   "}, headers=h).status_code == 400
    assert c.get("/v1/search", params={"q": "x" * 501}, headers=h).status_code == 422


def test_search_sees_a_snapshot_saved_by_another_process(deployment) -> None:
    from index.hybrid import HybridIndex
    from models import Utterance

    other = HybridIndex(deployment.services.settings.index_dir, deployment.services.embedder).load()
    other.add_utterances(
        [Utterance(id="s1:late", stream_id="s1", t0=36.0, t1=38.0, text="最后十分钟加赠收纳袋")],
        merchant="shop-a",
    )
    other.save()
    hits = deployment.client.get("/v1/search", params={"q": "收纳袋"}, headers=deployment.h("agent")).json()
    assert hits and hits[0]["id"] == "s1:late"
