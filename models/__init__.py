"""Domain types shared by every OnRecord stage (pydantic v2, frozen). No I/O here."""

from models.errors import (
    CaptureError,
    CatalogError,
    ClaimsError,
    ConfigError,
    IndexError_,
    InputError,
    ModelAssetError,
    OnRecordError,
    StorageError,
    TranscriptionError,
    VerificationError,
)
from models.media import AudioChunk, Gap, Manifest, Segment, Stream, StreamStatus
from models.claims import Claim, ClaimType, Product, Risk, RiskRule, Severity
from models.transcript import Correction, Utterance, Word
from models.search import SearchFilters, SearchHit

__all__ = [
    "AudioChunk",
    "CaptureError",
    "CatalogError",
    "Claim",
    "ClaimType",
    "ClaimsError",
    "ConfigError",
    "Correction",
    "Gap",
    "IndexError_",
    "InputError",
    "Manifest",
    "ModelAssetError",
    "OnRecordError",
    "Product",
    "Risk",
    "RiskRule",
    "SearchFilters",
    "SearchHit",
    "Segment",
    "Severity",
    "StorageError",
    "Stream",
    "StreamStatus",
    "TranscriptionError",
    "Utterance",
    "VerificationError",
    "Word",
]
