"""A stream's archive in the object store: segments, gaps, the chained manifest and an HLS playlist.

Layout (ARCHITECTURE.md): ``streams/{id}/manifest.json``, ``streams/{id}/segments/{seq:06d}.ts``,
``streams/{id}/index.m3u8``. Segments are written once (never overwritten) before the manifest
that references them, so a crash leaves at worst an unreferenced segment, never a dangling entry.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import ValidationError

from capture import hash_chain
from models import (
    ChatBatch,
    ChatEvent,
    ChatGap,
    Gap,
    InputError,
    Manifest,
    Segment,
    StorageError,
    Stream,
    StreamStatus,
)
from storage.objects import ObjectStore, check_key

RESERVE_MIN = 64 * 1024  # bytes


def stream_prefix(stream_id: str) -> str:
    if "/" in stream_id:
        raise InputError(f"invalid stream id {stream_id!r}: '/' is not allowed")
    try:
        return check_key(f"streams/{stream_id}")
    except StorageError as exc:
        raise InputError(f"invalid stream id {stream_id!r}: use letters, digits, '.', '_', '-'") from exc


def manifest_key(stream_id: str) -> str:
    return f"{stream_prefix(stream_id)}/manifest.json"


def segment_key(stream_id: str, seq: int) -> str:
    return f"{stream_prefix(stream_id)}/segments/{seq:06d}.ts"


def chat_key(stream_id: str, seq: int) -> str:
    return f"{stream_prefix(stream_id)}/chat/{seq:06d}.jsonl"


def chat_payload(events: Sequence[ChatEvent]) -> bytes:
    """A chat batch's archived bytes: one event's JSON per line, in the order given."""
    return b"".join(e.model_dump_json().encode() + b"\n" for e in events)


class CorruptManifestError(StorageError):
    """A stream's manifest is in the store but is not a manifest (truncated, junk appended, edited)."""


def load_manifest(store: ObjectStore, stream_id: str) -> Manifest | None:
    """The stream's manifest, or None when nothing is recorded.

    Raises CorruptManifestError naming the key and what is wrong with it (not JSON, where; or the
    field that does not fit), StorageError when the store cannot be read.
    """
    key = manifest_key(stream_id)
    if not store.exists(key):
        return None
    raw = store.get(key)
    try:
        return Manifest.model_validate_json(raw)
    except ValidationError as exc:
        raise CorruptManifestError(f"{key}: corrupt manifest ({_problem(exc)})") from exc


def _problem(exc: ValidationError) -> str:
    """The first thing wrong, in words: pydantic's JSON error says where; a schema error says which field."""
    first = exc.errors(include_url=False)[0]
    if first["type"] == "json_invalid":
        return f"not valid JSON: {first.get('ctx', {}).get('error', first['msg'])}"
    where = ".".join(str(p) for p in first["loc"]) or "the top level"
    more = f"; {exc.error_count() - 1} more problems" if exc.error_count() > 1 else ""
    return f"not a stream manifest: {where}: {first['msg']}{more}"


