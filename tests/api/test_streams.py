"""Streams, claims and clips over the real app: status and coverage, playable clips, clear 4xx for bad spans."""

from __future__ import annotations

import io

import av
import pytest

from capture.archive import StreamArchive, load_manifest


def test_streams_list_shows_status_coverage_and_only_own_merchant(deployment) -> None:
    r = deployment.client.get("/v1/streams", headers=deployment.h("agent"))
    assert r.status_code == 200
    rows = r.json()
    assert [s["stream"]["id"] for s in rows] == ["s1"]  # s2 belongs to shop-b
    s1 = rows[0]
    assert s1["live"] is False and s1["stream"]["status"] == "finished"
    assert s1["duration_s"] == pytest.approx(40.0, abs=0.3)
    assert s1["coverage"] == pytest.approx(1.0, abs=0.01) and s1["gaps"] == []
    assert s1["claims"] == 5 and s1["risky_claims"] == 1 and len(s1["head"]) == 64


def test_live_stream_with_a_gap(deployment, tmp_path) -> None:
    from models import Stream
    from tests.api.conftest import STARTED
    from tests.conftest import make_media

    services = deployment.services
    stream = Stream(id="live1", merchant="shop-a", started_at=STARTED)
    services.catalog.upsert_stream(stream)
    archive = StreamArchive.open(services.store, stream)
    from capture.segmenter import PyAVSegmenter, SegmentData, open_input

    with open_input(str(make_media(tmp_path / "m.mp4", 4.0))) as c:
        for ev in PyAVSegmenter("live1", 4.0).run(c):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
    archive.append_gap(archive.end, archive.end + 4.0, "source disconnected")
    info = deployment.client.get("/v1/streams/live1", headers=deployment.h("agent")).json()
    assert info["live"] is True
    assert info["gaps"][0]["reason"] == "source disconnected" and info["gaps"][0]["duration"] == 4.0
    assert info["coverage"] == pytest.approx(0.5, abs=0.05)
    r = deployment.client.get("/v1/streams/live1/clip?start=5&end=7", headers=deployment.h("agent"))
    assert r.status_code == 400 and "gap" in r.json()["detail"]


def test_claims_filters(deployment) -> None:
    c = deployment.client
    h = deployment.h("agent")
    assert len(c.get("/v1/streams/s1/claims", headers=h).json()) == 5
    risky = c.get("/v1/streams/s1/claims?risky=true", headers=h).json()
    assert [x["type"] for x in risky] == ["price"] and risky[0]["risks"][0]["rule"] == "absolute_term"
    assert {x["type"] for x in c.get("/v1/claims?type=shipping", headers=h).json()} == {"shipping"}
    assert len(c.get("/v1/claims?product=mask", headers=h).json()) == 4
    assert c.get("/v1/claims?type=nonsense", headers=h).status_code == 422
    assert c.get("/v1/claims?stream=s2", headers=h).status_code == 404


def _probe(data: bytes) -> tuple[float, set[str]]:
    with av.open(io.BytesIO(data)) as container:
        kinds = {s.type for s in container.streams}
        return float(container.duration or 0) / 1_000_000, kinds


def test_clip_stream_copy_plays_from_keyframe(deployment) -> None:
    r = deployment.client.get("/v1/streams/s1/clip?start=11&end=19", headers=deployment.h("agent"))
    assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    assert float(r.headers["x-clip-start"]) == pytest.approx(10.0, abs=0.01)  # keyframes every 2 s
    assert r.content[4:8] == b"ftyp"
    duration, kinds = _probe(r.content)
    assert kinds == {"video", "audio"} and 7.5 <= duration <= 10.5
    head = r.content[:4096]
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head  # fast start: playable at once


def test_clip_exact_and_padding(deployment) -> None:
    r = deployment.client.get(
        "/v1/streams/s1/clip?start=11&end=15&pad=1&exact=true", headers=deployment.h("agent")
    )
    assert r.status_code == 200 and float(r.headers["x-clip-start"]) == pytest.approx(10.0)
    duration, _ = _probe(r.content)
    assert duration == pytest.approx(6.0, abs=0.25)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("start=20&end=10", 400),  # reversed
        ("start=10&end=10", 400),  # empty
        ("start=500&end=510", 400),  # after the recording
        ("start=-1&end=5", 422),
        ("start=nan&end=5", 422),
        ("start=0&end=inf", 422),
        ("start=0&end=5000", 200),  # clamped to the recording
        ("start=abc&end=5", 422),
        ("end=5", 422),
    ],
)
def test_spans_are_checked(deployment, query, status) -> None:
    r = deployment.client.get(f"/v1/streams/s1/clip?{query}", headers=deployment.h("agent"))
    assert r.status_code == status, r.text
    if status != 200:
        assert r.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/streams/nope",
        "/v1/streams/nope/clip?start=0&end=1",
        "/v1/streams/..%2F..%2Fetc/clip?start=0&end=1",
        "/v1/streams/%2e%2e/clip?start=0&end=1",
        "/v1/streams/s1%00/claims",
        "/v1/streams/" + "x" * 300,
        "/v1/evidence/..%2Fkeys%2Fevidence-ed25519.pem",
        "/v1/evidence/ev-20260101T000000-deadbeef",
        "/web/..%2F..%2Fapp.py",
    ],
)
def test_unknown_ids_and_path_tricks(deployment, path) -> None:
    r = deployment.client.get(path, headers=deployment.h("agent"))
    assert r.status_code in (404, 422), (path, r.status_code, r.text[:200])
    assert b"PRIVATE KEY" not in r.content and b"create_app" not in r.content


def test_oversized_body_is_413(deployment) -> None:
    r = deployment.client.post(
        "/v1/tickets",
        content=b'{"id":"' + b"x" * (2 << 20) + b'"}',
        headers=deployment.h("agent") | {"Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_verify_route(deployment) -> None:
    r = deployment.client.get("/v1/streams/s1/verify", headers=deployment.h("agent"))
    assert r.status_code == 200 and r.json()["ok"] is True
    assert load_manifest(deployment.services.store, "s1").head == r.json()["head"]
