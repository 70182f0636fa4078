"""The agent's desk: tickets pasted with order id and amount (triaged by the merchant's rules, queued by due
time), the merchant's desk settings and reply templates, a stream's transcript, the review queue as CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.auth import Agent, Compliance, Ctx
from api.errors import ErrorBody
from api.routes_streams import ID_PATTERN, StreamId
from models import DeskTicket, DeskTicketRequest, MerchantDeskSettings, ReplyTemplate, Utterance
from pipeline.desk_view import DeskView

router = APIRouter(prefix="/v1", tags=["desk"])


async def _desk(request: Request) -> DeskView:  # no I/O: no thread hop
    desk: DeskView = request.app.state.desk
    return desk


Desk = Annotated[DeskView, Depends(_desk)]


@router.get("/desk/settings", response_model=MerchantDeskSettings, summary="The merchant's desk settings")
def settings(desk: Desk, key: Agent) -> MerchantDeskSettings:
    """Time zone, triage rules, deadlines per level and the agents' refund limits."""
    return desk.settings(key.merchant)


@router.get("/desk/templates", response_model=list[ReplyTemplate], summary="Reply templates per claim type")
def templates(desk: Desk, key: Agent) -> list[ReplyTemplate]:
    return desk.templates()


@router.post(
    "/desk/tickets",
    response_model=DeskTicket,
    status_code=201,
    summary="Answer and triage a ticket an agent pasted",
    responses={
        200: {"model": DeskTicket, "description": "this ticket id was answered before"},
        409: {"model": ErrorBody, "description": "this ticket id was used for a different ticket"},
    },
)
def submit(body: DeskTicketRequest, desk: Desk, key: Agent, response: Response) -> DeskTicket:
    """As `POST /v1/tickets` (idempotent per id, the claims in force at order time, a bundle), plus the
    ticket's level and due times; the ticket system's webhook is not called for a pasted ticket."""
    result, created = desk.submit(body, key.merchant, key.id)
    if not created:
        response.status_code = 200
    return result


@router.get("/desk/tickets", response_model=list[DeskTicket], summary="The merchant's ticket queue")
def queue(desk: Desk, key: Agent) -> list[DeskTicket]:
    """The merchant's desk tickets, the first response due soonest first (another merchant's: never)."""
    return desk.queue(key.merchant)


@router.get(
    "/streams/{stream_id}/transcript", response_model=list[Utterance], summary="A stream's transcript"
)
def transcript(stream_id: StreamId, ctx: Ctx, desk: Desk, key: Agent) -> list[Utterance]:
    ctx.stream_of(stream_id, key.merchant)
    return desk.transcript(stream_id)


@router.get(
    "/desk/review.csv",
    summary="The review queue as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "one row per risky claim"}},
)
def review_csv(
    ctx: Ctx, desk: Desk, key: Compliance, stream: Annotated[str | None, Query(pattern=ID_PATTERN)] = None
) -> Response:
    if stream is not None:
        ctx.stream_of(stream, key.merchant)
    name = f"review-{stream or key.merchant}.csv"
    return Response(
        desk.review_csv(key.merchant, stream),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
