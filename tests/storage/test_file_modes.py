"""What a deployment writes is readable only by its user, whatever the umask. The SQLite catalog holds
every quote and claim: its file and its -journal/-wal files are 0600, the folders it creates 0700, and
an existing world-readable catalog is narrowed. The local store's objects are 0600 in 0700 folders."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models import Stream
from storage.catalog import Catalog
from storage.objects import LocalStore


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)  # the most permissive umask: any mode we get, we set ourselves
    yield
    os.umask(old)


def test_a_new_catalog_and_its_wal_are_private(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "new" / "data" / "catalog.sqlite3"
    cat = Catalog(f"sqlite:///{path}").load()
    with cat.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    cat.upsert_stream(Stream(id="s1", started_at=datetime(2026, 11, 25, tzinfo=UTC)))
    files = sorted(p.name for p in path.parent.iterdir())
    assert "catalog.sqlite3-wal" in files  # the pooled connection keeps the WAL open
    for name in files:
        assert _mode(path.parent / name) == 0o600, name
    assert _mode(path.parent) == 0o700 and _mode(path.parent.parent) == 0o700
    assert cat.get_stream("s1") is not None
    cat.engine.dispose()


def test_an_existing_world_readable_catalog_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    folder_mode = _mode(tmp_path)
    Catalog(f"sqlite:///{path}").load().upsert_stream(
        Stream(id="s1", started_at=datetime(2026, 11, 25, tzinfo=UTC))
    )
    os.chmod(path, 0o644)
    cat = Catalog(f"sqlite:///{path}").load()
    assert _mode(path) == 0o600 and cat.get_stream("s1") is not None
    assert _mode(tmp_path) == folder_mode  # a folder the catalog did not create keeps its mode


def test_memory_and_server_catalogs_are_left_alone() -> None:
    assert Catalog("sqlite://").load().list_streams() == []
    assert Catalog("sqlite:///:memory:").load().list_streams() == []


def test_store_objects_and_the_folders_it_creates_are_private(tmp_path: Path, open_umask: None) -> None:
    store = LocalStore(tmp_path / "data" / "store")
    store.put("streams/s1/segments/000000.ts", b"ts")
    store.put("streams/s1/manifest.json", b"{}")
    for rel in (
        "data",
        "data/store",
        "data/store/streams",
        "data/store/streams/s1",
        "data/store/streams/s1/segments",
    ):
        assert _mode(tmp_path / rel) == 0o700, rel
    for rel in ("streams/s1/segments/000000.ts", "streams/s1/manifest.json"):
        assert _mode(tmp_path / "data" / "store" / rel) == 0o600, rel
