"""The object store protocol, its optional capabilities and the local-folder implementation.

Keys are '/'-separated relative paths (``streams/s1/segments/000001.ts``). A key that tries to
leave the store (``..``, absolute, backslashes) is refused, so ids coming from users cannot
reach outside it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from models import StorageError

_KEY_PART = re.compile(r"^[A-Za-z0-9._=-]+$")


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative key, else raise StorageError naming it."""
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") or not _KEY_PART.match(p) for p in parts):
        raise StorageError(f"invalid object key {key!r}")
    return key


class ObjectStore(Protocol):
    """Where recorded media, manifests and bundles live."""

    def put(self, key: str, data: bytes, *, overwrite: bool = True) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> Iterator[str]: ...

    def delete(self, key: str) -> None: ...

    def local_path(self, key: str) -> Path | None:
        """A filesystem path for the key when the store is a local folder, else None."""
        ...


@runtime_checkable
class LegalHoldStore(ObjectStore, Protocol):
    """A store that can lock objects against deletion (S3 object lock): `place_legal_hold` uses it
    where the store has it; elsewhere the hold record alone keeps retention away."""

    def set_legal_hold(self, key: str, on: bool) -> None: ...


class LocalStore:
    """Objects as files under a root folder; every write is atomic (temp file + rename). Objects are
    0600 and the folders the store creates 0700, so only the deployment's user reads the recordings."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, *, overwrite: bool = True) -> None:
        path = self._path(key)
        try:
            _private_dirs(path.parent)
            if not overwrite and path.exists():
                raise StorageError(f"refusing to overwrite existing object {key!r}")
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                if overwrite:
                    os.replace(tmp, path)
                else:
                    os.link(tmp, path)  # fails if the key appeared meanwhile
                    os.unlink(tmp)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        except FileExistsError as exc:
            raise StorageError(f"refusing to overwrite existing object {key!r}") from exc
        except OSError as exc:
            raise StorageError(f"cannot write {key!r} under {self.root}: {exc.strerror or exc}") from exc

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(f"no object {key!r} in {self.root}") from exc
        except OSError as exc:
            raise StorageError(f"cannot read {key!r}: {exc.strerror or exc}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str) -> Iterator[str]:
        base = self.root / prefix.rstrip("/") if prefix else self.root
        if not base.exists():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                yield path.relative_to(self.root).as_posix()

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.root / check_key(prefix.rstrip("/")), ignore_errors=True)

    def local_path(self, key: str) -> Path | None:
        return self._path(key)


def _private_dirs(folder: Path) -> None:
    """Create `folder` and its missing parents as 0700 (whatever the umask), like the 0600 objects in it."""
    if folder.is_dir():
        return
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for part in reversed(missing):
        part.mkdir(mode=0o700, exist_ok=True)
        os.chmod(part, 0o700)
