"""One chat record (a JSON object, a CSV row) → a ChatEvent on the stream clock.

Field names, first match wins (JSONL as ARCHITECTURE.md's contract, CSV as common exporters write it,
e.g. chat-downloader's `message_id,message,author.name,author.id,time_in_seconds,timestamp,message_type`):

| field | accepted names |
|---|---|
| id | id, message_id, msg_id, comment_id (none: a stable hash of time, user and text, see `derived_id`) |
| time on the stream clock, s | t, time_in_seconds, offset, offset_s |
| wall-clock time | at, timestamp, sent_at, time, created_at (ISO with a zone, or POSIX s / ms / µs) |
| kind | kind, type, message_type, msg_type (see `KIND_NAMES`; none: comment) |
| user | user, user_name, nickname, author, author.name, username; user_id, uid, author.id, author_id |
| text | text, message, content, comment, msg |
| gift | gift_name, gift; gift_count, count, num; gift_value, value, price |
| where | platform; room, room_id |

A wall-clock time becomes `t = at − started_at` and is kept as `sent_at`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from models import MAX_COMMENT_CHARS, ChatEvent, ChatKind, InputError

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "message_id", "msg_id", "comment_id"),
    "t": ("t", "time_in_seconds", "offset", "offset_s"),
    "at": ("at", "timestamp", "sent_at", "time", "created_at"),
    "kind": ("kind", "type", "message_type", "msg_type"),
    "user_name": ("user", "user_name", "nickname", "author", "author.name", "username"),
    "user_id": ("user_id", "uid", "author.id", "author_id"),
    "text": ("text", "message", "content", "comment", "msg"),
    "gift_name": ("gift_name", "gift"),
    "gift_count": ("gift_count", "count", "num"),
    "gift_value": ("gift_value", "value", "price"),
    "platform": ("platform",),
    "room": ("room", "room_id"),
}

# exporters' kind names → ours (chat-downloader, danmaku dumps, platform webcast message names)
KIND_NAMES: dict[str, ChatKind] = {
    **{k.value: k for k in ChatKind},
    "chat": ChatKind.COMMENT,
    "text_message": ChatKind.COMMENT,
    "danmu": ChatKind.COMMENT,
    "danmaku": ChatKind.COMMENT,
    "webcastchatmessage": ChatKind.COMMENT,
    "paid_message": ChatKind.GIFT,
    "super_chat": ChatKind.GIFT,
    "webcastgiftmessage": ChatKind.GIFT,
    "webcastlikemessage": ChatKind.LIKE,
    "webcastmembermessage": ChatKind.JOIN,
    "enter": ChatKind.JOIN,
    "webcastsocialmessage": ChatKind.FOLLOW,
    "webcastcontrolmessage": ChatKind.CONTROL,
}


class ChatRecordError(InputError):
    """A chat record that cannot be an event; the message says what is wrong with it (the caller adds where)."""


def pick(record: Mapping[str, Any], field: str) -> Any:
    """The record's value for `field` under any of its names (None when absent or empty)."""
    for name in ALIASES[field]:
        value = record.get(name)
        if value is not None and value != "":
            return value
    return None


def parse_kind(value: Any) -> ChatKind:
    if value is None:
        return ChatKind.COMMENT
    kind = KIND_NAMES.get(str(value).strip().lower())
    if kind is None:
        raise ChatRecordError(f"unknown kind {value!r}; expected one of {[k.value for k in ChatKind]}")
    return kind


def parse_at(value: Any) -> datetime:
    """A wall-clock time: ISO 8601 with a zone, or POSIX seconds / milliseconds / microseconds."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.replace(".", "", 1).isdigit()):
        n = float(value)
        scale = 1e6 if n > 1e14 else 1e3 if n > 1e11 else 1.0  # µs and ms by magnitude
        return datetime.fromtimestamp(n / scale, UTC)
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ChatRecordError(f"time {value!r} is neither ISO 8601 nor a POSIX timestamp") from exc
    if at.tzinfo is None:
        raise ChatRecordError(f"time {value!r} has no time zone (give +08:00 or Z)")
    return at


def derived_id(t: float, user: str, text: str, occurrence: int) -> str:
    """An id for a record that has none: the same file imported twice gives the same ids."""
    key = f"{t:.3f}|{user}|{text}|{occurrence}"
    return "h" + hashlib.sha256(key.encode()).hexdigest()[:20]


def to_event(
    record: Mapping[str, Any],
    stream_id: str,
    seconds: Callable[[datetime], float],
    *,
    occurrence: Callable[[str], int] | None = None,
    received_at: datetime | None = None,
) -> ChatEvent:
    """The event a record describes. `seconds(at)` puts a wall-clock time on the stream clock; `occurrence(key)`
    numbers records without an id that look alike. Raises ChatRecordError saying what is wrong."""
    text = pick(record, "text")
    text = "" if text is None else str(text)
    if len(text) > MAX_COMMENT_CHARS:
        raise ChatRecordError(f"a comment of {len(text)} characters; at most {MAX_COMMENT_CHARS} are kept")
    sent_at = parse_at(pick(record, "at")) if pick(record, "at") is not None else None
    t = _stream_time(record, sent_at, received_at, seconds)
    user_name = str(pick(record, "user_name") or "")
    user_id = str(pick(record, "user_id") or "")
    event_id = pick(record, "id")
    if event_id is None:
        key = f"{t:.3f}|{user_id or user_name}|{text}"
        event_id = derived_id(t, user_id or user_name, text, occurrence(key) if occurrence else 0)
    fields = {
        "id": str(event_id),
        "stream_id": stream_id,
        "t": t,
        "kind": parse_kind(pick(record, "kind")),
        "platform": str(pick(record, "platform") or ""),
        "room": str(pick(record, "room") or ""),
        "user_id": user_id,
        "user_name": user_name,
        "text": text,
        "gift_name": pick(record, "gift_name"),
        "gift_count": pick(record, "gift_count"),
        "gift_value": pick(record, "gift_value"),
        "sent_at": sent_at,
        "received_at": received_at,
    }
    try:
        return ChatEvent.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ChatRecordError(f"{where}: {first['msg']} (got {first.get('input')!r:.60})") from exc


def _stream_time(
    record: Mapping[str, Any],
    sent_at: datetime | None,
    received_at: datetime | None,
    seconds: Callable[[datetime], float],
) -> float:
    raw = pick(record, "t")
    if raw is not None:
        try:
            t = float(raw)
        except (TypeError, ValueError) as exc:
            raise ChatRecordError(f"t {raw!r} is not a number of seconds") from exc
        if t != t or t in (float("inf"), float("-inf")):
            raise ChatRecordError(f"t {raw!r} is not a finite number of seconds")
    elif sent_at is not None or received_at is not None:
        t = seconds(sent_at or received_at)  # type: ignore[arg-type]
    else:
        raise ChatRecordError('no time: give "t" (seconds on the stream clock) or "at" (ISO time)')
    if t < 0:
        raise ChatRecordError(f"at {t:.3f}s on the stream clock: before the stream started")
    return round(t, 3)
