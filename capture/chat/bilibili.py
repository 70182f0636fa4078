"""Bilibili live danmaku as a chat source: `bilibili://ROOM_ID[?server=wss://…&key=TOKEN&uid=N]`.

Bilibili's danmaku WebSocket speaks packets of a 16-byte big-endian header (packet length, header length,
protocol version, operation, sequence) and a body: the client authenticates (operation 7, JSON with the
room id and, where the room needs one, the `key` token from the room's danmaku-info API), the server
answers (8), the client sends a heartbeat (2) every 30 s, and messages (5) carry JSON commands, several
packets zlib-compressed in one (version 2; we ask for it, so no brotli is needed; a version-3 brotli
packet is decoded when the optional `brotli` module is there, else skipped and counted). Commands become
our records: DANMU_MSG → comment, SEND_GIFT → gift, INTERACT_WORD → join / follow, LIKE_INFO_V3_CLICK
→ like, LIVE / PREPARING → control. Reconnects, gaps, replays and garbage behave as in `JsonLinesFeed`.

Resolving a room's current server list and token needs Bilibili's web API (signed requests, cookies): it
is not done here; give `server` and `key` from it, or try without (anonymous sessions get less).
"""

from __future__ import annotations

import hashlib
import json
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as ws_connect

from capture.chat.feed import JsonLinesFeed
from models import CaptureError, InputError

HEADER = struct.Struct(">IHHII")  # packet length, header length, protocol version, operation, sequence
OP_HEARTBEAT, OP_MESSAGE, OP_AUTH, OP_AUTH_REPLY = 2, 5, 7, 8
DEFAULT_SERVER = "wss://broadcastlv.chat.bilibili.com/sub"
HEARTBEAT_S = 30.0


def packet(op: int, body: bytes, ver: int = 1) -> bytes:
    return HEADER.pack(HEADER.size + len(body), HEADER.size, ver, op, 1) + body


