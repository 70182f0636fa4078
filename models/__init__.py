"""Domain types shared by every OnRecord stage (pydantic v2, frozen). No I/O here."""

from models.claims import Claim, ClaimType, Product, Risk, RiskRule, Severity
from models.errors import (
    CaptureError,
    CatalogError,
    ClaimsError,
    ConfigError,
    InputError,
    ModelAssetError,
    OnRecordError,
    SearchIndexError,
    StorageError,
    TranscriptionError,
    VerificationError,
)
from models.media import AudioChunk, Gap, Manifest, Segment, Stream, StreamStatus
from models.search import SearchFilters, SearchHit
from models.transcript import Correction, Utterance, Word

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
    "SearchIndexError",
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
