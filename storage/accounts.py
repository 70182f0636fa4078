"""API keys, evidence bundles, tickets, review decisions and the audit log, in the catalog's database.

The tables live on the catalog's `metadata`, so `create_all` makes them with the others. Keys are
stored as a SHA-256 of their secret part only (the secret is 256 random bits, so a slow password
hash adds nothing); the key id in front of the secret is what rows and the audit log name.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from models import (
    ApiKey,
    ApiKeyCreated,
    AuditEntry,
    CatalogError,
    Claim,
    ReviewRecord,
    ReviewStatus,
    Role,
    StoredTicket,
    TicketResult,
)
from storage.catalog import Catalog, metadata
from storage.catalog import claims as claims_table
from storage.quotas import create_tables, run_write

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("hash", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("merchant", String(128), nullable=False, index=True),
    Column("name", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

bundles = Table(
    "evidence_bundles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("merchant", String(128), nullable=False, index=True),
    Column("ticket_id", String(128)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("doc", JSON, nullable=False),  # EvidenceInfo without the manifest's chain links
)

tickets = Table(
    "tickets",
    metadata,
    Column("merchant", String(128), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("request_sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("webhook", Text, nullable=False, default=""),
    Column("doc", JSON, nullable=False),  # TicketResult
)

# who is answering a ticket id now: one row per id, so only one request builds its bundle
ticket_claims = Table(
    "ticket_claims",
    metadata,
    Column("merchant", String(128), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("request_sha256", String(64), nullable=False),
    Column("claimed_at", Float, nullable=False),  # epoch seconds
)

reviews = Table(
    "reviews",
    metadata,
    Column("claim_id", String(200), primary_key=True),
    Column("merchant", String(128), nullable=False, index=True),
    Column("stream_id", String(128), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("reviewer", String(32)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(32), nullable=False),
    Column("merchant", String(128), nullable=False, index=True),
    Column("action", String(64), nullable=False),
    Column("target", String(220), nullable=False, index=True),
    Column("detail", JSON, nullable=False),
)

RevokeOutcome = Literal["revoked", "already", "unknown", "last_admin"]
_TABLES = [api_keys, bundles, tickets, ticket_claims, reviews, audit_log]
KEY_PREFIX = "ork"


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone; we store UTC


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class AccountsCatalog:
    """Keys, bundles, tickets, reviews and the audit log over the catalog's engine."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._ready = False

    def _run(self, fn: Any) -> Any:
        self._ensure()
        try:
            with self.catalog.engine.begin() as conn:
                return fn(conn)
        except SQLAlchemyError as exc:
            raise CatalogError(f"catalog operation failed: {exc}") from exc

    def _ensure(self) -> None:
        if not self._ready:  # the catalog may have been created before this module was imported
            create_tables(self.catalog.engine, _TABLES)
            self._ready = True

    def claims(self, ids: list[str]) -> list[Claim]:
        """The claims with these ids (any stream; callers check the merchant), in the order asked."""
        return claims_by_id(self.catalog, ids)

    # keys --------------------------------------------------------------------------------
    def create_key(self, role: Role, merchant: str, name: str = "") -> ApiKeyCreated:
        """Make a key; the returned `key` is the only copy of its secret."""
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        info = ApiKey(id=key_id, role=role, merchant=merchant, name=name, created_at=datetime.now(UTC))
        row = info.model_dump() | {"role": role.value, "hash": _digest(secret)}
        self._run(lambda c: c.execute(api_keys.insert().values(**row)))
        return ApiKeyCreated(key=f"{KEY_PREFIX}_{key_id}_{secret}", info=info)

    def resolve_key(self, key: str) -> ApiKey | None:
        """The key's record if `key` is a valid, unrevoked key; None otherwise (never says why)."""
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1].isalnum() or len(parts[1]) > 32:
            return None
        row = self._run(lambda c: c.execute(select(api_keys).where(api_keys.c.id == parts[1])).first())
        if row is None or row.revoked or not hmac.compare_digest(row.hash, _digest(parts[2])):
            return None
        return _key(row._mapping)

    def list_keys(self, merchant: str) -> list[ApiKey]:
        q = select(api_keys).where(api_keys.c.merchant == merchant).order_by(api_keys.c.created_at)
        return [_key(r._mapping) for r in self._run(lambda c: c.execute(q).all())]

    def revoke_key(self, key_id: str, merchant: str, actor: str) -> RevokeOutcome:
        """Revoke a key and audit it, in one write transaction. Revoking a revoked key changes nothing and
        audits nothing ("already"); the merchant's last active admin key is never revoked ("last_admin"),
        since then only the shell could make another."""
        key = and_(api_keys.c.id == key_id, api_keys.c.merchant == merchant)
        admins = and_(
            api_keys.c.merchant == merchant, api_keys.c.role == Role.ADMIN.value, ~api_keys.c.revoked
        )

        def op(conn: Any) -> RevokeOutcome:
            if conn.dialect.name == "postgresql":  # two admins revoking each other at once: one waits
                conn.execute(select(api_keys.c.id).where(admins).with_for_update())
            others = select(func.count()).select_from(api_keys).where(admins, api_keys.c.id != key_id)
            ok = (api_keys.c.role != Role.ADMIN.value) | (others.scalar_subquery() > 0)
            if conn.execute(
                update(api_keys).where(key, ~api_keys.c.revoked, ok).values(revoked=True)
            ).rowcount:
                conn.execute(
                    audit_log.insert().values(**_audit_row(actor, merchant, "key.revoked", key_id, {}))
                )
                return "revoked"
            row = conn.execute(select(api_keys.c.revoked).where(key)).first()
            return "unknown" if row is None else "already" if row.revoked else "last_admin"

        self._ensure()
        return run_write(self.catalog, op)

    # bundles -----------------------------------------------------------------------------
    def add_bundle(self, bundle_id: str, merchant: str, ticket_id: str | None, doc: dict[str, Any]) -> None:
        """Record a bundle (its EvidenceInfo as JSON), kept small: each stream's chain links stay in the
        ZIP, the record keeps their count."""
        manifest = dict(doc["manifest"])
        manifest["streams"] = [
            {"stream": s["stream"], "head": s["head"], "links": len(s["links"])} for s in manifest["streams"]
        ]
        doc = doc | {"manifest": manifest}
        row = {
            "id": bundle_id,
            "merchant": merchant,
            "ticket_id": ticket_id,
            "created_at": datetime.now(UTC),
            "doc": doc,
        }
        self._run(lambda c: c.execute(bundles.insert().values(**row)))

    def get_bundle(self, bundle_id: str, merchant: str) -> dict[str, Any] | None:
        cond = and_(bundles.c.id == bundle_id, bundles.c.merchant == merchant)
        row = self._run(lambda c: c.execute(select(bundles.c.doc).where(cond)).first())
        return dict(row[0]) if row else None

    # tickets -----------------------------------------------------------------------------
    def get_ticket(self, merchant: str, ticket_id: str) -> StoredTicket | None:
        """The request hash and stored result of a ticket already handled, else None."""
        cond = and_(tickets.c.merchant == merchant, tickets.c.id == ticket_id)
        row = self._run(lambda c: c.execute(select(tickets).where(cond)).first())
        if row is None:
            return None
        return StoredTicket(request_sha256=row.request_sha256, result=TicketResult.model_validate(dict(row.doc)))

    def add_ticket(self, merchant: str, ticket_id: str, request_sha256: str, doc: dict[str, Any]) -> bool:
        """Store a ticket's result; False if another request stored this ticket id first."""
        row = {
            "merchant": merchant,
            "id": ticket_id,
            "request_sha256": request_sha256,
            "created_at": datetime.now(UTC),
            "webhook": doc.get("webhook", ""),
            "doc": doc,
        }
        try:
            self._run(lambda c: c.execute(tickets.insert().values(**row)))
        except CatalogError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                return False
            raise
        return True

    def claim_ticket(self, merchant: str, ticket_id: str, request_sha256: str, stale_s: float) -> str | None:
        """Take the right to answer a ticket id: None when this caller now holds it, else the request hash
        of the request that does. A claim older than `stale_s` (its process died) is taken over."""
        now = time.time()
        where = and_(ticket_claims.c.merchant == merchant, ticket_claims.c.id == ticket_id)

        def op(conn: Any) -> str | None:
            row = conn.execute(select(ticket_claims).where(where)).first()
            if row is None:
                conn.execute(
                    ticket_claims.insert().values(
                        merchant=merchant, id=ticket_id, request_sha256=request_sha256, claimed_at=now
                    )
                )
                return None
            if row.claimed_at < now - stale_s:
                stale = and_(where, ticket_claims.c.claimed_at == row.claimed_at)
                taken = conn.execute(
                    update(ticket_claims).where(stale).values(request_sha256=request_sha256, claimed_at=now)
                )
                if taken.rowcount:
                    return None
            return str(row.request_sha256)

        self._ensure()
        try:
            return run_write(self.catalog, op)
        except CatalogError as exc:
            if isinstance(exc.__cause__, IntegrityError):  # PostgreSQL: another request inserted it first
                return request_sha256
            raise

    def release_ticket(self, merchant: str, ticket_id: str) -> None:
        """Give up the claim on a ticket id (answered, or failed and free to be tried again)."""
        where = and_(ticket_claims.c.merchant == merchant, ticket_claims.c.id == ticket_id)
        self._run(lambda c: c.execute(delete(ticket_claims).where(where)))

    def set_ticket_webhook(self, merchant: str, ticket_id: str, status: str) -> None:
        cond = and_(tickets.c.merchant == merchant, tickets.c.id == ticket_id)

        def op(conn: Any) -> None:
            row = conn.execute(select(tickets.c.doc).where(cond)).first()
            if row is not None:
                doc = dict(row[0]) | {"webhook": status}
                conn.execute(update(tickets).where(cond).values(webhook=status, doc=doc))

        self._run(op)

    # reviews -----------------------------------------------------------------------------
    def reviews(self, merchant: str, stream_ids: list[str]) -> dict[str, ReviewRecord]:
        """claim id → its current review row, for the given streams."""
        cond = and_(reviews.c.merchant == merchant, reviews.c.stream_id.in_(stream_ids))
        rows = self._run(lambda c: c.execute(select(reviews).where(cond)).all())
        return {r.claim_id: _review(r._mapping) for r in rows}

    def set_review(
        self, merchant: str, stream_id: str, claim_id: str, status: ReviewStatus, note: str, actor: str
    ) -> ReviewRecord:
        """Record a decision and its audit entry in one transaction; returns the decision recorded."""
        now = datetime.now(UTC)
        after = {"status": status.value, "note": note, "reviewer": actor, "updated_at": now}

        def op(conn: Any) -> None:
            row = conn.execute(select(reviews).where(reviews.c.claim_id == claim_id)).first()
            before = _review(row._mapping) if row else None
            if row is None:
                conn.execute(
                    reviews.insert().values(
                        claim_id=claim_id, merchant=merchant, stream_id=stream_id, **after
                    )
                )
            else:
                conn.execute(update(reviews).where(reviews.c.claim_id == claim_id).values(**after))
            detail = {
                "from": (before.status if before else ReviewStatus.PENDING).value,
                "to": status.value,
                "note": note,
                "stream": stream_id,
            }
            conn.execute(
                audit_log.insert().values(
                    **_audit_row(actor, merchant, f"review.{status.value}", claim_id, detail)
                )
            )


        self._run(op)
        return ReviewRecord.model_validate(after)

    # audit -------------------------------------------------------------------------------
    def audit(self, actor: str, merchant: str, action: str, target: str, detail: dict[str, Any]) -> None:
        row = _audit_row(actor, merchant, action, target, detail)
        self._run(lambda c: c.execute(audit_log.insert().values(**row)))

    def audit_entries(self, merchant: str, target: str | None = None, limit: int = 200) -> list[AuditEntry]:
        q = select(audit_log).where(audit_log.c.merchant == merchant)
        if target is not None:
            q = q.where(audit_log.c.target == target)
        q = q.order_by(audit_log.c.id.desc()).limit(limit)
        return [
            AuditEntry.model_validate(dict(r._mapping) | {"at": _utc(r.at)})
            for r in self._run(lambda c: c.execute(q).all())
        ]


