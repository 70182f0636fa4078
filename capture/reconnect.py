"""Bounded exponential backoff for (re)connecting to a live source.

A source that cannot be reached is retried with delays ``initial, initial·factor, …`` capped at
``max_s``, for at most ``give_up_s`` seconds; a stop request ends the wait at once. Only
recoverable errors (CaptureError: refused, timed out, dropped) are retried; bad input
(InputError: not media, no audio) is raised on the first try, since waiting cannot fix it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from models import CaptureError

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    """Retry policy: delays grow by `factor` from `initial_s` up to `max_s`; give up after `give_up_s`."""

    initial_s: float = 0.5
    factor: float = 2.0
    max_s: float = 8.0
    give_up_s: float = 60.0

    def delays(self) -> Iterator[float]:
        delay = self.initial_s
        while True:
            yield delay
            delay = min(self.max_s, delay * self.factor)


@dataclass
class Attempts:
    """What happened while connecting: how many tries failed and the last error."""

    failures: int = 0
    last_error: str = ""


def connect_with_backoff(
    open_fn: Callable[[], T],
    policy: Backoff,
    stop: threading.Event,
    *,
    clock: Callable[[], float] = time.monotonic,
    on_failure: Callable[[Attempts], None] | None = None,
) -> tuple[T | None, Attempts]:
    """Call `open_fn` until it succeeds, `stop` is set, or `policy.give_up_s` has passed.

    Returns ``(result, attempts)``; result is None when stopped. Raises the last CaptureError
    when giving up, and any other error from `open_fn` immediately.
    """
    attempts = Attempts()
    deadline = clock() + policy.give_up_s
    delays = policy.delays()
    while not stop.is_set():
        try:
            return open_fn(), attempts
        except CaptureError as exc:
            attempts.failures += 1
            attempts.last_error = str(exc)
            if on_failure is not None:
                on_failure(attempts)
            remaining = deadline - clock()
            if remaining <= 0:
                raise CaptureError(
                    f"gave up after {attempts.failures} attempts in {policy.give_up_s:.0f}s: {exc}"
                ) from exc
            stop.wait(min(next(delays), remaining))
    return None, attempts
