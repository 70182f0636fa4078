"""Contract tests every ObjectStore implementation must pass."""

from __future__ import annotations

import pytest

from models import StorageError
from storage.factory import make_store
from storage.objects import LegalHoldStore, LocalStore
from storage.s3 import S3Store


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path):
    if request.param == "local":
        return LocalStore(tmp_path / "store")
    if request.param == "s3":  # a real S3 server (moto) started by tests/storage/conftest.py
        return make_store(request.getfixturevalue("s3_url"))
    raise AssertionError(request.param)


def test_put_get_roundtrip(store) -> None:
    store.put("streams/a/segments/000000.ts", b"abc")
    assert store.get("streams/a/segments/000000.ts") == b"abc"
    assert store.exists("streams/a/segments/000000.ts")


def test_no_overwrite_keeps_original(store) -> None:
    store.put("streams/a/x.ts", b"first", overwrite=False)
    with pytest.raises(StorageError, match="overwrite"):
        store.put("streams/a/x.ts", b"second", overwrite=False)
    assert store.get("streams/a/x.ts") == b"first"


def test_list_and_delete(store) -> None:
    for i in range(3):
        store.put(f"streams/b/segments/{i:06d}.ts", bytes([i]))
    store.put("streams/c/manifest.json", b"{}")
    assert list(store.list("streams/b/")) == [f"streams/b/segments/{i:06d}.ts" for i in range(3)]
    store.delete("streams/b/segments/000001.ts")
    assert not store.exists("streams/b/segments/000001.ts")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "a/../../b", "a//b", "", "a\\b", "a/./b"])
def test_keys_cannot_escape(store, key: str) -> None:
    with pytest.raises(StorageError, match="invalid object key"):
        store.put(key, b"x")


def test_missing_object_is_a_storage_error(store) -> None:
    with pytest.raises(StorageError, match="no object"):
        store.get("streams/none/manifest.json")


def test_make_store_rejects_unknown_scheme() -> None:
    from models import ConfigError

    with pytest.raises(ConfigError, match="unsupported store URL"):
        make_store("ftp://x/y")


def test_legal_hold_is_a_capability_of_the_s3_store_only(store) -> None:
    assert isinstance(store, LegalHoldStore) == isinstance(store, S3Store)
