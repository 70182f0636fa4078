"""What the API's routes share, composed once from Services in the app's lifespan (cheap to build)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from desk.review import ReviewDesk
from desk.tickets import TicketDesk
from desk.webhook import WebhookSender
from evidence.builder import EvidenceBuilder
from models import Manifest, Stream
from pipeline.quotas import ApiQuotas
from pipeline.search_view import SearchView
from pipeline.services import AccountsCatalog, Services


@dataclass
class ApiContext:
    services: Services
    evidence: EvidenceBuilder
    quotas: ApiQuotas
    tickets: TicketDesk
    review: ReviewDesk
    webhook: WebhookSender | None
    search: SearchView

    @classmethod
    def from_services(cls, services: Services, webhook_url: str = "") -> ApiContext:
        quotas = ApiQuotas.from_settings(services.settings, services.catalog)
        return cls(
            services=services,
            evidence=services.evidence,
            quotas=quotas,
            tickets=services.tickets(quotas),
            review=services.review(),
            search=SearchView(services),
            webhook=services.webhook(webhook_url),
        )

    @property
    def accounts(self) -> AccountsCatalog:
        return self.services.accounts

    def stream_of(self, stream_id: str, merchant: str) -> Stream:
        """The merchant's stream, or 404: another merchant's stream looks exactly like a missing one."""
        stream = self.services.catalog.get_stream(stream_id)
        if stream is None or stream.merchant != merchant:
            raise HTTPException(404, f"unknown stream {stream_id!r}")
        return stream

    def manifest_of(self, stream_id: str, merchant: str) -> Manifest:
        self.stream_of(stream_id, merchant)
        manifest = self.services.archive.manifest(stream_id)
        if manifest is None:
            raise HTTPException(404, f"stream {stream_id!r} has nothing recorded yet")
        return manifest


async def context(request: Request) -> ApiContext:  # no I/O: spares a worker-thread hop per request
    ctx: ApiContext = request.app.state.ctx
    return ctx
