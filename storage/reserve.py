"""A ballast file on the data disk, so a recording that fills the disk can still say so.

When a segment write fails with "No space left on device", the ingest must still write three small
things: the manifest's closing gap, the stream's `failed` status in the catalog (SQLite needs room
for its journal) and the index. On a disk filled to the last block none of them fits, and the
catalog keeps saying `recording` for a stream that ended. A reserve file, written (not sparse)
while there is room, is deleted at the first failed write, which gives those writes their room
back. The same trick that operators of databases and message brokers use by hand, done for them.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

MIN_RESERVE = 64 * 1024
MAX_RESERVE = 16 * 1024 * 1024
_CHUNK = 64 * 1024


class DiskReserve:
    """`hold()` before recording, `release()` when a write has failed; both are best effort and never
    raise: a reserve that cannot be written leaves the recording as it would be without one."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def size_for(self, free: int) -> int:
        """An eighth of the free space, kept between 64 KiB and 16 MiB: room for the final writes on a
        small disk without taking a large one's space."""
        return max(MIN_RESERVE, min(MAX_RESERVE, free // 8))

    def hold(self) -> bool:
        """Write the reserve if it is missing and there is room for it twice over; True when held."""
        if self.path.exists():
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            st = os.statvfs(self.path.parent)
            free = st.f_bavail * st.f_frsize
            size = self.size_for(free)
            if free < 2 * size:
                return False
            tmp = self.path.with_name(self.path.name + ".tmp")
            with tmp.open("wb") as f:
                for done in range(0, size, _CHUNK):
                    f.write(b"\0" * min(_CHUNK, size - done))
                f.flush()
                os.fsync(f.fileno())
            tmp.replace(self.path)
            return True
        except OSError:
            with contextlib.suppress(OSError):
                self.path.with_name(self.path.name + ".tmp").unlink(missing_ok=True)
            return False

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    @property
    def held(self) -> bool:
        return self.path.exists()
