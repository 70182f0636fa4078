"""Live chat in the catalog: one row per `ChatEvent`, keyed by (stream, event id).

Adding is idempotent: the same event again (a feed that resends after a reconnect, a file imported twice) is
skipped and counted; an event whose id is taken by a *different* event is refused with `CatalogError` naming
the id, so nothing already stored is ever overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Float, String, Table, and_, func, select

from models import CatalogError, ChatEvent, ChatKind
from storage.catalog import Catalog, metadata

chat_events = Table(
    "chat_events",
    metadata,
    Column("stream_id", String(128), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("t", Float, nullable=False, index=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("doc", JSON, nullable=False),
)


@dataclass(frozen=True)
class ChatAdded:
    """What `ChatCatalog.add` did: rows written, and exact repeats skipped."""

    added: int
    repeated: int


class ChatCatalog:
    """The chat rows of a catalog (same database, same engine)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def add(self, events: Sequence[ChatEvent]) -> ChatAdded:
        """Store events in one transaction: all or none. Raises CatalogError if an id is taken by another
        event (in the catalog or twice in `events`), or if events of several streams are mixed."""
        if not events:
            return ChatAdded(0, 0)
        stream_ids = {e.stream_id for e in events}
        if len(stream_ids) > 1:
            raise CatalogError(f"chat events of several streams in one add: {sorted(stream_ids)}")
        docs = _unique_docs(events)

        def op(conn: Any) -> ChatAdded:
            stream_id = events[0].stream_id
            have = {
                row.id: row.doc
                for row in conn.execute(
                    select(chat_events.c.id, chat_events.c.doc).where(
                        and_(chat_events.c.stream_id == stream_id, chat_events.c.id.in_(list(docs)))
                    )
                )
            }
            for event_id, doc in docs.items():
                if event_id in have and have[event_id] != doc:
                    raise CatalogError(
                        f"chat event {event_id!r} of stream {stream_id!r} is already stored "
                        "with different content; refusing to overwrite it"
                    )
            rows = [
                {"stream_id": stream_id, "id": i, "t": d["t"], "kind": d["kind"], "doc": d}
                for i, d in docs.items()
                if i not in have
            ]
            if rows:
                conn.execute(chat_events.insert(), rows)
            return ChatAdded(len(rows), len(events) - len(rows))

        result: ChatAdded = self.catalog._run(op)
        return result

    def unstored(self, events: Sequence[ChatEvent], *, strict: bool = True) -> list[ChatEvent]:
        """The events (one stream's) not stored yet, in the given order, each id once. `strict`: raise
        CatalogError, as `add` would, for an id stored (or given twice) with different content; otherwise
        the first copy of an id wins (a live feed's replay carries a new receive time)."""
        if not events:
            return []
        stream_id = events[0].stream_id
        if strict:
            docs = _unique_docs(events)
        else:
            docs = {}
            for e in events:
                docs.setdefault(e.id, e.model_dump(mode="json"))
        have = self._stored(stream_id, list(docs))
        if strict:
            for event_id, doc in docs.items():
                if event_id in have and have[event_id] != doc:
                    raise CatalogError(
                        f"chat event {event_id!r} of stream {stream_id!r} is already stored "
                        "with different content; refusing to overwrite it"
                    )
        seen: set[str] = set()
        out = []
        for e in events:
            if e.id not in have and e.id not in seen:
                seen.add(e.id)
                out.append(e)
        return out

    def _stored(self, stream_id: str, ids: list[str]) -> dict[str, Any]:
        query = select(chat_events.c.id, chat_events.c.doc).where(
            and_(chat_events.c.stream_id == stream_id, chat_events.c.id.in_(ids))
        )
        rows = self.catalog._run(lambda conn: conn.execute(query).all())
        return {row.id: row.doc for row in rows}

    def count(self, stream_id: str) -> int:
        query = select(func.count()).select_from(chat_events).where(chat_events.c.stream_id == stream_id)
        n: int = self.catalog._run(lambda conn: conn.execute(query).scalar_one())
        return n

    def events(
        self,
        stream_id: str,
        *,
        kind: ChatKind | None = None,
        t0: float | None = None,
        t1: float | None = None,
    ) -> list[ChatEvent]:
        """The stream's events in stream-clock order (ties by id), optionally one kind and `t0 <= t < t1`."""
        query = select(chat_events.c.doc).where(chat_events.c.stream_id == stream_id)
        if kind is not None:
            query = query.where(chat_events.c.kind == kind.value)
        if t0 is not None:
            query = query.where(chat_events.c.t >= t0)
        if t1 is not None:
            query = query.where(chat_events.c.t < t1)
        query = query.order_by(chat_events.c.t, chat_events.c.id)
        rows = self.catalog._run(lambda conn: conn.execute(query).all())
        return [ChatEvent.model_validate(row.doc) for row in rows]

    def delete_stream(self, stream_id: str) -> int:
        """Remove a stream's chat (retention); returns the number of rows removed."""
        stmt = chat_events.delete().where(chat_events.c.stream_id == stream_id)
        count: int = self.catalog._run(lambda conn: conn.execute(stmt).rowcount)
        return count


def _unique_docs(events: Sequence[ChatEvent]) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for event in events:
        doc = event.model_dump(mode="json")
        if event.id in docs and docs[event.id] != doc:
            raise CatalogError(f"chat event id {event.id!r} is used twice with different content")
        docs[event.id] = doc
    return docs
