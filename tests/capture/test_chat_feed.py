"""A live chat feed over a real local WebSocket or chunked HTTP server: it drops mid-way and is reconnected,
the time it was away comes out as a gap with its reason, a replay after the reconnect gives no duplicate,
and garbage lines are skipped and counted, never raised."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

import pytest

from capture.chat import JsonLinesFeed, open_chat_source
from capture.reconnect import Backoff
from models import ChatEvent, ChatFeedGap, InputError
from tests.capture.chat_servers import HOLD, Scripts, http_feed, websocket_feed

STARTED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FAST = Backoff(initial_s=0.01, factor=2.0, max_s=0.05)
Server = Callable[[Scripts], AbstractContextManager[str]]


def _line(i: int) -> str:
    return json.dumps(
        {"id": f"c{i}", "t": float(i), "user": f"u{i % 3}", "text": f"第{i}条：包邮吗"}, ensure_ascii=False
    )


class Ticking:
    """A wall clock that moves one second each time it is read (deterministic gap lengths)."""

    def __init__(self) -> None:
        self.now = STARTED

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _feed(url: str) -> JsonLinesFeed:
    return JsonLinesFeed(
        url, "s1", lambda at: (at - STARTED).total_seconds(), FAST, idle_timeout_s=30.0, now=Ticking()
    )


def _collect(feed: JsonLinesFeed, want_events: int) -> list[ChatEvent | ChatFeedGap]:
    stop = threading.Event()
    got: list[ChatEvent | ChatFeedGap] = []
    events: Iterator[ChatEvent | ChatFeedGap] = feed.events(stop)
    for item in events:
        got.append(item)
        if sum(isinstance(x, ChatEvent) for x in got) == want_events:
            stop.set()
            break
    return got


@pytest.mark.parametrize("server", [websocket_feed, http_feed], ids=["websocket", "http"])
def test_a_feed_that_drops_is_reconnected_with_a_gap_and_no_duplicates(server: Server) -> None:
    first = [_line(i) for i in range(10)]  # then the server closes the connection
    second = [_line(i) for i in range(6, 15)] + [HOLD]  # replays c6..c9 after the reconnect
    scripts = Scripts([first, second])
    with server(scripts) as url:
        feed = _feed(url)
        got = _collect(feed, 15)
    events = [x for x in got if isinstance(x, ChatEvent)]
    gaps = [x for x in got if isinstance(x, ChatFeedGap)]
    assert [e.id for e in events] == [f"c{i}" for i in range(15)]  # each once, in order
    assert len(gaps) == 1 and re.search("closed the connection|dropped: .*incomplete", gaps[0].reason)
    assert got.index(gaps[0]) == 10  # between what came before the drop and after the reconnect
    assert gaps[0].t1 > gaps[0].t0
    assert feed.stats.repeats == 4 and feed.stats.connects == 2 and feed.stats.skipped == 0
    assert scripts.connections == 2


@pytest.mark.parametrize("server", [websocket_feed, http_feed], ids=["websocket", "http"])
def test_garbage_lines_are_skipped_and_counted(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    garbage = [
        "not json at all",
        "[1, 2, 3]",
        json.dumps({"id": "x1", "t": 1, "kind": "shout"}),
        json.dumps({"id": "x2", "t": -5, "text": "before the start"}),
        json.dumps({"id": "x3", "t": 2, "text": "长" * 5000}),
        "\x00\x01binary-ish",
    ]
    script = [_line(0), *garbage, _line(1), HOLD]
    with server(Scripts([script])) as url:
        feed = _feed(url)
        with caplog.at_level("WARNING", logger="capture.chat.feed"):
            got = _collect(feed, 2)
    assert [x.id for x in got if isinstance(x, ChatEvent)] == ["c0", "c1"]
    assert feed.stats.skipped == len(garbage)
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 1 and "skipped a line that is not a chat event (1 so far)" in warned[0]
    assert "127.0.0.1" in warned[0]


def test_a_feed_never_reached_gives_one_gap_when_the_recording_stops() -> None:
    with websocket_feed(Scripts([[HOLD]])) as url:
        pass  # the server is gone: nothing listens on its port any more
    feed = _feed(url)
    stop = threading.Event()
    got: list[ChatEvent | ChatFeedGap] = []
    reader = threading.Thread(target=lambda: got.extend(feed.events(stop)))
    reader.start()
    with feed.changed:
        assert feed.changed.wait_for(lambda: feed.stats.failures >= 3, timeout=60)
    stop.set()
    reader.join(60)
    assert len(got) == 1 and isinstance(got[0], ChatFeedGap)
    assert "cannot open" in got[0].reason and "recording stopped" in got[0].reason
    assert feed.stats.connects == 0


def test_a_source_that_is_neither_a_feed_nor_a_chat_file_is_refused() -> None:
    with pytest.raises(InputError, match="expected a ws://"):
        open_chat_source("rtmp://example/live", "s1", lambda at: 0.0)
    with pytest.raises(InputError, match="no such file"):
        open_chat_source("missing.jsonl", "s1", lambda at: 0.0)
