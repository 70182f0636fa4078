"""The one interface of every live-chat source, and the factory that picks one for a `--comments SOURCE`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol

from capture.chat.bilibili import BilibiliDanmakuFeed
from capture.chat.feed import JsonLinesFeed, is_feed_url
from capture.chat.files import FileChatSource, is_chat_file
from capture.reconnect import Backoff
from models import ChatEvent, ChatFeedGap, InputError


class ChatSource(Protocol):
    """Chat events on the stream clock, and the gaps when the source was away, until `stop` is set (or
    the source ends). A source never raises for what its peer sends: bad lines are skipped and counted."""

    name: str

    def events(self, stop: threading.Event) -> Iterator[ChatEvent | ChatFeedGap]: ...


def open_chat_source(
    source: str,
    stream_id: str,
    seconds: Callable[[datetime], float],
    *,
    backoff: Backoff | None = None,
) -> ChatSource:
    """A ws:// / http(s):// JSON-lines feed, a bilibili://ROOM danmaku feed, or a .jsonl / .csv file.
    InputError for anything else, before the recording starts."""
    if source.lower().startswith(BilibiliDanmakuFeed.schemes):
        return BilibiliDanmakuFeed(source, stream_id, seconds, backoff)
    if is_feed_url(source):
        return JsonLinesFeed(source, stream_id, seconds, backoff)
    if is_chat_file(source):
        path = Path(source)
        if not path.is_file():
            raise InputError(f"--comments {source}: no such file")
        return FileChatSource(path, stream_id, seconds)
    raise InputError(
        f"--comments {source!r}: expected a ws://, wss://, http:// or https:// feed of JSON lines, "
        "a bilibili://ROOM_ID danmaku feed, or a .jsonl / .csv file"
    )
