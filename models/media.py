"""Streams, segments, gaps and the manifest that ties them into a hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.chat import ChatBatch, ChatGap


class StreamStatus(StrEnum):
    RECORDING = "recording"
    RECONNECTING = "reconnecting"
    FINISHED = "finished"
    FAILED = "failed"  # ended by an error (a write that failed, a source that never came): see `error`
    INTERRUPTED = "interrupted"  # the process recording or ingesting it died; `error` says what is known


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


# Query parameters that carry a secret in pull URLs (CDN auth keys, signed-URL parts, tokens).
_SECRET_PARAMS = (
    "token",
    "auth",
    "key",
    "secret",
    "sign",
    "sig",
    "pass",
    "pwd",
    "credential",
    "session",
    "cookie",
)


def redact_source(source: str) -> str:
    """A source as it may be shown to every agent and put into every bundle: a URL without its user:password and
    with secret query values as `***`; a local file as its name only (the server's paths stay on the server)."""
    parts = urlsplit(source)
    if parts.scheme in ("", "file") or len(parts.scheme) == 1:  # a path (or a Windows drive letter)
        return PurePosixPath(parts.path.replace("\\", "/")).name if source else ""
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if "@" in parts.netloc:
        netloc = "***@" + netloc
    query = [
        (k, "***" if any(word in k.lower() for word in _SECRET_PARAMS) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*/:"), ""))


class Stream(_Frozen):
    id: str
    merchant: str = "default"
    title: str = ""
    source: str = ""  # always redacted (`redact_source`): the recorder connects with the URL it was given
    started_at: datetime
    status: StreamStatus = StreamStatus.RECORDING
    error: str | None = None

    @field_validator("source")
    @classmethod
    def _redacted(cls, value: str) -> str:
        return redact_source(value)


class Segment(_Frozen):
    """A keyframe-aligned MPEG-TS piece of the recording covering [t0, t1) on the stream clock."""

    kind: Literal["segment"] = "segment"
    seq: int
    t0: float
    t1: float
    path: str  # key in the object store
    size: int
    sha256: str  # of the payload
    chain: str  # h_i of the hash chain
    wall_clock: datetime | None = None
    clock_source: Literal["source", "recorder"] = "recorder"


class Gap(_Frozen):
    """An explicit hole in the recording, with the reason it happened."""

    kind: Literal["gap"] = "gap"
    seq: int
    t0: float
    t1: float
    reason: str
    chain: str


class Manifest(_Frozen):
    """streams/{id}/manifest.json: stream metadata, the chained entries and the chain head."""

    version: int = 1
    stream: Stream
    entries: list[Segment | Gap] = Field(default_factory=list)
    # live chat on the same chain (seq numbers interleave with `entries`'); kept apart so that
    # `entries` stays the media timeline (contiguous segments and gaps)
    chat: list[ChatBatch | ChatGap] = Field(default_factory=list)
    head: str = ""

    @property
    def segments(self) -> list[Segment]:
        return [e for e in self.entries if isinstance(e, Segment)]

    @property
    def gaps(self) -> list[Gap]:
        return [e for e in self.entries if isinstance(e, Gap)]

    @property
    def chain_entries(self) -> list[Segment | Gap | ChatBatch | ChatGap]:
        """Every entry of the hash chain, media and chat, in chain (seq) order."""
        return sorted([*self.entries, *self.chat], key=lambda e: e.seq)

    @property
    def duration(self) -> float:
        return self.entries[-1].t1 if self.entries else 0.0


class GapInfo(_Frozen):
    """A gap as reports show it: its span on the stream clock, its length and why it happened."""

    t0: float
    t1: float
    duration: float
    reason: str

    @classmethod
    def of(cls, gap: Gap) -> GapInfo:
        return cls(t0=gap.t0, t1=gap.t1, duration=round(gap.t1 - gap.t0, 3), reason=gap.reason)


class VerifyReport(_Frozen):
    """The result of checking a stream's archive: the chain link by link, every segment's bytes, gaps
    and coverage (recorded seconds / wall-clock span). `failures` name the entry that failed."""

    stream: str
    ok: bool
    segments: int
    gaps: list[GapInfo] = Field(default_factory=list)
    recorded_s: float
    span_s: float
    coverage: float
    head: str
    failures: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class AudioChunk:
    """16 kHz mono float32 audio starting at t0 seconds on the stream clock (in-process only)."""

    stream_id: str
    t0: float
    samples: np.ndarray
    sample_rate: int = 16000

    @property
    def t1(self) -> float:
        return self.t0 + len(self.samples) / self.sample_rate
