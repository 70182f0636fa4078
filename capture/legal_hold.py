"""Legal hold: a stream referenced by evidence must outlive retention.

The hold is recorded as ``streams/{id}/legal_hold.json`` (reasons and times) in every store; a
store that supports object lock (S3) also places an object-lock legal hold on each object of the
stream, so that not even a retention job with store credentials can delete it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from capture.archive import stream_prefix
from storage.objects import LegalHoldStore, ObjectStore


def hold_key(stream_id: str) -> str:
    return f"{stream_prefix(stream_id)}/legal_hold.json"


def legal_hold(store: ObjectStore, stream_id: str) -> dict[str, Any] | None:
    """The stream's hold record, or None when it is not held."""
    key = hold_key(stream_id)
    return json.loads(store.get(key)) if store.exists(key) else None


def place_legal_hold(store: ObjectStore, stream_id: str, reason: str) -> dict[str, Any]:
    """Put the stream under legal hold (idempotent; each new reason is appended)."""
    record = legal_hold(store, stream_id) or {"stream": stream_id, "reasons": []}
    if reason not in [r["reason"] for r in record["reasons"]]:
        record["reasons"].append({"reason": reason, "at": datetime.now(UTC).isoformat()})
    store.put(hold_key(stream_id), json.dumps(record, ensure_ascii=False, indent=1).encode())
    if isinstance(store, LegalHoldStore):  # object lock where the store has it (S3Store)
        for key in store.list(f"{stream_prefix(stream_id)}/"):
            store.set_legal_hold(key, True)
    return record
