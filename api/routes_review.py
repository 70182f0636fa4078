"""The compliance review queue and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from api.auth import Compliance, Ctx
from api.routes_streams import ID_PATTERN
from models import AuditEntry, ReviewDecision, ReviewItem, ReviewStatus

router = APIRouter(prefix="/v1", tags=["review"])
ClaimId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._:=-]{1,200}$", description="claim id")]


@router.get("/review", response_model=list[ReviewItem], summary="Risky claims to review")
def queue(
    ctx: Ctx,
    key: Compliance,
    stream: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: ReviewStatus | None = None,
) -> list[ReviewItem]:
    if stream is not None:
        ctx.stream_of(stream, key.merchant)
    return ctx.review.queue(key.merchant, stream, status)


@router.post("/review/{claim_id}", response_model=ReviewItem, summary="Confirm, dismiss or escalate a claim")
def decide(claim_id: ClaimId, decision: ReviewDecision, ctx: Ctx, key: Compliance) -> ReviewItem:
    return ctx.review.decide(key.merchant, claim_id, decision, key.id)


@router.get(
    "/review/{claim_id}/history", response_model=list[AuditEntry], summary="Every decision on a claim"
)
def history(claim_id: ClaimId, ctx: Ctx, key: Compliance) -> list[AuditEntry]:
    return ctx.review.history(key.merchant, claim_id)


@router.get("/audit", response_model=list[AuditEntry], summary="The merchant's audit log, newest first")
def audit(ctx: Ctx, key: Compliance, limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[AuditEntry]:
    return ctx.accounts.audit_entries(key.merchant, limit=limit)
