"""Tickets: the claims in force when the buyer ordered, with evidence, pushed to the ticket system."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, HTTPException, Response
from fastapi import Path as PathParam

from api.auth import Agent, Ctx
from api.context import ApiContext
from api.errors import ErrorBody
from models import Ticket, TicketResult

router = APIRouter(prefix="/v1", tags=["tickets"])
TicketId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._-]{1,128}$", description="the ticket system's id")]


@router.post(
    "/tickets",
    response_model=TicketResult,
    status_code=201,
    summary="Answer a ticket with the claims in force at order time",
    responses={
        200: {"model": TicketResult, "description": "this ticket id was answered before"},
        409: {
            "model": ErrorBody,
            "description": "this ticket id was used for a different ticket, or is still being answered",
        },
        429: {"model": ErrorBody, "description": "the key's evidence allowance is spent (Retry-After)"},
    },
)
def create_ticket(
    ticket: Ticket, ctx: Ctx, key: Agent, response: Response, background: BackgroundTasks
) -> TicketResult:
    """Idempotent per ticket id: sending the same ticket again returns the first answer (200) and
    sends no second webhook, and makes no second bundle even when sent in parallel; a different ticket
    under a used id is a 409."""
    if ticket.merchant is not None and ticket.merchant != key.merchant:
        raise HTTPException(404, f"unknown merchant {ticket.merchant!r}")
    result, created = ctx.tickets.handle(ticket, key.merchant, key.id)
    if not created:
        response.status_code = 200
    elif ctx.webhook is not None:
        result = result.model_copy(update={"webhook": "pending"})
        background.add_task(_deliver, ctx, result)
    return result


def _deliver(ctx: ApiContext, result: TicketResult) -> None:
    assert ctx.webhook is not None
    status = ctx.webhook.deliver(result, ctx.services.settings.public_url)
    ctx.accounts.set_ticket_webhook(result.merchant, result.ticket.id, status)


@router.get("/tickets/{ticket_id}", response_model=TicketResult, summary="A ticket's stored answer")
def get_ticket(ticket_id: TicketId, ctx: Ctx, key: Agent) -> TicketResult:
    stored = ctx.accounts.get_ticket(key.merchant, ticket_id)
    if stored is None:
        raise HTTPException(404, f"unknown ticket {ticket_id!r}")
    return stored.result
