"""A live chat feed: a WebSocket (`ws://`, `wss://`) or an HTTP response (`http://`, `https://`, chunked) that
sends one JSON object per line (or per message), fields as `capture.chat.records` lists them.

The feed never ends a recording. A line that is not a chat event (not JSON, not an object, a bad field)
is skipped and counted, with a warning naming the feed and what was wrong (the first, then every
1000th). A feed that drops or cannot be reached is retried with bounded backoff for as long as the
recording runs; the time it was away is given out as a `ChatFeedGap` with the reason, once it is back
or when the recording stops. An event whose id was already given out (a feed replaying its last lines
after a reconnect) is dropped, by a bounded window of recent ids.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from websockets.exceptions import ConnectionClosedOK, WebSocketException
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as ws_connect

from capture.chat.records import ChatRecordError, to_event
from capture.reconnect import Backoff
from models import CaptureError, ChatEvent, ChatFeedGap, InputError, redact_source

log = logging.getLogger(__name__)

_POLL_S = 0.25  # how often a quiet WebSocket looks at the stop flag
_SCHEMES = ("ws://", "wss://", "http://", "https://")


@dataclass
class FeedStats:
    """What a feed has done so far (each field written by the feed's thread only)."""

    received: int = 0  # events given out
    skipped: int = 0  # lines that were not chat events
    repeats: int = 0  # events already given out (a replay after a reconnect)
    connects: int = 0
    failures: int = 0  # connection attempts that failed, and drops
    gaps: int = 0


def is_feed_url(source: str) -> bool:
    return source.lower().startswith(_SCHEMES)


class JsonLinesFeed:
    """A ChatSource reading JSON lines from a WebSocket or a streamed HTTP response. A platform adapter
    subclasses it, overriding `schemes` and `_connect` to turn the platform's frames into such lines."""

    schemes: tuple[str, ...] = _SCHEMES

    def __init__(
        self,
        url: str,
        stream_id: str,
        seconds: Callable[[datetime], float],
        backoff: Backoff | None = None,
        *,
        connect_timeout_s: float = 10.0,
        idle_timeout_s: float = 60.0,
        recent_ids: int = 20_000,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not url.lower().startswith(self.schemes):
            raise InputError(
                f"chat feed {redact_source(url)!r}: expected a URL starting {' or '.join(self.schemes)}"
            )
        self.url, self.stream_id = url, stream_id
        self.name = redact_source(url)
        self.seconds = lambda at: max(0.0, seconds(at))  # a comment sent before the first second is at 0
        self.backoff = backoff or Backoff(give_up_s=float("inf"))
        self.connect_timeout_s, self.idle_timeout_s = connect_timeout_s, idle_timeout_s
        self.now = now
        self.stats = FeedStats()
        self.connected = threading.Event()  # set while a connection is open (tests and status wait on it)
        self.changed = threading.Condition()  # notified after each failed attempt or drop
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._recent_max = recent_ids
        self._close: Callable[[], None] | None = None

    def close(self) -> None:
        """Break the open connection (from any thread): a blocked read returns and the loop sees `stop`."""
        close = self._close
        if close is not None:
            try:
                close()
            except (OSError, RuntimeError, WebSocketException, httpx.HTTPError):
                pass

    def events(self, stop: threading.Event) -> Iterator[ChatEvent | ChatFeedGap]:
        """Events as they arrive and gaps when the feed was away, until `stop` is set."""
        down_since: float | None = None
        reason = "the chat feed was not reached"
        delays = self.backoff.delays()
        while not stop.is_set():
            try:
                with self._connect(stop) as lines:
                    self.stats.connects += 1
                    self.connected.set()
                    if down_since is not None:
                        yield self._gap(down_since, reason)
                        down_since = None
                    delays = self.backoff.delays()
                    for line in lines:
                        event = self._parse(line)
                        if event is not None:
                            yield event
                    reason = "the chat feed closed the connection"
            except CaptureError as exc:
                reason = f"chat feed lost: {exc}"
            finally:
                self.connected.clear()
            if stop.is_set():
                break
            with self.changed:
                self.stats.failures += 1
                self.changed.notify_all()
            if down_since is None:
                down_since = self.seconds(self.now())
                log.warning("chat feed %s: %s; reconnecting", self.name, reason)
            stop.wait(next(delays))
        if down_since is not None:
            yield self._gap(down_since, f"{reason}; recording stopped before it came back")

    def _gap(self, t0: float, reason: str) -> ChatFeedGap:
        self.stats.gaps += 1
        return ChatFeedGap(t0=t0, t1=max(t0, self.seconds(self.now())), reason=reason)

    def _parse(self, line: str) -> ChatEvent | None:
        if not line.strip():
            return None
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ChatRecordError(f"expected a JSON object, got {type(record).__name__}")
            event = to_event(record, self.stream_id, self.seconds, received_at=self.now())
        except (ValueError, ChatRecordError) as exc:
            self._skipped(str(exc), line)
            return None
        if event.id in self._recent:
            self.stats.repeats += 1
            return None
        self._recent[event.id] = None
        if len(self._recent) > self._recent_max:
            self._recent.popitem(last=False)
        self.stats.received += 1
        return event

    def _skipped(self, why: str, what: str) -> None:
        """Count a line (or a platform frame) that is not a chat event; warn for the first and every 1000th."""
        self.stats.skipped += 1
        if self.stats.skipped == 1 or self.stats.skipped % 1000 == 0:
            log.warning(
                "chat feed %s: skipped a line that is not a chat event (%d so far): %s: %.80r",
                self.name,
                self.stats.skipped,
                why,
                what,
            )

    def _connect(self, stop: threading.Event) -> AbstractContextManager[Iterator[str]]:
        return self._websocket(stop) if self.url.lower().startswith(("ws://", "wss://")) else self._http()

    @contextmanager
    def _websocket(self, stop: threading.Event) -> Iterator[Iterator[str]]:
        with ExitStack() as stack:
            try:
                ws = stack.enter_context(
                    ws_connect(self.url, open_timeout=self.connect_timeout_s, max_size=4 << 20)
                )
            except (OSError, TimeoutError, WebSocketException) as exc:
                raise CaptureError(f"cannot open {self.name}: {exc}") from exc
            self._close = ws.close
            try:
                yield self._messages(ws, stop)
            finally:
                self._close = None

    def _messages(self, ws: ClientConnection, stop: threading.Event) -> Iterator[str]:
        idle = 0.0
        while not stop.is_set():
            try:
                message = ws.recv(timeout=_POLL_S)
            except TimeoutError:
                idle += _POLL_S
                if idle >= self.idle_timeout_s:
                    raise CaptureError(f"{self.name} sent nothing for {self.idle_timeout_s:.0f}s") from None
                continue
            except ConnectionClosedOK:
                return  # the server closed it properly: still a drop while the stream runs
            except (OSError, WebSocketException) as exc:
                if stop.is_set():
                    return
                raise CaptureError(f"{self.name} dropped: {exc}") from exc
            idle = 0.0
            text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
            yield from text.splitlines()

    @contextmanager
    def _http(self) -> Iterator[Iterator[str]]:
        timeout = httpx.Timeout(self.connect_timeout_s, read=self.idle_timeout_s)
        client = httpx.Client(timeout=timeout, follow_redirects=True)
        try:
            try:
                response = client.send(client.build_request("GET", self.url), stream=True)
            except httpx.HTTPError as exc:
                raise CaptureError(f"cannot open {self.name}: {exc}") from exc
            if response.status_code != 200:
                response.close()
                raise CaptureError(f"{self.name} answered HTTP {response.status_code}")
            self._close = response.close

            def lines() -> Iterator[str]:
                try:
                    yield from response.iter_lines()
                except (httpx.HTTPError, OSError, RuntimeError) as exc:
                    raise CaptureError(f"{self.name} dropped: {exc}") from exc

            yield lines()
        finally:
            self._close = None
            client.close()
