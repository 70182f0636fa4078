"""The desk's view of each ticket (order id, amount, triage level and due times), beside the ticket's stored
answer in `accounts.tickets`; the queue reads it in due order, one merchant at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, DateTime, Float, String, Table, and_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from models import CatalogError, Triage
from storage.catalog import Catalog, metadata
from storage.quotas import create_tables

desk_tickets = Table(
    "desk_tickets",
    metadata,
    Column("merchant", String(128), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("order_id", String(128), nullable=False, default=""),
    Column("amount", Float),
    Column("level", String(16), nullable=False),
    Column("first_response_due", DateTime(timezone=True), nullable=False, index=True),
    Column("triage", JSON, nullable=False),  # Triage
)


class DeskTicketsCatalog:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._ready = False

    def _run(self, fn: Any) -> Any:
        if not self._ready:
            create_tables(self.catalog.engine, [desk_tickets])
            self._ready = True
        try:
            with self.catalog.engine.begin() as conn:
                return fn(conn)
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog operation failed: {exc}") from exc

    def add(
        self, merchant: str, ticket_id: str, order_id: str, amount: float | None, triage: Triage
    ) -> Triage:
        """Store the ticket's triage once; a repeat keeps the first (its due times do not move). Returns it."""
        row = {
            "merchant": merchant,
            "id": ticket_id,
            "order_id": order_id,
            "amount": amount,
            "level": triage.level.value,
            "first_response_due": triage.first_response_due,
            "triage": triage.model_dump(mode="json"),
        }
        try:
            self._run(lambda c: c.execute(desk_tickets.insert().values(**row)))
            return triage
        except CatalogError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        stored = self.get(merchant, ticket_id)
        assert stored is not None
        return Triage.model_validate(stored["triage"])

    def get(self, merchant: str, ticket_id: str) -> dict[str, Any] | None:
        cond = and_(desk_tickets.c.merchant == merchant, desk_tickets.c.id == ticket_id)
        row = self._run(lambda c: c.execute(select(desk_tickets).where(cond)).first())
        return dict(row._mapping) if row else None

    def queue(self, merchant: str, limit: int = 500) -> list[dict[str, Any]]:
        """The merchant's tickets, the first response due soonest first."""
        query = (
            select(desk_tickets)
            .where(desk_tickets.c.merchant == merchant)
            .order_by(desk_tickets.c.first_response_due, desk_tickets.c.id)
            .limit(limit)
        )
        return [dict(r._mapping) for r in self._run(lambda c: c.execute(query).all())]