def _audit_row(actor: str, merchant: str, action: str, target: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": datetime.now(UTC),
        "actor": actor,
        "merchant": merchant,
        "action": action,
        "target": target,
        "detail": detail,
    }


def _key(row: Any) -> ApiKey:
    data = {k: row[k] for k in ("id", "role", "merchant", "name", "created_at", "revoked")}
    return ApiKey.model_validate(data | {"created_at": _utc(data["created_at"])})


def _review(row: Any) -> ReviewRecord:
    fields = {k: row[k] for k in ("status", "note", "reviewer")}
    return ReviewRecord.model_validate(fields | {"updated_at": _utc(row["updated_at"])})


def review_item_fields(record: ReviewRecord | None) -> dict[str, Any]:
    """The ReviewItem fields of a stored review (pending when there is none)."""
    return (record or ReviewRecord()).model_dump()


def claims_by_id(catalog: Catalog, ids: list[str]) -> list[Claim]:
    """The claims with these ids (any stream; callers check the merchant), in the order asked."""
    if not ids:
        return []
    q = select(claims_table.c.id, claims_table.c.doc).where(claims_table.c.id.in_(ids))
    try:
        with catalog.engine.connect() as conn:
            found = {r.id: Claim.model_validate(r.doc) for r in conn.execute(q).all()}
    except SQLAlchemyError as exc:
        raise CatalogError(f"catalog operation failed: {exc}") from exc
    return [found[i] for i in ids if i in found]
