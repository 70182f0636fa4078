"""A stream's live chat (comments, gifts, likes, joins, follows, room control) on its clock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import Agent, Ctx
from api.routes_streams import StreamId
from models import ChatEvent, ChatKind

router = APIRouter(prefix="/v1", tags=["streams"])

StreamSeconds = Annotated[
    float | None, Query(ge=0, le=1e7, allow_inf_nan=False, description="seconds on the stream clock")
]


@router.get(
    "/streams/{stream_id}/comments", response_model=list[ChatEvent], summary="A stream's live chat (timeline)"
)
def stream_comments(
    stream_id: StreamId,
    ctx: Ctx,
    key: Agent,
    kind: Annotated[ChatKind | None, Query(description="only this kind of event")] = None,
    start: Annotated[StreamSeconds, Query(alias="from")] = None,
    end: Annotated[StreamSeconds, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[ChatEvent]:
    """Events with `from <= t < to`, in time order, at most `limit` (404 for another merchant's stream)."""
    ctx.stream_of(stream_id, key.merchant)
    return ctx.services.chat.events(stream_id, kind=kind, t0=start, t1=end)[:limit]
