"""Leases of file ingests: which process is ingesting a stream, and whether it is still alive.

The ingesting process writes its pid, host and a heartbeat into the catalog's `ingests` row and
refreshes the heartbeat from a thread while it runs (`Heartbeat`). A row still `running` whose
process is gone (its pid is dead on this host, or its heartbeat is older than
`ingest_stale_seconds`) is a dead ingest: whoever reads the stream (the API's stream list, the
next `onrecord ingest`) sees it `interrupted`, with where it stopped, never `recording`.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from capture.archive import StreamArchive, load_manifest
from models import CatalogError, OnRecordError, Stream, StreamStatus
from storage.catalog import Catalog, IngestRecord
from storage.objects import ObjectStore

RUNNING, FINISHED, FAILED = "running", "finished", "failed"
LIVE_LEASE = "live"  # the fingerprint of a live recording's row (`onrecord record`), beside files' rows
_PROBE = 1 << 20  # bytes hashed at each end of a file for its fingerprint


def fingerprint(path: Path) -> str:
    """Identity of a media file: its size and a hash of its first and last MiB (cheap on hours of video,
    and enough to tell the same recording from another one)."""
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as fh:
        digest.update(fh.read(_PROBE))
        if size > 2 * _PROBE:
            fh.seek(size - _PROBE)
        digest.update(fh.read(_PROBE))
    return f"{size}-{digest.hexdigest()[:32]}"


def this_host() -> str:
    return socket.gethostname()


def process_alive(pid: int) -> bool:
    """Whether `pid` is a live (not zombie) process on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child nobody has reaped yet still answers signal 0
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def lease_dead(rec: IngestRecord, stale_s: float, now: float | None = None) -> bool:
    """A `running` ingest whose process is gone: a dead pid here, or no heartbeat for `stale_s`."""
    if rec.state != RUNNING:
        return False
    if rec.host == this_host() and rec.pid and not process_alive(rec.pid):
        return True
    return (now if now is not None else time.time()) - rec.heartbeat > stale_s


def interruption(rec: IngestRecord) -> str:
    """Why the stream stopped, in words (the `error` of an interrupted stream)."""
    if rec.fingerprint == LIVE_LEASE:
        return (
            f"the recording process (pid {rec.pid} on {rec.host}) stopped at {rec.transcribed_t:.1f} s "
            f"without finishing; `onrecord record URL --stream {rec.stream_id}` continues it after a gap"
        )
    return (
        f"the ingesting process (pid {rec.pid} on {rec.host}) stopped at {rec.transcribed_t:.1f} s "
        f"without finishing {rec.file}; `onrecord ingest {rec.file} --stream {rec.stream_id} --resume` "
        "continues it"
    )


def dead_ingest(catalog: Catalog, stream_id: str, stale_s: float) -> IngestRecord | None:
    """The stream's ingest whose process died, if any."""
    return next((r for r in catalog.ingests_of(stream_id) if lease_dead(r, stale_s)), None)


def mark_interrupted(catalog: Catalog, store: ObjectStore, rec: IngestRecord) -> str:
    """Record a dead ingest's stream as interrupted (catalog and manifest); returns the reason."""
    reason = interruption(rec)
    known = catalog.get_stream(rec.stream_id)
    if known is None or (known.status, known.error) != (StreamStatus.INTERRUPTED, reason):
        catalog.set_status(rec.stream_id, StreamStatus.INTERRUPTED, reason)
    manifest = load_manifest(store, rec.stream_id)
    if manifest is not None and manifest.stream.status in (StreamStatus.RECORDING, StreamStatus.RECONNECTING):
        StreamArchive(store, manifest).set_status(StreamStatus.INTERRUPTED, reason)
    return reason


class Heartbeat:
    """Refreshes an ingest's lease every `interval_s` from a daemon thread while the `with` block runs."""

    def __init__(
        self,
        catalog: Catalog,
        rec: IngestRecord,
        interval_s: float,
        progress: Callable[[], float] | None = None,
    ) -> None:
        """`progress`, when given, is read at every beat: the stream time reached (a recording's end)."""
        self.catalog, self.rec, self.interval_s, self.progress = catalog, rec, interval_s, progress
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{rec.stream_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                values: dict[str, float] = {"heartbeat": time.time()}
                if self.progress is not None:
                    values["transcribed_t"] = self.progress()
                self.catalog.update_ingest(self.rec.stream_id, self.rec.fingerprint, **values)
            except CatalogError:
                # a catalog that cannot take the write (disk full) fails the ingest's own writes too,
                # and that first failure is what gets reported; a missed beat only ages the lease
                continue


class RecordingLease:
    """A live recording's lease on its stream (the catalog's `ingests` row "live"): while its heartbeat
    runs the stream is being recorded; once the process dies (SIGKILL, a lost machine, a killed capture
    worker) every reader sees the stream `interrupted`, never `recording`. A restarted recorder takes
    it over. `take()`, then `with lease:` around the recording (the heartbeat), then `release(error)`."""

    def __init__(
        self,
        catalog: Catalog,
        stream: Stream,
        *,
        interval_s: float,
        segment_s: float,
        reached: Callable[[], float],
    ) -> None:
        self.catalog, self.stream, self.interval_s, self.segment_s, self.reached = (
            catalog, stream, interval_s, segment_s, reached,
        )  # fmt: skip
        self.rec: IngestRecord | None = None
        self._beat: Heartbeat | None = None

    def take(self) -> RecordingLease:
        rows = self.catalog.ingests_of(self.stream.id)
        old = next((r for r in rows if r.fingerprint == LIVE_LEASE), None)
        self.rec = IngestRecord(
            self.stream.id, LIVE_LEASE, self.stream.source, 0.0, self.reached(), RUNNING, os.getpid(),
            this_host(), time.time(), old.seq if old is not None else len(rows), self.segment_s,
        )  # fmt: skip
        self.catalog.put_ingest(self.rec)
        return self

    def __enter__(self) -> RecordingLease:
        assert self.rec is not None, "take() the lease first"
        self._beat = Heartbeat(self.catalog, self.rec, self.interval_s, progress=self.reached).__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._beat is not None:
            self._beat.__exit__(*exc)
            self._beat = None

    def release(self, error: BaseException | None) -> None:
        """The recording ended (`error`: what ended it): finished or failed, where it reached. When the
        catalog fails too, that is a note on the recording's own error, which stays the one raised."""
        assert self.rec is not None
        try:
            self.catalog.update_ingest(
                self.rec.stream_id, LIVE_LEASE, state=FAILED if error else FINISHED,
                transcribed_t=self.reached(), heartbeat=time.time(),
            )  # fmt: skip
        except OnRecordError as exc:
            if error is None:
                raise
            error.add_note(f"releasing the recording's lease also failed: {exc}")
