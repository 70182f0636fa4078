"""Tickets: the claims in force when the buyer ordered, ranked, with evidence (delivered by `desk.webhook`).

"In force" means said on one of the merchant's streams before the order time, about the ticket's
product (or about no product in particular: a shop-wide 包邮 applies to everything). Ranking mixes
what the ticket is about (its words hint at claim types, and share characters with the quote) with
recency: of two promises of the same type about the same product, the later one is what held.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from evidence.builder import EvidenceBuilder
from models import (
    Claim,
    ClaimInForce,
    ClaimType,
    EvidenceInfo,
    InputError,
    Moment,
    Ticket,
    TicketBusyError,
    TicketConflictError,
    TicketResult,
    UnknownStreamError,
)
from storage.accounts import AccountsCatalog
from storage.catalog import Catalog

# words in a ticket that point at the kind of promise it is about
TYPE_HINTS: dict[ClaimType, tuple[str, ...]] = {
    ClaimType.GIFT: ("送", "赠", "礼", "gift", "free"),
    ClaimType.SHIPPING: ("发货", "快递", "物流", "包邮", "送达", "到货", "发", "ship", "deliver"),
    ClaimType.RETURN_POLICY: ("退", "换", "无理由", "return", "refund"),
    ClaimType.COMPENSATION: ("赔", "破损", "假", "compensat"),
    ClaimType.PRICE: ("价", "元", "块", "优惠", "折", "减", "price"),
    ClaimType.AUTHENTICITY: ("正品", "假货", "授权", "真", "fake", "genuine"),
    ClaimType.SUITABILITY: ("敏感", "孕妇", "宝宝", "儿童", "适合", "过敏"),
    ClaimType.EFFICACY: ("效果", "消毒", "防水", "断", "没用"),
    ClaimType.SPEC: ("尺寸", "层", "材质", "规格", "保质期", "大小"),
}
MAX_CLAIMS = 10
MAX_EVIDENCE = 5

ClipUrl = Callable[[str, float, float], str]


class Quotas(Protocol):
    """A per-key allowance (the API's `pipeline.quotas.ApiQuotas`): spend or raise."""

    def charge(self, key_id: str, *, bundles: int = 0, reencode_s: float = 0.0) -> None: ...


def _bigrams(text: str) -> set[str]:
    s = "".join(ch for ch in text.lower() if ch.isalnum())
    return {s[i : i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def request_hash(ticket: Ticket) -> str:
    return hashlib.sha256(ticket.model_dump_json().encode()).hexdigest()


class TicketDesk:
    """Answers tickets with the claims in force; idempotent per (merchant, ticket id)."""

    def __init__(
        self,
        catalog: Catalog,
        accounts: AccountsCatalog,
        evidence: EvidenceBuilder,
        clip_url: ClipUrl,
        *,
        quotas: Quotas | None = None,
        wait_s: float = 30.0,
        stale_s: float = 600.0,
    ) -> None:
        self.catalog = catalog
        self.accounts = accounts
        self.evidence = evidence
        self.clip_url = clip_url
        self.quotas = quotas  # None: no per-key allowance (the CLI)
        self.wait_s, self.stale_s = wait_s, stale_s

    def claims_in_force(self, ticket: Ticket, merchant: str) -> list[ClaimInForce]:
        """Claims of the merchant's streams made before the order, about its product, best first."""
        order = ticket.order_time if ticket.order_time.tzinfo else ticket.order_time.replace(tzinfo=UTC)
        # a claim's own wall-clock time decides; a stream that began before the order may go on after it
        streams = {
            s.id: s
            for s in self.catalog.list_streams(merchant)
            if ticket.stream is None or s.id == ticket.stream
        }
        if ticket.stream is not None and ticket.stream not in streams:
            known = self.catalog.get_stream(ticket.stream)
            if known is None or known.merchant != merchant:
                raise UnknownStreamError(f"unknown stream {ticket.stream!r}")
        found: list[tuple[Claim, datetime]] = []
        for c in self.catalog.claims(stream_ids=list(streams)):
            at = c.at or streams[c.stream_id].started_at + timedelta(seconds=c.t0)
            if at <= order and (ticket.product is None or c.product in (ticket.product, None)):
                found.append((c, at))
        ranked = self._rank(ticket, order, found)
        return ranked[:MAX_CLAIMS]

    def _rank(
        self, ticket: Ticket, order: datetime, found: list[tuple[Claim, datetime]]
    ) -> list[ClaimInForce]:
        text = ticket.text.lower()
        hinted = {t for t, words in TYPE_HINTS.items() if any(w in text for w in words)}
        grams = _bigrams(ticket.text)
        latest: dict[tuple[str, str | None], datetime] = {}
        for c, at in found:
            key = (c.type.value, c.product)
            latest[key] = max(latest.get(key, at), at)
        out = []
        for c, at in found:
            cg = _bigrams(c.quote + " ".join(str(v) for v in c.value.values()))
            overlap = len(grams & cg) / max(1, min(len(cg), len(grams)))
            age_days = max(0.0, (order - at).total_seconds() / 86400)
            score = (
                0.45 * (c.type in hinted)
                + 0.35 * min(1.0, overlap)
                + 0.1 * math.exp(-age_days / 30)
                + 0.1 * (latest[(c.type.value, c.product)] == at)
            )
            if ticket.product is not None and c.product is None:
                score *= 0.8  # a shop-wide promise, less specific than one about the product
            url = self.clip_url(c.stream_id, c.t0, c.t1)
            out.append(ClaimInForce(claim=c, score=round(score * c.confidence, 4), clip_url=url, at=at))
        out.sort(key=lambda x: (-x.score, -(x.at or order).timestamp()))
        return out

    def handle(self, ticket: Ticket, merchant: str, actor: str) -> tuple[TicketResult, bool]:
        """(result, created). A repeated ticket id returns the stored result; a different ticket under an
        id already used raises TicketConflictError. Only one request answers a ticket id (a claim row in
        the database decides, across workers): repeats that arrive meanwhile wait up to `wait_s` for its
        answer, then raise TicketBusyError; so a ticket gets one bundle however many times it is sent."""
        digest = request_hash(ticket)
        deadline = time.monotonic() + self.wait_s
        while True:
            stored = self._stored(ticket, merchant, digest)
            if stored is not None:
                return stored, False
            holder = self.accounts.claim_ticket(merchant, ticket.id, digest, self.stale_s)
            if holder is None:
                break
            if holder != digest:
                raise TicketConflictError(f"ticket {ticket.id!r} is being answered for different content")
            if time.monotonic() > deadline:
                raise TicketBusyError(
                    f"ticket {ticket.id!r} is still being answered by an earlier request; retry"
                )
            time.sleep(0.05)
        try:
            stored = self._stored(ticket, merchant, digest)  # answered between our look and our claim
            if stored is not None:
                return stored, False
            return self._answer(ticket, merchant, actor, digest)
        finally:
            self.accounts.release_ticket(merchant, ticket.id)

    def _stored(self, ticket: Ticket, merchant: str, digest: str) -> TicketResult | None:
        stored = self.accounts.get_ticket(merchant, ticket.id)
        if stored is None:
            return None
        if stored.request_sha256 != digest:
            raise TicketConflictError(f"ticket {ticket.id!r} was already submitted with different content")
        return stored.result

    def _answer(self, ticket: Ticket, merchant: str, actor: str, digest: str) -> tuple[TicketResult, bool]:
        claims = self.claims_in_force(ticket, merchant)
        bundle = None
        moments = self.evidence.fit(  # the best claims, as many as a bundle may hold
            [Moment(c.claim.stream_id, c.claim.t0, c.claim.t1, c.claim) for c in claims[:MAX_EVIDENCE]]
        )
        if moments:
            if self.quotas is not None:
                self.quotas.charge(actor, bundles=1)
            data, manifest = self.evidence.build(merchant, moments, ticket_id=ticket.id)
            bundle = self.evidence.save(data, manifest)
            self.accounts.add_bundle(
                bundle.bundle_id, merchant, ticket.id, bundle.model_dump(mode="json")
            )
        result = TicketResult(
            ticket=ticket, merchant=merchant, claims=claims, bundle=bundle, created_at=datetime.now(UTC)
        )
        if not self.accounts.add_ticket(merchant, ticket.id, digest, result.model_dump(mode="json")):
            stored = self._stored(ticket, merchant, digest)  # only if a claim went stale mid-answer
            if stored is not None:
                return stored, False
        self.accounts.audit(actor, merchant, "ticket.created", ticket.id, {"claims": len(claims)})
        return result, True

    def bundle_for(self, ticket: Ticket, merchant: str, actor: str) -> tuple[bytes, EvidenceInfo]:
        """A stored bundle of the best claims in force for `ticket` (the CLI's `onrecord evidence`), its
        ZIP bytes and record; InputError when no claim is in force or the best one is over the bounds."""
        claims = self.claims_in_force(ticket, merchant)
        if not claims:
            raise InputError(
                f"no claims in force for ticket {ticket.id!r}: nothing said about product {ticket.product!r} "
                f"on {merchant!r}'s streams before {ticket.order_time.isoformat()}"
            )
        moments = self.evidence.fit(
            [Moment(c.claim.stream_id, c.claim.t0, c.claim.t1, c.claim) for c in claims[:MAX_EVIDENCE]]
        )
        if not moments:
            raise InputError(
                f"ticket {ticket.id!r}: the best claim's clip is over the bundle bounds (ONRECORD_EVIDENCE_MAX_*)"
            )
        data, manifest = self.evidence.build(merchant, moments, ticket_id=ticket.id)
        info = self.evidence.save(data, manifest)
        self.accounts.add_bundle(info.bundle_id, merchant, ticket.id, info.model_dump(mode="json"))
        self.accounts.audit(actor, merchant, "evidence.created", info.bundle_id, {"ticket": ticket.id})
        return data, info
