"""Hybrid search over what the hosts said (and the viewers wrote), limited to the caller's merchant, each hit with its clip URL."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from api.auth import Agent, Ctx
from api.routes_streams import ID_PATTERN, ClaimTypeQ, ProductQ
from models import SearchFilters, SearchHit

router = APIRouter(prefix="/v1", tags=["search"])


@router.get("/search", response_model=list[SearchHit], summary="Search quotes and claims")
def search(
    ctx: Ctx,
    key: Agent,
    q: Annotated[str, Query(min_length=1, max_length=500, description="what to look for, in any words")],
    stream: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    type: ClaimTypeQ = None,
    product: ProductQ = None,
    risky: bool = False,
    t_from: Annotated[datetime | None, Query(alias="from", description="said at or after (ISO time)")] = None,
    t_to: Annotated[datetime | None, Query(alias="to", description="said before (ISO time)")] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    mode: Literal["hybrid", "lexical", "semantic"] = "hybrid",
    kind: Annotated[
        Literal["utterance", "comment", "all"], Query(description="what the host said, what viewers wrote, or both")
    ] = "utterance",
    pad: Annotated[float, Query(ge=0, le=60, allow_inf_nan=False, description="clip padding, seconds")] = 2.0,
) -> list[SearchHit]:
    if not q.strip():
        raise HTTPException(400, "empty query: type what you are looking for")
    if stream is not None:
        ctx.stream_of(stream, key.merchant)
    filters = SearchFilters(
        stream=stream,
        merchant=key.merchant,
        product=product,
        type=type.value if type else None,
        t_from=t_from,
        t_to=t_to,
        risky=risky,
        kind=None if kind == "all" else kind,
    )
    try:
        hits = ctx.search.search(q, filters, k=k, mode=mode)
    except ImportError as exc:
        raise HTTPException(503, "search is not available in this deployment (no index package)") from exc
    mine = {s.id for s in ctx.services.catalog.list_streams(key.merchant)}  # never trust a filter alone
    return [
        h.model_copy(update={"clip_url": ctx.services.clip_url(h.stream, h.t0, h.t1, pad)})
        for h in hits
        if h.stream in mine
    ]
