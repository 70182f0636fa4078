"""Resume, not redo: what an `onrecord ingest` continues, refuses, or reconciles.

An ingest commits as it goes (segments in the manifest, utterances in the catalog, a transcription
watermark at the end of each speech window in the `ingests` row), so the same file ingested again
with `--resume` continues where the killed or failed run stopped: `plan_ingest` finds that row (or
refuses what would duplicate), `resumed_events` drops what is already archived or transcribed from
the re-decoded file, and `reconcile_index` makes the index hold exactly the catalog's utterances.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from capture.archive import load_manifest
from capture.segmenter import SegmentData
from models import AudioChunk, InputError, Manifest, Product, Stream
from pipeline.ingest_lease import FINISHED, LIVE_LEASE, RUNNING, fingerprint, lease_dead, mark_interrupted
from pipeline.services import Services
from storage.catalog import Catalog, IngestRecord

_EPS = 0.05  # seconds: the archive's tolerance for "the same instant"


def plan_ingest(
    services: Services, stream_id: str, path: Path, append: bool, resume: bool
) -> tuple[IngestRecord, Manifest | None]:
    """The ingest row this run continues or starts; InputError when it would duplicate or clash."""
    sid, catalog = stream_id, services.catalog
    existing = load_manifest(services.store, sid)
    fp = fingerprint(path)
    rows = catalog.ingests_of(sid) if existing is not None else []
    stale_s = services.settings.ingest_stale_seconds
    live = next((r for r in rows if r.state == RUNNING and not lease_dead(r, stale_s)), None)
    if live is not None:
        raise InputError(
            f"stream {sid!r} is being ingested by pid {live.pid} on {live.host} ({live.file}, at "
            f"{live.transcribed_t:.1f} s); wait for it to finish or stop it first"
        )
    mine = next((r for r in rows if r.fingerprint == fp), None)
    if mine is not None and mine.state == FINISHED:
        raise InputError(
            f"{path.name} is already ingested into stream {sid!r} (from {mine.t_offset:.1f} s); "
            "ingesting it again would duplicate it"
        )
    if mine is not None and not resume:
        why = mark_interrupted(catalog, services.store, mine) if mine.state == RUNNING else (
            f"it failed: {_stream_error(catalog, sid)}"
        )
        raise InputError(f"stream {sid!r} did not finish ({why}); run again with --resume to continue it")
    if mine is not None:
        return mine, existing
    if resume:
        raise InputError(f"nothing to resume: {path.name} was never ingested into stream {sid!r}")
    live = next((r for r in rows if r.fingerprint == LIVE_LEASE), None)
    if live is not None and live.state == RUNNING and not lease_dead(live, services.settings.ingest_stale_seconds):
        raise InputError(f"stream {sid!r} is being recorded right now (pid {live.pid} on {live.host})")
    unfinished = next((r for r in rows if r.state != FINISHED and r.fingerprint != LIVE_LEASE), None)
    if existing is not None and unfinished is not None:
        raise InputError(
            f"stream {sid!r} has an unfinished ingest of {unfinished.file}; "
            "finish it with --resume before appending another file"
        )
    if existing is not None and not append:
        raise InputError(
            f"stream {sid!r} already exists; choose another --stream id "
            "(or --append to add a different file to it)"
        )
    t0 = existing.duration if existing is not None else 0.0
    seg_s = services.settings.segment_seconds
    return IngestRecord(sid, fp, path.name, t0, t0, RUNNING, 0, "", 0.0, len(rows), seg_s), existing


def reconcile_index(services: Services, stream: Stream, products: Sequence[Product] = ()) -> tuple[int, int]:
    """Make the index hold exactly the catalog's utterances of this stream (the index is saved every
    few seconds, the catalog at every utterance); returns (added, removed)."""
    catalog, index, sid = services.catalog, services.index, stream.id
    utts = catalog.utterances(sid)
    ids = {u.id for u in utts}
    indexed = index.doc_ids(sid)
    removed = index.remove_docs(sid, indexed - ids)
    missing = [u for u in utts if u.id not in indexed]
    added = 0
    if missing:
        wanted = {u.id for u in missing}
        claims = [c for c in catalog.claims(stream_id=sid) if c.utterance_id in wanted]
        risks = {k: v for k, v in catalog.risks_by_utterance(sid).items() if k in wanted}
        added = index.add_utterances(
            missing, claims, merchant=stream.merchant, started_at=stream.started_at,
            risks=risks, products=products,
        )
    if added or removed:
        index.save()
    return added, removed


def resumed_events(
    events: Iterator[SegmentData | AudioChunk], archived_to: float, transcribed_to: float
) -> Iterator[SegmentData | AudioChunk]:
    """Re-decoded events of a file without what is already done: segments starting before the archive's
    end, and audio before the transcription watermark (a chunk straddling it is cut there)."""
    for ev in events:
        if isinstance(ev, SegmentData):
            if ev.t0 >= archived_to - _EPS:
                yield ev
        else:
            skip = max(0, round((transcribed_to - ev.t0) * ev.sample_rate))
            if skip == 0:
                yield ev
            elif skip < len(ev.samples):
                yield AudioChunk(ev.stream_id, ev.t0 + skip / ev.sample_rate, ev.samples[skip:], ev.sample_rate)


def _stream_error(catalog: Catalog, stream_id: str) -> str:
    stream = catalog.get_stream(stream_id)
    return (stream.error if stream is not None else None) or "unknown error"