class StreamArchive:
    """Appends segments and gaps to one stream's chain; resumes an existing stream without overwriting."""

    def __init__(self, store: ObjectStore, manifest: Manifest) -> None:
        self.store = store
        self.manifest = manifest
        # the recorder's thread appends segments while a live chat feed appends its batches
        self._lock = threading.RLock()
        self._next_seq = self._first_free_seq()
        self._reserved = 0  # bytes of the reserve object now in a local store (0: none)

    @classmethod
    def open(cls, store: ObjectStore, stream: Stream) -> StreamArchive:
        """Open the stream's archive, resuming its chain if it already exists."""
        existing = load_manifest(store, stream.id)
        if existing is not None:
            manifest = existing.model_copy(
                update={
                    "stream": existing.stream.model_copy(
                        update={"status": StreamStatus.RECORDING, "error": None}
                    )
                }
            )
        else:
            manifest = Manifest(stream=stream, head=hash_chain.genesis(stream.id))
        archive = cls(store, manifest)
        archive._write_manifest()
        return archive

    @classmethod
    def attach(cls, store: ObjectStore, stream: Stream) -> StreamArchive:
        """The stream's archive as it is (status unchanged), or a new empty one: for adding chat to a
        stream that is not being recorded (an import)."""
        existing = load_manifest(store, stream.id)
        archive = cls(store, existing or Manifest(stream=stream, head=hash_chain.genesis(stream.id)))
        if existing is None:
            archive._write_manifest()
        return archive

    @property
    def stream_id(self) -> str:
        return self.manifest.stream.id

    @property
    def end(self) -> float:
        """Where the recording ends on the stream clock (t1 of the last entry)."""
        return self.manifest.duration

    def _first_free_seq(self) -> int:
        used = [e.seq for e in self.manifest.chain_entries]
        for folder, ext in (("segments", ".ts"), ("chat", ".jsonl")):
            for key in self.store.list(f"{stream_prefix(self.stream_id)}/{folder}/"):
                name = key.rsplit("/", 1)[-1]
                if name.endswith(ext) and name[: -len(ext)].isdigit():
                    used.append(
                        int(name[: -len(ext)])
                    )  # an unreferenced object from a crash keeps its number
        return max(used, default=-1) + 1

    def append_segment(
        self,
        data: bytes,
        t0: float,
        t1: float,
        wall_clock: datetime | None = None,
        clock_source: str = "recorder",
    ) -> Segment:
        with self._lock:
            return self._append_segment(data, t0, t1, wall_clock, clock_source)

    def _append_segment(
        self, data: bytes, t0: float, t1: float, wall_clock: datetime | None, clock_source: str
    ) -> Segment:
        seq = self._next_seq
        key = segment_key(self.stream_id, seq)
        self.store.put(key, data, overwrite=False)
        digest = hash_chain.payload_hash(data)
        chain = hash_chain.link(self.manifest.head, seq, t0, t1, "segment", digest)
        seg = Segment(
            seq=seq,
            t0=t0,
            t1=t1,
            path=key,
            size=len(data),
            sha256=digest,
            chain=chain,
            wall_clock=wall_clock or self.manifest.stream.started_at + timedelta(seconds=t0),
            clock_source="source" if clock_source == "source" else "recorder",
        )
        self._append(seg)
        return seg

    def append_gap(self, t0: float, t1: float, reason: str) -> Gap:
        with self._lock:
            seq = self._next_seq
            chain = hash_chain.link(
                self.manifest.head, seq, t0, t1, "gap", hash_chain.payload_hash(reason.encode())
            )
            gap = Gap(seq=seq, t0=t0, t1=t1, reason=reason, chain=chain)
            self._append(gap)
            return gap

    def append_chat(self, events: Sequence[ChatEvent]) -> ChatBatch:
        """Archive `events` (one stream's, non-empty) as one chained batch object, written before the manifest."""
        if not events:
            raise InputError("an empty chat batch has nothing to archive")
        data = chat_payload(events)
        with self._lock:
            seq = self._next_seq
            key = chat_key(self.stream_id, seq)
            self.store.put(key, data, overwrite=False)
            t0, t1 = min(e.t for e in events), max(e.t for e in events)
            digest = hash_chain.payload_hash(data)
            chain = hash_chain.link(self.manifest.head, seq, t0, t1, "chat", digest)
            batch = ChatBatch(
                seq=seq, t0=t0, t1=t1, path=key, count=len(events), size=len(data), sha256=digest, chain=chain
            )
            self._append(batch)
            return batch

    def append_chat_gap(self, t0: float, t1: float, reason: str) -> ChatGap:
        """Record on the chain that the live chat feed was away over [t0, t1] and why."""
        with self._lock:
            seq = self._next_seq
            digest = hash_chain.payload_hash(reason.encode())
            chain = hash_chain.link(self.manifest.head, seq, t0, t1, "chat_gap", digest)
            gap = ChatGap(seq=seq, t0=t0, t1=t1, reason=reason, chain=chain)
            self._append(gap)
            return gap

    def _append(self, entry: Segment | Gap | ChatBatch | ChatGap) -> None:
        update: dict[str, object] = {"head": entry.chain}
        if isinstance(entry, ChatBatch | ChatGap):
            update["chat"] = [*self.manifest.chat, entry]
        else:
            update["entries"] = [*self.manifest.entries, entry]
        self.manifest = self.manifest.model_copy(update=update)
        self._next_seq = entry.seq + 1
        self._write_manifest()

    def finish(self, status: StreamStatus = StreamStatus.FINISHED, error: str | None = None) -> None:
        self.set_status(status, error)
        self._drop_reserve()

    def fail(self, reason: str, t: float | None = None) -> bool:
        """End the recording as failed because of `reason` (a write that failed, a store that went away).

        When `t` (the stream time the source had reached) is past the archive's end, [end, t) is recorded
        as a gap with the reason, so the hole is marked from the last good segment. Best effort: on a
        store that cannot take another write (the disk is full) the manifest keeps its last good state,
        every segment it references still verifies, and this returns False instead of raising a second
        error that would hide the first.
        """
        self._drop_reserve()  # the room kept for exactly this last manifest on a full disk
        try:
            if t is not None and t - self.end > 0.05:
                self.append_gap(self.end, t, f"recording failed: {reason}")
            self.set_status(StreamStatus.FAILED, reason)
            return True
        except (OSError, StorageError):
            return False

    def restart_clock(self, started_at: datetime) -> None:
        """Move the start of a stream that has recorded nothing yet (the source came up later)."""
        if self.manifest.entries:
            raise StorageError(f"stream {self.stream_id!r} has recorded entries; its clock cannot move")
        stream = self.manifest.stream.model_copy(update={"started_at": started_at})
        self.manifest = self.manifest.model_copy(update={"stream": stream})
        self._write_manifest()

    def set_status(self, status: StreamStatus, error: str | None = None) -> None:
        """Record the stream's status (recording, reconnecting, …) in the manifest as it changes."""
        with self._lock:
            stream = self.manifest.stream.model_copy(update={"status": status, "error": error})
            self.manifest = self.manifest.model_copy(update={"stream": stream})
            self._write_manifest()

    def _write_manifest(self) -> None:
        manifest = self.manifest.model_dump_json(indent=1).encode()
        playlist = hls_playlist(self.manifest).encode()
        self.store.put(manifest_key(self.stream_id), manifest)
        self.store.put(f"{stream_prefix(self.stream_id)}/index.m3u8", playlist)
        self._keep_reserve(len(manifest) + len(playlist))

    def _reserve_key(self) -> str:
        return f"{stream_prefix(self.stream_id)}/.reserve"

    def _keep_reserve(self, need: int) -> None:
        """On a local disk, keep a reserve object of at least twice what the last manifest and playlist
        take (grown by doubling, so rarely rewritten): when the disk fills up, `fail` deletes it and
        the final manifest, with the gap and the failed status, still fits."""
        if self._reserved >= 2 * need or self.store.local_path(self._reserve_key()) is None:
            return
        size = max(RESERVE_MIN, 4 * need)
        try:
            self.store.put(self._reserve_key(), bytes(size))
            self._reserved = size
        except (OSError, StorageError):  # no room for a reserve: the disk is nearly full already
            pass

    def _drop_reserve(self) -> None:
        if self._reserved:
            try:
                self.store.delete(self._reserve_key())
            except (OSError, StorageError):
                pass
            self._reserved = 0


def hls_playlist(manifest: Manifest) -> str:
    """An HLS media playlist over the segments; gaps become discontinuities."""
    segs = manifest.segments
    target = max((math.ceil(s.t1 - s.t0) for s in segs), default=1)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{target}", "#EXT-X-MEDIA-SEQUENCE:0"]
    after_gap = False
    for entry in manifest.entries:
        if isinstance(entry, Gap):
            after_gap = True
            continue
        if after_gap:
            lines.append("#EXT-X-DISCONTINUITY")
            after_gap = False
        if entry.wall_clock is not None:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{entry.wall_clock.isoformat(timespec='milliseconds')}")
        lines.append(f"#EXTINF:{entry.t1 - entry.t0:.3f},")
        lines.append(f"segments/{entry.seq:06d}.ts")
    if manifest.stream.status in (StreamStatus.FINISHED, StreamStatus.FAILED, StreamStatus.INTERRUPTED):
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"
