"""The services the API's routes share, composed once from Services (cheap to build): the API imports
this one object from the composition root instead of the stages' types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from desk.review import ReviewDesk
from desk.tickets import TicketDesk
from desk.webhook import WebhookSender
from evidence.builder import EvidenceBuilder
from pipeline.quotas import ApiQuotas
from pipeline.search_view import SearchView
from pipeline.services import Services
from storage.accounts import AccountsCatalog


@dataclass
class ApiServices:
    services: Services
    evidence: EvidenceBuilder
    quotas: ApiQuotas
    tickets: TicketDesk
    review: ReviewDesk
    webhook: WebhookSender | None
    search: SearchView

    @classmethod
    def compose(cls, services: Services, webhook_url: str = "") -> Self:
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
