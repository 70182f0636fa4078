"""The compliance review queue: each stream's risky claims, the reviewer's decision on each, and its history.

A claim is pending until a reviewer confirms, dismisses or escalates it (with a note); a decision
can be changed, and every change is an audit-log entry written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from models import (
    AuditEntry,
    Claim,
    ReviewDecision,
    ReviewItem,
    ReviewRecord,
    ReviewStatus,
    UnknownClaimError,
)
from storage.accounts import AccountsCatalog, claims_by_id, review_item_fields
from storage.catalog import Catalog

ClipUrl = Callable[[str, float, float], str]


class ReviewDesk:
    def __init__(self, catalog: Catalog, accounts: AccountsCatalog, clip_url: ClipUrl) -> None:
        self.catalog = catalog
        self.accounts = accounts
        self.clip_url = clip_url

    def queue(
        self, merchant: str, stream: str | None = None, status: ReviewStatus | None = None
    ) -> list[ReviewItem]:
        """Risky claims of the merchant's streams (or one stream), oldest first, with their decisions."""
        ids = [s.id for s in self.catalog.list_streams(merchant) if stream is None or s.id == stream]
        if not ids:
            return []
        decided = self.accounts.reviews(merchant, ids)
        items = [self._item(c, decided.get(c.id)) for c in self.catalog.claims(stream_ids=ids, risky=True)]
        return [i for i in items if status is None or i.status == status]

    def _item(self, claim: Claim, row: ReviewRecord | None) -> ReviewItem:
        return ReviewItem(
            claim=claim,
            clip_url=self.clip_url(claim.stream_id, claim.t0, claim.t1),
            **review_item_fields(row),
        )

    def claim(self, merchant: str, claim_id: str) -> Claim:
        """The merchant's claim with this id; UnknownClaimError otherwise (also for other merchants' claims)."""
        claim = next(iter(claims_by_id(self.catalog, [claim_id])), None)
        stream = self.catalog.get_stream(claim.stream_id) if claim else None
        if claim is None or stream is None or stream.merchant != merchant:
            raise UnknownClaimError(f"unknown claim {claim_id!r}")
        return claim

    def decide(self, merchant: str, claim_id: str, decision: ReviewDecision, actor: str) -> ReviewItem:
        claim = self.claim(merchant, claim_id)
        after = self.accounts.set_review(
            merchant, claim.stream_id, claim.id, ReviewStatus(decision.status), decision.note, actor
        )
        return self._item(claim, after)

    def history(self, merchant: str, claim_id: str) -> list[AuditEntry]:
        self.claim(merchant, claim_id)
        return self.accounts.audit_entries(merchant, target=claim_id)
