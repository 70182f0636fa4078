"""How the index's files reach the disk: private, durable, and failing as one StorageError.

Every file is created 0600 and every folder 0700, whatever the umask (an index holds what the hosts
said, like the store's own 0600 objects). A file is written whole and fsynced before anything points
at it; a switch (CURRENT) is a temp file in the same folder, fsynced, then renamed. Any OS failure
(a full disk, a read-only mount, a permission) becomes a StorageError naming the path and the reason,
so the CLI prints its one `error:` line and the previous index stays the one that loads.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from models import StorageError

FILE_MODE = 0o600
DIR_MODE = 0o700


def failed(path: Path, exc: OSError) -> StorageError:
    """The error for an OS failure writing `path`: the path and the OS's reason."""
    return StorageError(f"cannot write the search index file {path}: {exc.strerror or exc}")


def private_dir(path: Path) -> None:
    """Create `path` and any missing parents as 0700 folders; an existing `path` of ours is made 0700 too
    (one owned by another user, a mount point say, keeps the mode its owner gave it)."""
    try:
        missing = [p for p in (path, *path.parents) if not p.exists()]
        for folder in reversed(missing):
            folder.mkdir(mode=DIR_MODE, exist_ok=True)
            os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask
        if not missing and path.stat().st_uid == os.geteuid():
            os.chmod(path, DIR_MODE)
    except OSError as exc:
        raise failed(path, exc) from exc


@contextmanager
def private_file(path: Path) -> Iterator[BinaryIO]:
    """A new file at `path` (0600, refusing to reuse one), flushed and fsynced when the block ends.

    On any failure the partial file is removed and StorageError raised; `path` never holds half a file
    that looks whole.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        raise failed(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise failed(path, exc) from exc
        raise


def fsync_dir(path: Path) -> None:
    """Make the folder's entries (new files, a rename) durable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise failed(path, exc) from exc


def replace_file(path: Path, data: bytes) -> None:
    """Atomically make `path` hold `data`: a 0600 temp file beside it, fsynced, renamed over it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)  # left by a crash: never referenced
    with private_file(tmp) as fh:
        fh.write(data)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise failed(path, exc) from exc
    fsync_dir(path.parent)
