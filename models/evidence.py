"""Evidence bundles, tickets, compliance review and API access: the types the API serves and stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.chat import ChatEvent
from models.claims import Claim
from models.media import GapInfo, Stream
from models.transcript import Word

_ID = r"^[A-Za-z0-9._-]{1,128}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Role(StrEnum):
    AGENT = "agent"  # after-sales: search, clips, evidence, tickets
    COMPLIANCE = "compliance"  # everything an agent does, plus the review queue and audit log
    ADMIN = "admin"  # everything, plus API keys


class ApiKey(_Frozen):
    """An API key as stored: never the key itself, only its id (public prefix) and role/merchant."""

    id: str
    role: Role
    merchant: str
    name: str = ""
    created_at: datetime
    revoked: bool = False


class ApiKeyCreated(_Frozen):
    """Returned once, when a key is made: `key` is not stored anywhere and cannot be shown again."""

    key: str
    info: ApiKey


class ApiKeyRequest(_Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    name: str = Field(default="", max_length=200)


# streams -----------------------------------------------------------------------------------
class StreamInfo(_Frozen):
    """A stream as the API lists it: live or not, how much of it is recorded, and its gaps."""

    stream: Stream
    live: bool
    duration_s: float
    recorded_s: float
    coverage: float
    segments: int
    gaps: list[GapInfo] = Field(default_factory=list)
    head: str = ""
    legal_hold: bool = False
    claims: int = 0
    risky_claims: int = 0


# evidence ----------------------------------------------------------------------------------
class ChainLink(_Frozen):
    """One entry of a stream's hash chain, enough to recompute it: h = link(prev, seq, t0, t1, kind, sha256)."""

    seq: int
    t0: float
    t1: float
    kind: Literal["segment", "gap", "chat", "chat_gap"]
    sha256: str  # the payload hash (segment bytes, a chat batch's object, or a gap's reason)
    chain: str


class EvidenceItem(_Frozen):
    """One moment in a bundle: the clip, the quote with word times, both clocks and the source segments."""

    stream_id: str
    claim: Claim | None = None
    quote: str
    words: list[Word] = Field(default_factory=list)
    t0: float  # the moment on the stream clock
    t1: float
    clip_t0: float  # the clip's span (the moment plus padding)
    clip_t1: float
    at: datetime  # wall clock of t0
    at_end: datetime  # wall clock of t1
    clock_source: str = "recorder"
    clip: str  # file name of the clip in the bundle
    segments: list[int] = Field(default_factory=list)  # seqs of the segments the clip was cut from
    comments: list[ChatEvent] = Field(
        default_factory=list
    )  # viewers' comments around the moment, in time order


class StreamChain(_Frozen):
    """A stream's metadata and its whole chain up to the head at the time the bundle was made."""

    stream: Stream
    genesis: str
    head: str
    links: list[ChainLink]


class EvidenceBundle(_Frozen):
    """The signed `manifest.json` of an evidence bundle ZIP."""

    version: int = 1
    bundle_id: str
    created_at: datetime
    merchant: str
    ticket_id: str | None = None
    items: list[EvidenceItem]
    streams: list[StreamChain]
    files: dict[str, str]  # file name in the ZIP → sha256 of its bytes (everything but the manifest/sig)
    signer: str  # fingerprint (sha256 of the raw Ed25519 public key)
    public_key: str  # raw Ed25519 public key, base64


class EvidenceSpan(_Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid")

    stream: str = Field(pattern=_ID)
    start: float = Field(ge=0, le=1e7)
    end: float = Field(ge=0, le=1e7)


class EvidenceRequest(_Frozen):
    """What to put in a bundle: claims by id and/or spans of streams."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    claims: list[str] = Field(default_factory=list, max_length=20)
    spans: list[EvidenceSpan] = Field(default_factory=list, max_length=20)
    pad: float = Field(default=2.0, ge=0, le=30)
    exact: bool = False


class EvidenceInfo(_Frozen):
    bundle_id: str
    url: str
    size: int
    sha256: str
    manifest: EvidenceBundle


class BundleCheck(_Frozen):
    """`onrecord verify bundle.zip`: what was checked and, for each failure, what failed."""

    bundle_id: str = ""
    ok: bool
    signer: str = ""
    items: int = 0
    checks: list[str] = Field(default_factory=list)
    failures: list[str] = Field(default_factory=list)


# tickets -----------------------------------------------------------------------------------
class Ticket(_Frozen):
    """A buyer's after-sales ticket as the ticket system sends it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1, max_length=5000)
    merchant: str | None = Field(default=None, max_length=128)
    product: str | None = Field(default=None, max_length=128)
    order_time: datetime
    stream: str | None = Field(default=None, pattern=_ID)


class ClaimInForce(_Frozen):
    claim: Claim
    score: float
    clip_url: str
    at: datetime | None = None


class TicketResult(_Frozen):
    ticket: Ticket
    merchant: str
    claims: list[ClaimInForce]
    bundle: EvidenceInfo | None = None
    webhook: str = "not configured"  # delivered | failed: ... | pending | not configured
    created_at: datetime


class StoredTicket(_Frozen):
    """A ticket already answered, as the accounts catalog keeps it: the hash of the request that
    made it (a repeat with other content is a conflict) and the answer given."""

    request_sha256: str
    result: TicketResult


# review ------------------------------------------------------------------------------------
class ReviewStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    ESCALATED = "escalated"


class ReviewRecord(_Frozen):
    """A claim's current review decision as stored (pending, with no reviewer, when none is)."""

    status: ReviewStatus = ReviewStatus.PENDING
    note: str = ""
    reviewer: str | None = None
    updated_at: datetime | None = None


class ReviewDecision(_Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["confirmed", "dismissed", "escalated"]
    note: str = Field(default="", max_length=2000)


class ReviewItem(_Frozen):
    claim: Claim
    status: ReviewStatus = ReviewStatus.PENDING
    note: str = ""
    reviewer: str | None = None
    updated_at: datetime | None = None
    clip_url: str = ""


class AuditEntry(_Frozen):
    id: int
    at: datetime
    actor: str  # API key id (or "cli")
    merchant: str
    action: str  # review.confirmed, key.created, ticket.created, evidence.created, ...
    target: str
    detail: dict[str, object] = Field(default_factory=dict)


@dataclass(frozen=True)
class Moment:
    """A span of a stream to put in evidence, with the claim it supports when there is one."""

    stream_id: str
    t0: float
    t1: float
    claim: Claim | None = None
