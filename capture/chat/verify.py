"""Verification of the live chat on a stream's chain: each batch's object against its chained hash, and
the catalog's copy of every event against the archived one, so a deleted or altered comment is named."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from capture import hash_chain
from models import ChatBatch, ChatEvent, Manifest, StorageError
from storage.objects import ObjectStore


def check_chat(store: ObjectStore, manifest: Manifest, catalog: Sequence[ChatEvent] | None) -> list[str]:
    """Failures of the stream's chat batches (missing or altered objects) and, when the catalog's events are
    given, of every event that is archived but not in the catalog, differs there, or is there unarchived."""
    failures: list[str] = []
    archived: dict[str, tuple[int, dict[str, Any]]] = {}  # event id → (batch seq, its archived JSON)
    for batch in manifest.chat:
        if isinstance(batch, ChatBatch):
            failures += _batch(store, batch, archived)
    if catalog is not None:
        failures += _against_catalog(archived, catalog)
    return failures


def _batch(
    store: ObjectStore, batch: ChatBatch, archived: dict[str, tuple[int, dict[str, Any]]]
) -> list[str]:
    name = f"chat batch {batch.seq:06d}"
    try:
        data = store.get(batch.path)
    except StorageError:
        return [f"{name}: missing from the store ({batch.path}); its {batch.count} chat events are unproven"]
    failures = []
    if hash_chain.payload_hash(data) != batch.sha256:
        failures.append(f"{name}: content hash mismatch ({batch.path} was altered)")
    lines = data.splitlines()
    if len(lines) != batch.count:
        failures.append(f"{name}: holds {len(lines)} chat events, the chain says {batch.count}")
    for n, line in enumerate(lines, 1):
        try:
            doc = json.loads(line)
            archived[str(doc["id"])] = (batch.seq, doc)
        except (ValueError, KeyError, TypeError):
            failures.append(f"{name}: line {n} is not a chat event")
    return failures


def _against_catalog(
    archived: dict[str, tuple[int, dict[str, Any]]], catalog: Sequence[ChatEvent]
) -> list[str]:
    failures = []
    stored = {e.id: e for e in catalog}
    for event_id, (seq, doc) in archived.items():
        what = f"{doc.get('kind', 'chat event')} {event_id!r} (chat batch {seq:06d})"
        event = stored.get(event_id)
        if event is None:
            failures.append(f"{what}: archived but missing from the catalog (deleted)")
        elif _normal(doc) != event.model_dump(mode="json"):
            failures.append(f"{what}: the catalog's copy differs from the archived one (altered)")
    for event in catalog:
        if event.id not in archived:
            failures.append(f"{event.kind.value} {event.id!r}: in the catalog but on no chained chat batch")
    return failures


def _normal(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The archived JSON as the catalog would dump it (so encodings of the same event compare equal)."""
    try:
        return ChatEvent.model_validate(doc).model_dump(mode="json")
    except ValueError:
        return None
