"""Streams (live or not, coverage, gaps), their claims, their chain check, and clips of any span."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.auth import Agent, Ctx
from api.errors import ErrorBody
from models import (
    Claim,
    ClaimType,
    GapInfo,
    Manifest,
    StorageError,
    Stream,
    StreamInfo,
    StreamStatus,
    VerifyReport,
)

router = APIRouter(prefix="/v1", tags=["streams"])

ID_PATTERN = r"^[A-Za-z0-9._-]{1,128}$"
StreamId = Annotated[str, PathParam(pattern=ID_PATTERN, description="stream id")]
Seconds = Annotated[
    float, Query(ge=0, le=1e7, allow_inf_nan=False, description="seconds on the stream clock")
]
MAX_CLIP_S = 900.0
MAX_EXACT_CLIP_S = 300.0


def stream_info(ctx: Ctx, stream: Stream, manifest: Manifest | None) -> StreamInfo:
    entries = manifest.entries if manifest else []
    recorded = sum(e.t1 - e.t0 for e in entries if e.kind == "segment")
    span = (entries[-1].t1 - entries[0].t0) if entries else 0.0
    claims = ctx.services.catalog.claims(stream_id=stream.id)
    status = manifest.stream.status if manifest else stream.status
    error = stream.error
    if status in (StreamStatus.RECORDING, StreamStatus.RECONNECTING):
        status, error = _unless_dead(ctx, stream.id, status, error)
    return StreamInfo(
        stream=stream.model_copy(update={"status": status, "error": error}),
        live=status in (StreamStatus.RECORDING, StreamStatus.RECONNECTING),
        duration_s=round(manifest.duration if manifest else 0.0, 3),
        recorded_s=round(recorded, 3),
        coverage=round(recorded / span, 4) if span else 0.0,
        segments=len(manifest.segments) if manifest else 0,
        gaps=[GapInfo.of(g) for g in (manifest.gaps if manifest else [])],
        head=manifest.head if manifest else "",
        legal_hold=ctx.services.archive.legal_hold(stream.id) is not None,
        claims=len(claims),
        risky_claims=sum(1 for c in claims if c.risks),
    )


def _info_or_problem(ctx: Ctx, stream: Stream) -> StreamInfo:
    """The stream's info; one whose manifest cannot be read (corrupt, store failing) is shown with that
    problem as its `error` and nothing recorded, so one broken archive never hides the others."""
    try:
        manifest = ctx.services.archive.manifest(stream.id)
    except StorageError as exc:
        return stream_info(ctx, stream.model_copy(update={"error": str(exc)}), None)
    return stream_info(ctx, stream, manifest)


def _unless_dead(
    ctx: Ctx, stream_id: str, status: StreamStatus, error: str | None
) -> tuple[StreamStatus, str | None]:
    """A stream whose ingesting process died reads `interrupted` (and is marked so), not live."""
    from pipeline.ingest_lease import dead_ingest, mark_interrupted

    services = ctx.services
    dead = dead_ingest(services.catalog, stream_id, services.settings.ingest_stale_seconds)
    if dead is None:
        return status, error
    return StreamStatus.INTERRUPTED, mark_interrupted(services.catalog, services.store, dead)


@router.get("/streams", response_model=list[StreamInfo], summary="The merchant's streams")
def list_streams(ctx: Ctx, key: Agent) -> list[StreamInfo]:
    return [_info_or_problem(ctx, s) for s in ctx.services.catalog.list_streams(key.merchant)]


@router.get("/streams/{stream_id}", response_model=StreamInfo, summary="One stream: status, coverage, gaps")
def get_stream(stream_id: StreamId, ctx: Ctx, key: Agent) -> StreamInfo:
    return _info_or_problem(ctx, ctx.stream_of(stream_id, key.merchant))


@router.get("/streams/{stream_id}/verify", response_model=VerifyReport, summary="Check the stream's chain")
def verify(stream_id: StreamId, ctx: Ctx, key: Agent) -> VerifyReport:
    ctx.manifest_of(stream_id, key.merchant)
    return ctx.services.archive.verify(stream_id)


ClaimTypeQ = Annotated[ClaimType | None, Query(description="claim type")]
ProductQ = Annotated[str | None, Query(max_length=128, description="product id")]


@router.get("/streams/{stream_id}/claims", response_model=list[Claim], summary="A stream's claims (timeline)")
def stream_claims(
    stream_id: StreamId,
    ctx: Ctx,
    key: Agent,
    type: ClaimTypeQ = None,
    risky: bool = False,
    product: ProductQ = None,
) -> list[Claim]:
    ctx.stream_of(stream_id, key.merchant)
    return ctx.services.catalog.claims(
        stream_id=stream_id, type_=type.value if type else None, risky=risky, product=product
    )


@router.get("/claims", response_model=list[Claim], summary="Claims across the merchant's streams")
def claims(
    ctx: Ctx,
    key: Agent,
    stream: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    type: ClaimTypeQ = None,
    risky: bool = False,
    product: ProductQ = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[Claim]:
    ids = [s.id for s in ctx.services.catalog.list_streams(key.merchant) if stream is None or s.id == stream]
    if stream is not None and not ids:
        raise HTTPException(404, f"unknown stream {stream!r}")
    found = ctx.services.catalog.claims(
        stream_ids=ids, type_=type.value if type else None, risky=risky, product=product
    )
    return found[:limit]


@router.get(
    "/streams/{stream_id}/clip",
    summary="A clip of any span (MP4, plays in a browser)",
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}}, "description": "the clip"},
        429: {"model": ErrorBody, "description": "the key's re-encoding allowance is spent (Retry-After)"},
    },
)
def clip(
    stream_id: StreamId,
    start: Seconds,
    end: Seconds,
    ctx: Ctx,
    key: Agent,
    pad: Annotated[
        float, Query(ge=0, le=60, allow_inf_nan=False, description="seconds added each side")
    ] = 0.0,
    exact: Annotated[
        bool, Query(description="frame-exact re-encode instead of keyframe stream copy")
    ] = False,
) -> FileResponse:
    """Stream copy starts at the keyframe at or before `start` (fast); `exact=true` re-encodes
    so the clip starts on the exact frame. `X-Clip-Start` says where, on the stream clock, the clip
    starts (so a player can seek to the moment)."""
    manifest = ctx.manifest_of(stream_id, key.merchant)
    if not end > start:
        raise HTTPException(400, f"invalid span {start}–{end}: end must be after start")
    start, end = max(0.0, start - pad), end + pad
    if start >= manifest.duration:
        raise HTTPException(
            400, f"span starts at {start:.2f}s, after the recording ends ({manifest.duration:.2f}s)"
        )
    end = min(end, manifest.duration)
    limit = MAX_EXACT_CLIP_S if exact else MAX_CLIP_S
    if end - start > limit:
        raise HTTPException(400, f"clip of {end - start:.0f}s is too long; at most {limit:.0f}s")
    if exact:  # re-encoding is what costs: it spends the key's allowance (429 with Retry-After)
        ctx.quotas.charge(key.id, reencode_s=end - start)
    tmp = Path(tempfile.mkdtemp(prefix="onrecord-clip-"))
    try:
        cut = ctx.services.archive.clip(stream_id, start, end, tmp / "clip.mp4", exact=exact)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    name = f"{stream_id}-{start:.2f}-{end:.2f}.mp4"
    return FileResponse(
        cut.path,
        media_type="video/mp4",
        filename=name,
        headers={"X-Clip-Start": f"{cut.start:.3f}", "Access-Control-Expose-Headers": "X-Clip-Start"},
        content_disposition_type="inline",
        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True),
    )
