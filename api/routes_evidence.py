"""Evidence bundles: make one for claims or spans, download it, check it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException
from fastapi import Path as PathParam
from fastapi.responses import Response

from api.auth import Agent, Ctx
from api.errors import ErrorBody
from models import EvidenceInfo, EvidenceRequest, Moment, StorageError

router = APIRouter(prefix="/v1", tags=["evidence"])
BundleId = Annotated[str, PathParam(pattern=r"^ev-[0-9T]{15}-[0-9a-f]{8}$", description="bundle id")]


@router.post(
    "/evidence",
    response_model=EvidenceInfo,
    status_code=201,
    summary="Make a signed evidence bundle",
    responses={
        429: {"model": ErrorBody, "description": "the key's evidence allowance is spent (Retry-After)"}
    },
)
def create_bundle(body: EvidenceRequest, ctx: Ctx, key: Agent) -> EvidenceInfo:
    """A ZIP with each moment's clip, quote and word times, stream and wall-clock times, source segments
    and the chain links to each stream's head, signed with the deployment's Ed25519 key. Every stream
    it cites goes under legal hold. Bounded (400 over the items or seconds allowed, 413 over the bytes)
    and rate-limited per key (429 with Retry-After), both before any clip is cut."""
    if not body.claims and not body.spans:
        raise HTTPException(400, "give at least one claim id or span")
    found = {c.id: c for c in ctx.accounts.claims(body.claims)}
    moments = []
    for cid in body.claims:
        claim = found.get(cid)
        if claim is None or not _mine(ctx, claim.stream_id, key.merchant):
            raise HTTPException(404, f"unknown claim {cid!r}")
        moments.append(Moment(claim.stream_id, claim.t0, claim.t1, claim))
    for span in body.spans:
        manifest = ctx.manifest_of(span.stream, key.merchant)
        if not span.end > span.start:
            raise HTTPException(400, f"invalid span {span.start}–{span.end}: end must be after start")
        if span.start >= manifest.duration:
            raise HTTPException(400, f"span starts after the recording ends ({manifest.duration:.2f}s)")
        moments.append(Moment(span.stream, span.start, min(span.end, manifest.duration)))
    seconds = ctx.evidence.check(moments, pad=body.pad)  # bounds first, then the key's allowance
    ctx.quotas.charge(key.id, bundles=1, reencode_s=seconds if body.exact else 0.0)
    data, manifest_ = ctx.evidence.build(key.merchant, moments, pad=body.pad, exact=body.exact)
    info = ctx.evidence.save(data, manifest_)
    ctx.accounts.add_bundle(info.bundle_id, key.merchant, None, info.model_dump(mode="json"))
    ctx.accounts.audit(key.id, key.merchant, "evidence.created", info.bundle_id, {"items": len(moments)})
    return info


def _mine(ctx: Ctx, stream_id: str, merchant: str) -> bool:
    stream = ctx.services.catalog.get_stream(stream_id)
    return stream is not None and stream.merchant == merchant


@router.get(
    "/evidence/{bundle_id}",
    summary="Download a bundle (ZIP)",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "the bundle"}},
)
def get_bundle(bundle_id: BundleId, ctx: Ctx, key: Agent) -> Response:
    if ctx.accounts.get_bundle(bundle_id, key.merchant) is None:
        raise HTTPException(404, f"unknown evidence bundle {bundle_id!r}")
    try:
        data = ctx.evidence.load(bundle_id)
    except StorageError as exc:
        raise HTTPException(404, f"evidence bundle {bundle_id!r} is no longer in the store") from exc
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{bundle_id}.zip"'},
    )
