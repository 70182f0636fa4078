"""Retention and legal hold on a real S3 server: held objects are locked, expired ones removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from capture.archive import StreamArchive
from capture.legal_hold import place_legal_hold
from capture.retention import apply_retention
from models import StorageError, Stream
from storage.factory import make_store

OLD = datetime(2025, 1, 1, tzinfo=UTC)


def _stream(store, sid: str, started_at: datetime) -> None:
    archive = StreamArchive.open(store, Stream(id=sid, started_at=started_at))
    archive.append_segment(b"\x47" * 188 * 4, 0.0, 4.0)
    archive.append_gap(4.0, 6.0, "source lost")
    archive.finish()


def test_legal_hold_uses_object_lock_and_retention_skips_it(s3_url) -> None:
    store = make_store(s3_url)
    _stream(store, "old", OLD)
    _stream(store, "held", OLD)
    _stream(store, "fresh", datetime.now(UTC) - timedelta(days=1))
    place_legal_hold(store, "held", "ticket T-1")
    assert store.legal_hold_on("streams/held/segments/000000.ts")
    with pytest.raises(StorageError, match="legal hold"):  # the lock holds even against a direct delete
        store.delete("streams/held/segments/000000.ts")

    report = apply_retention(store, 180)
    assert report.deleted == ["old"] and report.held == ["held"] and report.kept == 1 and not report.errors
    assert list(store.list("streams/old/")) == []
    assert store.exists("streams/held/segments/000000.ts") and store.exists("streams/fresh/manifest.json")
