"""The agent's desk as the API serves it: tickets pasted with order id and amount, answered by the ticket
desk and triaged by the merchant's rules; the queue in due order; settings, reply templates, transcripts
and the review queue's CSV. Cheap to build; everything is read on use."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from desk.merchant_settings import DEFAULT_FILE, DeskSettingsFile
from desk.replies import reply_templates
from desk.review import ReviewDesk
from desk.tickets import TicketDesk
from desk.triage import triage
from models import (
    DeskTicket,
    DeskTicketRequest,
    MerchantDeskSettings,
    ReplyTemplate,
    Ticket,
    Triage,
    Utterance,
)
from pipeline.services import Services
from storage.desk_tickets import DeskTicketsCatalog

CSV_COLUMNS = [
    "claim_id",
    "stream",
    "t0",
    "t1",
    "at",
    "type",
    "quote",
    "rules",
    "basis",
    "status",
    "note",
    "reviewer",
]


class DeskView:
    def __init__(
        self, services: Services, tickets: TicketDesk, review: ReviewDesk, settings_file: Path = DEFAULT_FILE
    ) -> None:
        self.services = services
        self.tickets = tickets
        self.review = review
        self.settings_file = DeskSettingsFile(settings_file)
        self.catalog = DeskTicketsCatalog(services.catalog)

    def settings(self, merchant: str) -> MerchantDeskSettings:
        return self.settings_file.for_merchant(merchant)

    def templates(self) -> list[ReplyTemplate]:
        return reply_templates()

    def submit(self, request: DeskTicketRequest, merchant: str, actor: str) -> tuple[DeskTicket, bool]:
        """Answer the ticket (idempotent per id, as `POST /v1/tickets`) and triage it once: a repeat keeps
        the first triage, so its due times never move. The level counts the best claim's type."""
        ticket = Ticket(**request.model_dump(exclude={"order_id", "amount"}))
        result, created = self.tickets.handle(ticket, merchant, actor)
        best = [c.claim.type for c in result.claims[:1]]
        level = triage(self.settings(merchant), request.text, best, request.amount, result.created_at)
        stored = self.catalog.add(merchant, ticket.id, request.order_id, request.amount, level)
        return DeskTicket(
            result=result, order_id=request.order_id, amount=request.amount, triage=stored
        ), created

    def queue(self, merchant: str) -> list[DeskTicket]:
        """The merchant's desk tickets, the first response due soonest first."""
        out = []
        for row in self.catalog.queue(merchant):
            stored = self.services.accounts.get_ticket(merchant, row["id"])
            if stored is None:  # answered rows only; a triage without its answer is not shown
                continue
            out.append(
                DeskTicket(
                    result=stored.result,
                    order_id=row["order_id"],
                    amount=row["amount"],
                    triage=Triage.model_validate(row["triage"]),
                )
            )
        return out

    def transcript(self, stream_id: str) -> list[Utterance]:
        return self.services.catalog.utterances(stream_id)

    def review_csv(self, merchant: str, stream: str | None) -> str:
        """The review queue (risky claims and their decisions) as CSV, one row per claim, UTF-8 with a BOM
        so that spreadsheet programs open the Chinese as text."""
        buf = io.StringIO()
        buf.write("\ufeff")
        out = csv.writer(buf)
        out.writerow(CSV_COLUMNS)
        for item in self.review.queue(merchant, stream):
            c = item.claim
            out.writerow(
                [
                    c.id,
                    c.stream_id,
                    f"{c.t0:.2f}",
                    f"{c.t1:.2f}",
                    c.at.isoformat() if c.at else "",
                    c.type.value,
                    c.quote,
                    " ".join(r.rule.value for r in c.risks),
                    " / ".join(r.basis for r in c.risks if r.basis),
                    item.status.value,
                    item.note,
                    item.reviewer or "",
                ]
            )
        return buf.getvalue()
