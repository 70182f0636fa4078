"""GET /v1/streams/{id}/comments over the real app: time order, kind and time filters, the same auth and
merchant scoping as the other stream routes."""

from __future__ import annotations

from capture.archive import StreamArchive
from models import ChatEvent, ChatKind
from pipeline.chat import ChatWriter


def put_chat(deployment) -> None:  # noqa: ANN001 - the api conftest's Deployment
    services = deployment.services
    stream = services.catalog.get_stream("s1")
    events = [
        ChatEvent(id="q1", stream_id="s1", t=18.0, user_name="小王", text="敏感肌能用吗"),
        ChatEvent(id="q2", stream_id="s1", t=8.0, user_name="阿花", text="发什么快递"),
        ChatEvent(id="g1", stream_id="s1", t=12.0, kind=ChatKind.GIFT, gift_name="小心心", gift_count=1),
    ]
    ChatWriter(services, stream, StreamArchive.attach(services.store, stream), index=False).write(events)


def test_comments_route_filters_and_scopes(deployment) -> None:
    put_chat(deployment)
    get = deployment.client.get
    r = get("/v1/streams/s1/comments", headers=deployment.h("agent"))
    assert r.status_code == 200
    assert [c["id"] for c in r.json()] == ["q2", "g1", "q1"]
    assert r.json()[2]["text"] == "敏感肌能用吗" and r.json()[2]["t"] == 18.0
    only = get(
        "/v1/streams/s1/comments", params={"kind": "comment", "from": 10}, headers=deployment.h("agent")
    )
    assert [c["id"] for c in only.json()] == ["q1"]
    span = get("/v1/streams/s1/comments", params={"from": 5, "to": 12}, headers=deployment.h("agent"))
    assert [c["id"] for c in span.json()] == ["q2"]
    assert get(
        "/v1/streams/s1/comments", params={"kind": "shout"}, headers=deployment.h("agent")
    ).status_code in (
        400,
        422,
    )
    assert get("/v1/streams/s2/comments", headers=deployment.h("agent")).status_code == 404  # shop-b's
    assert get("/v1/streams/s1/comments").status_code == 401
    assert get("/v1/streams/s1/verify", headers=deployment.h("agent")).json()["ok"] is True
