"""A real deployment in a temp folder: archives cut from ffmpeg media by the real segmenter, catalog rows
for two merchants, API keys of every role, and the app over it (TestClient runs its lifespan)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from capture.archive import StreamArchive
from capture.segmenter import PyAVSegmenter, SegmentData, open_input
from models import Claim, ClaimType, Risk, RiskRule, Role, Stream, StreamStatus, Utterance, Word
from pipeline.services import Services
from pipeline.settings import Settings
from storage.accounts import AccountsCatalog
from tests.conftest import make_media

STARTED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

# (utterance text, t0, t1, claims as (type, quote, value, product, risks))
SCRIPT_A = [
    (
        "这款面膜今天下单送一片面膜",
        2.0,
        6.0,
        [("gift", "下单送一片面膜", {"item": "面膜", "quantity": 1}, "mask", [])],
    ),
    (
        "四十八小时内发货全国包邮",
        10.0,
        14.0,
        [("shipping", "四十八小时内发货", {"within_hours": 48}, None, [])],
    ),
    (
        "全网最低价敏感肌也能用",
        20.0,
        25.0,
        [
            ("price", "全网最低价", {"discount": "lowest"}, "mask", [("absolute_term", "全网最低")]),
            ("suitability", "敏感肌也能用", {"audience": "敏感肌"}, "mask", []),
        ],
    ),
    ("七天无理由退货", 30.0, 34.0, [("return_policy", "七天无理由退货", {"days": 7}, "mask", [])]),
]
SCRIPT_B = [
    (
        "假一赔十放心买",
        3.0,
        6.0,
        [("compensation", "假一赔十", {"multiplier": 10}, None, [("absolute_term", "假一赔十")])],
    )
]


def words_of(text: str, t0: float, t1: float) -> list[Word]:
    step = (t1 - t0) / len(text)
    return [
        Word(start=round(t0 + i * step, 3), end=round(t0 + (i + 1) * step, 3), text=ch)
        for i, ch in enumerate(text)
    ]


def record(services: Services, stream: Stream, media: Path) -> None:
    services.catalog.upsert_stream(stream)
    archive = StreamArchive.open(services.store, stream)
    with open_input(str(media)) as container:
        for ev in PyAVSegmenter(stream.id, 4.0, t_offset=archive.end).run(container):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
    archive.finish()
    services.catalog.set_status(stream.id, StreamStatus.FINISHED)


def write_script(services: Services, stream: Stream, script: list) -> tuple[list[Utterance], list[Claim]]:
    utts, claims = [], []
    for n, (text, t0, t1, items) in enumerate(script):
        u = Utterance(
            id=f"{stream.id}:u{n}", stream_id=stream.id, t0=t0, t1=t1, text=text, words=words_of(text, t0, t1)
        )
        utts.append(u)
        for m, (type_, quote, value, product, risks) in enumerate(items):
            start = text.index(quote)
            qt0, qt1 = u.words[start].start, u.words[start + len(quote) - 1].end
            claims.append(
                Claim(
                    id=f"{u.id}:c{m}",
                    stream_id=stream.id,
                    utterance_id=u.id,
                    type=ClaimType(type_),
                    value=value,
                    quote=quote,
                    t0=qt0,
                    t1=qt1,
                    at=stream.started_at + timedelta(seconds=qt0),
                    product=product,
                    risks=[Risk(rule=RiskRule(r), quote=q, basis="广告法 第九条第三项") for r, q in risks],
                )
            )
    services.catalog.add_utterances(utts)
    services.catalog.add_claims(claims)
    return utts, claims


class Hook(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Deployment:
    services: Services
    client: TestClient
    keys: dict[str, str]
    claims: dict[str, list[Claim]] = field(default_factory=dict)
    hooks: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def h(self, who: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who]}


@pytest.fixture(scope="session")
def webhook_server() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory, webhook_server: HTTPServer) -> Iterator[Deployment]:
    from api.app import create_app

    root = tmp_path_factory.mktemp("deploy")
    media_a = make_media(root / "a.mp4", 40.0)
    media_b = make_media(root / "b.mp4", 12.0)
    from index.e5_assets import ensure_e5_model

    models = Path(os.environ.get("ONRECORD_TEST_MODELS_DIR", tmp_path_factory.mktemp("models")))
    settings = Settings(
        embed_model=ensure_e5_model("bundled", models),  # assembled once per session (or CI cache)
        data_dir=root / "data",
        merchant="shop-a",
        webhook_url=f"http://127.0.0.1:{webhook_server.server_address[1]}/hook",
    )
    services = Services(settings)
    a = Stream(id="s1", merchant="shop-a", title="面膜专场", started_at=STARTED)
    b = Stream(id="s2", merchant="shop-b", title="other shop", started_at=STARTED)
    record(services, a, media_a)
    record(services, b, media_b)
    claims = {}
    for stream, script in ((a, SCRIPT_A), (b, SCRIPT_B)):
        utts, claims[stream.id] = write_script(services, stream, script)
        services.index.add_utterances(utts, claims[stream.id], merchant=stream.merchant, started_at=STARTED)
    services.index.save()
    accounts = AccountsCatalog(services.catalog)
    keys = {
        "agent": accounts.create_key(Role.AGENT, "shop-a").key,
        "compliance": accounts.create_key(Role.COMPLIANCE, "shop-a").key,
        "admin": accounts.create_key(Role.ADMIN, "shop-a").key,
        "agent_b": accounts.create_key(Role.AGENT, "shop-b").key,
        "compliance_b": accounts.create_key(Role.COMPLIANCE, "shop-b").key,
    }
    with TestClient(create_app(services)) as client:
        yield Deployment(services, client, keys, claims, Hook.received)
