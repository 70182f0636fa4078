"""Offline verification of a stream's archive: chain, every segment's hash, gaps and coverage,
and the live chat archived on the same chain (each batch's object, and the catalog's copy of it)."""

from __future__ import annotations

from collections.abc import Sequence

from capture import hash_chain
from capture.archive import CorruptManifestError, load_manifest
from capture.chat.verify import check_chat
from models import ChatBatch, ChatEvent, ChatGap, Gap, GapInfo, InputError, StorageError, VerifyReport
from storage.objects import ObjectStore

_TIME_TOLERANCE = 0.05  # seconds between one entry's t1 and the next's t0


def verify_stream(
    store: ObjectStore, stream_id: str, chat: Sequence[ChatEvent] | None = None
) -> VerifyReport:
    """Check the chain link by link and each segment's bytes; failures name the entry.

    `chat`: the stream's chat events as the catalog holds them; when given, each archived comment
    must be there unchanged and each one there must be archived (failures name the comment).

    A manifest that is not a manifest fails verification (naming the file and what is wrong);
    InputError for an unknown stream, StorageError when the store cannot be read at all.
    """
    try:
        manifest = load_manifest(store, stream_id)
    except CorruptManifestError as exc:
        return VerifyReport(
            stream=stream_id,
            ok=False,
            segments=0,
            recorded_s=0.0,
            span_s=0.0,
            coverage=0.0,
            head="",
            failures=[str(exc)],
        )
    if manifest is None:
        raise InputError(f"unknown stream {stream_id!r}: no manifest in the store")
    failures: list[str] = []
    prev = hash_chain.genesis(stream_id)
    last_t1: float | None = None
    recorded = 0.0
    chained = manifest.chain_entries  # by seq: chat entries interleave with the media timeline
    media = manifest.entries
    out_of_order = {b.seq for a, b in zip(media, media[1:], strict=False) if b.seq <= a.seq}
    for entry in chained:
        if isinstance(entry, ChatBatch | ChatGap):
            prev = _chat_link(entry, prev, failures)
            continue
        name = f"gap {entry.seq}" if isinstance(entry, Gap) else f"segment {entry.seq:06d}"
        if last_t1 is not None and abs(entry.t0 - last_t1) > _TIME_TOLERANCE:
            failures.append(
                f"{name}: starts at {entry.t0:.3f}s but the previous entry ends at {last_t1:.3f}s "
                "(an unrecorded gap)"
            )
        if entry.seq in out_of_order:
            failures.append(f"{name}: out of order")
        if isinstance(entry, Gap):
            digest = hash_chain.payload_hash(entry.reason.encode())
        else:
            try:
                data = store.get(entry.path)
            except StorageError:
                failures.append(f"{name}: missing from the store ({entry.path})")
                data = None
            digest = hash_chain.payload_hash(data) if data is not None else ""
            if data is not None and digest != entry.sha256:
                failures.append(f"{name}: content hash mismatch ({entry.path} was altered)")
            recorded += entry.t1 - entry.t0
        expected = hash_chain.link(
            prev,
            entry.seq,
            entry.t0,
            entry.t1,
            entry.kind,
            entry.sha256 if not isinstance(entry, Gap) else digest,
        )
        if expected != entry.chain:
            failures.append(f"{name}: chain link broken")
        prev = entry.chain
        last_t1 = entry.t1
    if chained and manifest.head != prev:
        failures.append("chain head does not match the last entry")
    failures += check_chat(store, manifest, chat)
    span = (manifest.entries[-1].t1 - manifest.entries[0].t0) if manifest.entries else 0.0
    return VerifyReport(
        stream=stream_id,
        ok=not failures,
        segments=len(manifest.segments),
        gaps=[GapInfo.of(g) for g in manifest.gaps],
        recorded_s=round(recorded, 3),
        span_s=round(span, 3),
        coverage=round(recorded / span, 4) if span else 0.0,
        head=manifest.head,
        failures=failures,
    )


def _chat_link(entry: ChatBatch | ChatGap, prev: str, failures: list[str]) -> str:
    """Recompute a chat entry's link (its object is checked by `check_chat`); returns its chain value."""
    payload = entry.sha256 if isinstance(entry, ChatBatch) else hash_chain.payload_hash(entry.reason.encode())
    if hash_chain.link(prev, entry.seq, entry.t0, entry.t1, entry.kind, payload) != entry.chain:
        name = f"chat batch {entry.seq:06d}" if isinstance(entry, ChatBatch) else f"chat gap {entry.seq}"
        failures.append(f"{name}: chain link broken")
    return entry.chain
