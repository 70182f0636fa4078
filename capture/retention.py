"""Retention: delete recordings older than the retention period, except streams under legal hold.

A stream's age is counted from its end (``started_at`` + recorded duration), so a long stream
is kept whole for the full period. Its objects are deleted segments first and the manifest
last, so an interrupted run leaves a manifest that the next run finds and finishes. Evidence
bundles are never touched here. On an S3 store with object lock, a held object cannot be
deleted even by mistake: that shows up as an error in the report, not as a loss.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from capture.archive import load_manifest, manifest_key, stream_prefix
from capture.legal_hold import legal_hold
from models import StorageError
from storage.objects import ObjectStore


class RetentionReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    cutoff: datetime
    dry_run: bool = False
    deleted: list[str] = Field(default_factory=list)  # stream ids removed (or, dry run, to remove)
    held: list[str] = Field(default_factory=list)  # past retention but under legal hold
    kept: int = 0  # streams still within retention
    objects_deleted: int = 0
    errors: list[str] = Field(default_factory=list)


def stream_ids(store: ObjectStore) -> list[str]:
    """Every stream id that has a manifest in the store."""
    ids = set()
    for key in store.list("streams/"):
        parts = key.split("/")
        if len(parts) == 3 and parts[2] == "manifest.json":
            ids.add(parts[1])
    return sorted(ids)


def apply_retention(
    store: ObjectStore, days: int, *, now: datetime | None = None, dry_run: bool = False
) -> RetentionReport:
    """Delete every stream that ended more than `days` ago and is not under legal hold."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    deleted: list[str] = []
    held: list[str] = []
    errors: list[str] = []
    kept = removed = 0
    for sid in stream_ids(store):
        try:
            manifest = load_manifest(store, sid)
        except (StorageError, ValidationError) as exc:
            errors.append(f"stream {sid}: unreadable manifest, left in place: {exc}")
            continue
        if manifest is None:
            continue
        ended = manifest.stream.started_at + timedelta(seconds=manifest.duration)
        if ended >= cutoff:
            kept += 1
        elif legal_hold(store, sid) is not None:
            held.append(sid)
        else:
            deleted.append(sid)
            if not dry_run:
                n, failed = _delete_stream(store, sid)
                removed += n
                errors.extend(failed)
    return RetentionReport(
        cutoff=cutoff,
        dry_run=dry_run,
        deleted=deleted,
        held=held,
        kept=kept,
        objects_deleted=removed,
        errors=errors,
    )


def _delete_stream(store: ObjectStore, stream_id: str) -> tuple[int, list[str]]:
    last = manifest_key(stream_id)
    keys = [k for k in store.list(f"{stream_prefix(stream_id)}/") if k != last] + [last]
    done, failed = 0, []
    for key in keys:
        try:
            store.delete(key)
            done += 1
        except StorageError as exc:
            failed.append(f"{key}: {exc}")
            break  # keep the manifest (and the rest) so nothing is left unaccounted for
    return done, failed
