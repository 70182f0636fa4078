"""Chat from a file: JSON lines or CSV (column names as `capture.chat.records` lists them).

A file is read whole before anything is stored and is refused whole at its first bad record
(`ChatFileError` names the file, the line and what is wrong): an import is all or nothing, so a
half-imported file never has to be told apart from a complete one.
"""

from __future__ import annotations

import csv
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from capture.chat.records import ChatRecordError, to_event
from models import ChatEvent, ChatFeedGap, InputError

_JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


class ChatFileError(InputError):
    """A chat file that cannot be imported: unreadable, or a record in it is not a chat event (line named)."""


def read_chat_file(path: Path, stream_id: str, started_at: datetime) -> list[ChatEvent]:
    """Every event in `path` (JSONL, or CSV by its `.csv`/`.tsv` suffix), on the stream clock of a stream that
    started at `started_at`. Raises ChatFileError naming the line of the first bad record."""
    return [event for _, event in read_chat_lines(path, stream_id, since(started_at))]


def since(started_at: datetime) -> Callable[[datetime], float]:
    """Seconds on the clock of a stream that started at `started_at`."""
    return lambda at: (at - started_at).total_seconds()


def read_chat_lines(
    path: Path, stream_id: str, seconds: Callable[[datetime], float], *, end_s: float | None = None
) -> list[tuple[int, ChatEvent]]:
    """(line number, event) for every record of `path`, as `read_chat_file`; also refused, by line: a time past
    `end_s` (where the stream's record ends), and an id given again with different content."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, ChatEvent]] = {}

    def occurrence(key: str) -> int:
        counts[key] += 1
        return counts[key] - 1

    events = []
    for line, record in _records(path):
        try:
            event = to_event(record, stream_id, seconds, occurrence=occurrence)
        except ChatRecordError as exc:
            raise ChatFileError(f"{path} line {line}: {exc}") from exc
        if end_s is not None and event.t > end_s:
            raise ChatFileError(
                f"{path} line {line}: at {event.t:.3f}s on the stream clock, after the stream's record ends "
                f"({end_s:.3f}s); is the file for this stream, and its times from the stream's start?"
            )
        seen = first.setdefault(event.id, (line, event))
        if seen[1] != event:
            raise ChatFileError(
                f"{path} line {line}: id {event.id!r} was given on line {seen[0]} with different content"
            )
        events.append((line, event))
    return events


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            yield from _csv_records(path, "\t" if suffix == ".tsv" else ",")
        else:
            yield from _json_records(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ChatFileError(f"{path}: cannot read it as UTF-8 text ({exc})") from exc


def _json_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError as exc:
                raise ChatFileError(f"{path} line {n}: not JSON ({exc.args[0][:80]})") from exc
            if not isinstance(record, dict):
                raise ChatFileError(f"{path} line {n}: expected a JSON object, got {type(record).__name__}")
            yield n, record


def _csv_records(path: Path, delimiter: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:  # -sig: spreadsheets write a BOM
        reader = csv.DictReader(fh, delimiter=delimiter)
        if not reader.fieldnames:
            raise ChatFileError(f"{path}: no header row (expected column names such as id,t,user,text,kind)")
        for row in reader:
            if None in row:
                raise ChatFileError(f"{path} line {reader.line_num}: more fields than the header names")
            yield reader.line_num, {k.strip(): v for k, v in row.items() if k is not None}


class FileChatSource:
    """A ChatSource over a file: every event, read and checked whole before the first is given out."""

    def __init__(self, path: Path, stream_id: str, seconds: Callable[[datetime], float]) -> None:
        self.path, self.stream_id, self.seconds = path, stream_id, seconds
        self.name = str(path)

    def events(self, stop: threading.Event) -> Iterator[ChatEvent | ChatFeedGap]:
        for _, event in read_chat_lines(self.path, self.stream_id, self.seconds):
            if stop.is_set():
                return
            yield event


def is_chat_file(source: str) -> bool:
    """Whether a --comments SOURCE names a local file rather than a feed URL."""
    return "://" not in source and (Path(source).suffix.lower() in (*_JSON_SUFFIXES, ".csv", ".tsv"))
