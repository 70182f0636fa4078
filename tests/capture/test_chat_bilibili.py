"""Bilibili danmaku over a real local WebSocket server that speaks the platform's packet protocol (auth,
heartbeat, zlib-compressed message packets), replaying messages in the shapes Bilibili sends."""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from capture.chat import BilibiliDanmakuFeed, open_chat_source
from capture.chat.bilibili import OP_AUTH, OP_AUTH_REPLY, OP_HEARTBEAT, OP_MESSAGE, packet, unpack
from capture.reconnect import Backoff
from models import ChatEvent, ChatFeedGap, ChatKind

STARTED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
T0 = STARTED.timestamp()
DANMU = {
    "cmd": "DANMU_MSG",
    "info": [[0, 1, 25, 16777215, int((T0 + 12.5) * 1000), 0], "敏感肌能用吗", [42, "小王"]],
}
GIFT = {"cmd": "SEND_GIFT", "data": {"giftName": "小心心", "num": 3, "price": 0, "uid": 7, "uname": "阿花",
                                     "timestamp": int(T0 + 20), "tid": "1700000000123"}}  # fmt: skip
JOIN = {"cmd": "INTERACT_WORD", "data": {"msg_type": 1, "uid": 9, "uname": "老李", "timestamp": int(T0 + 21)}}
NOISE = {"cmd": "ONLINE_RANK_COUNT", "data": {"count": 12}}


def _message(*msgs: dict) -> bytes:
    inner = b"".join(packet(OP_MESSAGE, json.dumps(m, ensure_ascii=False).encode(), ver=0) for m in msgs)
    return packet(OP_MESSAGE, zlib.compress(inner), ver=2)


@contextmanager
def bilibili_server(code: int = 0) -> Iterator[tuple[str, list[dict], threading.Event]]:
    auths: list[dict] = []
    beat = threading.Event()

    def handler(ws: ServerConnection) -> None:
        (op, body), = unpack(ws.recv())  # fmt: skip
        assert op == OP_AUTH
        auths.append(json.loads(body))
        ws.send(packet(OP_AUTH_REPLY, json.dumps({"code": code}).encode()))
        if code:
            return
        try:
            (op, _), = unpack(ws.recv())  # fmt: skip
            beat.set() if op == OP_HEARTBEAT else None
            ws.send(_message(DANMU, NOISE, GIFT))
            ws.send(b"\x00\x00\x00\x40garbage that is no packet")
            ws.send(_message({"cmd": "DANMU_MSG", "info": "not a list of lists"}, JOIN))
            ws.recv()  # hold until the client goes
        except ConnectionClosed:
            pass

    with serve(handler, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"ws://127.0.0.1:{server.socket.getsockname()[1]}/sub", auths, beat
        server.shutdown()


def _feed(server: str) -> BilibiliDanmakuFeed:
    source = open_chat_source(
        f"bilibili://545068?server={server}&key=tok", "s1", lambda at: (at - STARTED).total_seconds(),
        backoff=Backoff(0.01, 2.0, 0.05),
    )  # fmt: skip
    assert isinstance(source, BilibiliDanmakuFeed)
    return source


def test_danmaku_gifts_and_joins_become_events_and_garbage_is_counted() -> None:
    with bilibili_server() as (url, auths, beat):
        feed = _feed(url)
        stop = threading.Event()
        got: list[ChatEvent | ChatFeedGap] = []
        for item in feed.events(stop):
            got.append(item)
            if len(got) == 3:
                stop.set()
                break
    assert auths == [{"uid": 0, "roomid": 545068, "protover": 2, "platform": "web", "type": 2, "key": "tok"}]
    assert beat.is_set()
    comment, gift, join = got
    assert isinstance(comment, ChatEvent) and isinstance(gift, ChatEvent) and isinstance(join, ChatEvent)
    assert (comment.kind, comment.text, comment.user_name, comment.user_id) == (
        ChatKind.COMMENT,
        "敏感肌能用吗",
        "小王",
        "42",
    )
    assert comment.t == 12.5 and comment.platform == "bilibili" and comment.room == "545068"
    assert (gift.kind, gift.gift_name, gift.gift_count, gift.id, gift.t) == (
        ChatKind.GIFT,
        "小心心",
        3,
        "gift-1700000000123",
        20.0,
    )
    assert (join.kind, join.user_name) == (ChatKind.JOIN, "老李")
    # the broken frame and the malformed DANMU_MSG are skipped; other commands are not chat, not garbage
    assert feed.stats.skipped == 2


def test_a_refused_authentication_is_a_failed_connection_and_a_gap() -> None:
    with bilibili_server(code=-101) as (url, _, _):
        feed = _feed(url)
        stop = threading.Event()
        got: list[ChatEvent | ChatFeedGap] = []
        reader = threading.Thread(target=lambda: got.extend(feed.events(stop)))
        reader.start()
        with feed.changed:
            assert feed.changed.wait_for(lambda: feed.stats.failures >= 2, timeout=60)
        stop.set()
        reader.join(60)
    assert len(got) == 1 and isinstance(got[0], ChatFeedGap)
    assert "authentication refused" in got[0].reason
