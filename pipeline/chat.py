"""Live chat into the record: `onrecord comments import` and listing, and the writer that every source's
events go through (catalog, hash-chained archive batch, search index), live or imported.

An import is all or nothing: the file is read and checked whole (a malformed line, an unknown kind, a time
outside the stream, an id given twice with different content, an over-long comment: one error naming the
line) before anything is written; events already stored unchanged are counted as repeated, an id stored
with different content refuses the whole file. Then the new events become one chat batch on the stream's
chain, their catalog rows (one transaction) and search documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from capture.archive import StreamArchive, load_manifest
from capture.chat import read_chat_lines, since
from models import CatalogError, ChatEvent, ChatFeedGap, ChatGap, ChatKind, InputError, Stream, StreamStatus
from pipeline.services import Services
from storage import ChatCatalog

END_TOLERANCE_S = 10.0  # comments arrive a little after the last segment closed
BATCH_MAX = 1000  # events per archived batch: an evidence bundle carries whole batches around its moments


@dataclass(frozen=True)
class ChatImport:
    """What an import did: events written, events already stored unchanged (skipped), events refused (0: an
    import is all or nothing, a bad file raises instead)."""

    added: int
    repeated: int
    refused: int = 0


class ChatWriter:
    """Puts events of one stream on record: the archive batch first (the chain is the proof), then the
    catalog rows and the index. Used by one thread at a time."""

    def __init__(
        self, services: Services, stream: Stream, archive: StreamArchive, *, index: bool = True
    ) -> None:
        self.services, self.stream, self.archive = services, stream, archive
        self.chat = ChatCatalog(services.catalog)
        self.index = index

    def write(self, events: Sequence[ChatEvent], *, strict: bool = True) -> ChatImport:
        """Store the events not stored yet; `strict` as `ChatCatalog.unstored` (False for a live feed, whose
        replays carry a new receive time). Raises CatalogError (strict) or StorageError."""
        new = self.chat.unstored(events, strict=strict)
        if new:
            ordered = sorted(new, key=lambda e: (e.t, e.id))  # a batch then covers a short span of the stream
            for i in range(0, len(ordered), BATCH_MAX):
                self.archive.append_chat(ordered[i : i + BATCH_MAX])
            self.chat.add(new)
            if self.index:
                self.services.index.add_comments(new, merchant=self.stream.merchant)
        return ChatImport(added=len(new), repeated=len(events) - len(new))

    def gap(self, gap: ChatFeedGap) -> ChatGap:
        return self.archive.append_chat_gap(gap.t0, gap.t1, gap.reason)


def import_comments(services: Services, file: Path, stream_id: str) -> ChatImport:
    """`onrecord comments import FILE --stream ID`. InputError naming the line of the first bad record, an
    unknown stream, or a stream that is being recorded (its live feed is the way in then)."""
    stream = services.catalog.get_stream(stream_id)
    if stream is None:
        raise InputError(f"unknown stream {stream_id!r}: record, ingest or import its transcript first")
    if stream.status in (StreamStatus.RECORDING, StreamStatus.RECONNECTING):
        raise InputError(
            f"stream {stream_id!r} is being recorded: give its chat with `onrecord record --comments`, "
            "or import the file once the recording has ended"
        )
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    end = _record_end(services, stream_id)
    seconds = since(stream.started_at)
    lines = read_chat_lines(file, stream_id, seconds, end_s=end + END_TOLERANCE_S if end else None)
    events = [e for _, e in lines]
    writer = ChatWriter(services, stream, StreamArchive.attach(services.store, stream))
    try:
        result = writer.write(events)
    except CatalogError as exc:
        line = next((n for n, e in lines if repr(e.id) in str(exc)), None)
        raise InputError(f"{file}{f' line {line}' if line else ''}: {exc}; nothing was imported") from exc
    if result.added:
        services.index.save()
    return result


def _record_end(services: Services, stream_id: str) -> float:
    """Where the stream's record ends on its clock: its media, or its transcript (a text-only stream); 0: none."""
    manifest = load_manifest(services.store, stream_id)
    media = manifest.duration if manifest else 0.0
    text = max((u.t1 for u in services.catalog.utterances(stream_id)), default=0.0)
    return max(media, text)


def list_comments(services: Services, stream_id: str, kind: str | None = None) -> list[ChatEvent]:
    """The stream's chat in time order, optionally one kind; InputError for an unknown stream or kind."""
    if services.catalog.get_stream(stream_id) is None:
        raise InputError(f"unknown stream {stream_id!r}")
    return ChatCatalog(services.catalog).events(stream_id, kind=parse_kind(kind))


def parse_kind(kind: str | None) -> ChatKind | None:
    if kind is None:
        return None
    try:
        return ChatKind(kind)
    except ValueError as exc:
        raise InputError(
            f"unknown chat kind {kind!r}; expected one of {[k.value for k in ChatKind]}"
        ) from exc


def chat_gaps(services: Services, stream_id: str) -> list[ChatGap]:
    manifest = load_manifest(services.store, stream_id)
    return [g for g in manifest.chat if isinstance(g, ChatGap)] if manifest else []


def comment_row(event: ChatEvent, stream: Stream | None = None) -> dict[str, Any]:
    """The JSON line `onrecord comments --json` prints: `t` on the stream clock, `at` the wall clock."""
    at = event.sent_at or (stream.started_at + timedelta(seconds=event.t) if stream else None)
    row: dict[str, Any] = {
        "id": event.id,
        "stream": event.stream_id,
        "kind": event.kind.value,
        "t": event.t,
        "at": at.isoformat() if at else None,
        "user": event.user_name,
        "user_id": event.user_id,
        "text": event.text,
    }
    if event.kind is ChatKind.GIFT:
        row |= {"gift_name": event.gift_name, "gift_count": event.gift_count, "gift_value": event.gift_value}
    return row