def unpack(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(operation, body) of every packet in `data`, compressed ones opened. ValueError for a broken one."""
    pos = 0
    while pos < len(data):
        if len(data) - pos < HEADER.size:
            raise ValueError(f"a packet header cut short at byte {pos}")
        length, head, ver, op, _ = HEADER.unpack_from(data, pos)
        if length < head or pos + length > len(data):
            raise ValueError(f"a packet of {length} bytes at byte {pos} does not fit the frame")
        body = data[pos + head : pos + length]
        pos += length
        if op == OP_MESSAGE and ver == 2:
            yield from unpack(zlib.decompress(body))
        elif op == OP_MESSAGE and ver == 3:
            import brotli  # optional (onrecord[bilibili]); ImportError → the frame is skipped and counted

            yield from unpack(brotli.decompress(body))
        else:
            yield op, body


def to_record(msg: dict[str, Any], room: str) -> dict[str, Any] | None:
    """Our record for one Bilibili command (None for the many commands that are not chat)."""
    cmd = str(msg.get("cmd", "")).split(":", 1)[0]
    base = {"platform": "bilibili", "room": room}
    if cmd == "DANMU_MSG":
        info = msg["info"]
        user, at_ms, text = info[2], info[0][4], info[1]
        return base | _ids(at_ms / 1000, user[0], text, "comment") | {"user_name": user[1], "text": text}
    data = msg.get("data") or {}
    at = data.get("timestamp")
    if cmd == "SEND_GIFT":
        ident = (
            {"id": f"gift-{data['tid']}"}
            if data.get("tid")
            else _ids(at, data.get("uid"), data.get("giftName"), "gift")
        )
        return base | ident | {"kind": "gift", "at": at, "user_id": str(data.get("uid", "")),
                               "user_name": data.get("uname", ""), "gift_name": data.get("giftName"),
                               "gift_count": data.get("num"), "gift_value": data.get("price")}  # fmt: skip
    if cmd == "INTERACT_WORD" and data.get("msg_type") in (1, 2):
        kind = "join" if data["msg_type"] == 1 else "follow"
        return base | _ids(at, data.get("uid"), kind, kind) | {"user_name": data.get("uname", "")}
    if cmd == "LIKE_INFO_V3_CLICK":
        return base | _ids(None, data.get("uid"), "like", "like") | {"user_name": data.get("uname", "")}
    if cmd in ("LIVE", "PREPARING"):
        return base | _ids(None, room, cmd, "control") | {"text": "start" if cmd == "LIVE" else "stop"}
    return None


def _ids(at: float | None, uid: object, what: object, kind: str) -> dict[str, Any]:
    """Bilibili sends no message id: one is derived from time, user and content (a replay repeats it)."""
    when = at if at is not None else time.time()
    key = f"{kind}|{when:.3f}|{uid}|{what}"
    return {"id": "bili-" + hashlib.sha256(key.encode()).hexdigest()[:20], "kind": kind, "at": when,
            "user_id": str(uid or "")}  # fmt: skip


class BilibiliDanmakuFeed(JsonLinesFeed):
    """A room's danmaku (see the module docstring for the URL)."""

    schemes = ("bilibili://",)

    def __init__(self, url: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(url, *args, **kwargs)
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if not parts.netloc.isdigit():
            raise InputError(f"chat feed {url!r}: expected bilibili://ROOM_ID (digits)")
        self.room = parts.netloc
        self.server = query.get("server", DEFAULT_SERVER)
        self.auth = {"uid": int(query.get("uid", "0")), "roomid": int(self.room), "protover": 2,
                     "platform": "web", "type": 2, "key": query.get("key", "")}  # fmt: skip
        self.name = f"bilibili://{self.room}"

    @contextmanager
    def _connect(self, stop: threading.Event) -> Iterator[Iterator[str]]:
        try:
            ws = ws_connect(self.server, open_timeout=self.connect_timeout_s, max_size=4 << 20)
        except (OSError, TimeoutError, WebSocketException) as exc:
            raise CaptureError(f"cannot open {self.name} ({self.server}): {exc}") from exc
        with ws:
            self._close = ws.close
            try:
                self._authenticate(ws)
                yield self._lines(ws, stop)
            finally:
                self._close = None

    def _authenticate(self, ws: ClientConnection) -> None:
        try:
            ws.send(packet(OP_AUTH, json.dumps(self.auth).encode()))
            reply = ws.recv(timeout=self.connect_timeout_s)
            ops = dict(unpack(reply if isinstance(reply, bytes) else reply.encode()))
        except (OSError, TimeoutError, WebSocketException, ValueError) as exc:
            raise CaptureError(f"{self.name}: no answer to the authentication: {exc}") from exc
        answer = json.loads(ops.get(OP_AUTH_REPLY, b"{}") or b"{}")
        if answer.get("code") != 0:
            raise CaptureError(f"{self.name}: authentication refused ({answer or 'no reply packet'})")

    def _lines(self, ws: ClientConnection, stop: threading.Event) -> Iterator[str]:
        beat = 0.0
        while not stop.is_set():
            if time.monotonic() - beat >= HEARTBEAT_S:
                ws.send(packet(OP_HEARTBEAT, b"[object Object]"))  # the body the web client sends
                beat = time.monotonic()
            try:
                frame = ws.recv(timeout=0.25)
            except TimeoutError:
                continue
            except (OSError, WebSocketException) as exc:
                if stop.is_set():
                    return
                raise CaptureError(f"{self.name} dropped: {exc}") from exc
            yield from self._decode(frame if isinstance(frame, bytes) else frame.encode())

    def _decode(self, frame: bytes) -> Iterator[str]:
        """Our records as JSON lines; a frame or a message that cannot be read is skipped and counted."""
        try:
            packets = list(unpack(frame))
        except (ValueError, zlib.error, ImportError, OSError) as exc:
            self._skipped(f"a Bilibili frame that cannot be read ({exc})", repr(frame[:40]))
            return
        for op, body in packets:
            if op != OP_MESSAGE:
                continue
            try:
                record = to_record(json.loads(body), self.room)
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                self._skipped(
                    f"a Bilibili message that is not what its command says ({exc!r})", repr(body[:60])
                )
                continue
            if record is not None:
                yield json.dumps(record, ensure_ascii=False)
