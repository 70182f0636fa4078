"""What the API's routes share, composed once from Services in the app's lifespan (cheap to build)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from evidence.builder import EvidenceBuilder
from models import Manifest, Stream
from pipeline.quotas import ApiQuotas
from pipeline.review import ReviewDesk
from pipeline.search_view import SearchView
from pipeline.services import AccountsCatalog, Services
from pipeline.tickets import TicketDesk, WebhookSender


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
        settings = services.settings
        keys_dir = settings.data_dir / "keys"
        accounts = services.accounts
        evidence = services.evidence
        quotas = ApiQuotas.from_settings(settings, services.catalog)
        desk = TicketDesk(
            services.catalog,
            accounts,
            evidence,
            services.clip_url,
            quotas=quotas,
            wait_s=settings.ticket_wait_s,
            stale_s=settings.ticket_claim_stale_s,
        )
        return cls(
            services=services,
            evidence=evidence,
            quotas=quotas,
            tickets=desk,
            review=ReviewDesk(services.catalog, accounts, services.clip_url),
            search=SearchView(services),
            webhook=WebhookSender(webhook_url, keys_dir / "webhook.secret") if webhook_url else None,
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
