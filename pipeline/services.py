"""The composition root: builds each stage from Settings, lazily, so a command pays only for what it uses."""

from __future__ import annotations

import json
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from models import InputError, Product
from pipeline.settings import Settings
from storage import ChatCatalog, DiskReserve
from storage.accounts import AccountsCatalog
from storage.catalog import Catalog
from storage.factory import make_store
from storage.objects import ObjectStore

__all__ = ["Services", "load_products"]

if TYPE_CHECKING:
    from collections.abc import Callable

    from claims.extractor import ClaimExtractor
    from desk.review import ReviewDesk
    from desk.tickets import Quotas, TicketDesk
    from desk.webhook import WebhookSender
    from evidence.builder import EvidenceBuilder
    from index.embedder import SentenceTransformerEmbedder
    from index.hybrid import HybridIndex
    from pipeline.archive_view import ArchiveView
    from transcribe.chunker import CutterOptions
    from transcribe.corrected import Corrected
    from transcribe.transcriber import DecodeOptions, FasterWhisperTranscriber


def load_products(path: Path | None) -> list[Product]:
    """Read a products file ``{"products": [{"id", "name", "aliases", "link"}]}``; InputError if malformed."""
    if path is None:
        return []
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        items = raw["products"] if isinstance(raw, dict) else raw
        return [Product.model_validate(p) for p in items]
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such products file") from exc
    except (json.JSONDecodeError, KeyError, TypeError, ValidationError) as exc:
        raise InputError(
            f'{path}: not a products file (expected {{"products": [{{"id", "name", '
            f'"aliases", "link"}}]}}): {exc}'
        ) from exc


class Services:
    """Holds the settings and builds the store, catalog, models and index on first use."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._lock = threading.Lock()
        self._shared_asr: FasterWhisperTranscriber | None = None

    @cached_property
    def store(self) -> ObjectStore:
        return make_store(self.settings.resolved_store_url)

    @cached_property
    def catalog(self) -> Catalog:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return Catalog(self.settings.resolved_database_url).load()

    @cached_property
    def accounts(self) -> AccountsCatalog:
        """API keys, bundles, tickets, reviews and the audit log, in the catalog's database."""
        return AccountsCatalog(self.catalog)

    @cached_property
    def archive(self) -> ArchiveView:
        """Cached read access to the store's streams (manifests, clips, chain checks, holds)."""
        from pipeline.archive_view import ArchiveView

        return ArchiveView(self.store, chat=self.chat.events)

    @cached_property
    def reserve(self) -> DiskReserve:
        """The data disk's ballast, released at a failed write so the failure itself can be recorded."""
        return DiskReserve(self.settings.data_dir / ".onrecord-reserve")

    @cached_property
    def chat(self) -> ChatCatalog:
        """The live chat's rows, in the catalog's database."""
        return ChatCatalog(self.catalog)

    def whisper_model_path(self) -> str:
        from transcribe.whisper_assets import ensure_whisper_model

        return ensure_whisper_model(self.settings.whisper_model, self.settings.models_dir)

    def embed_model_path(self) -> str:
        from index.e5_assets import ensure_e5_model

        return ensure_e5_model(self.settings.embed_model, self.settings.models_dir)

    def transcriber(
        self,
        products: list[Product] | None = None,
        *,
        live: bool = False,
        backlog: Callable[[], float] | None = None,
    ) -> Corrected:
        """A loaded speech engine, corrected for the commerce lexicon plus this stream's product
        names (the stage after the engine). `live` cuts windows sooner (live_min_speech_s), sooner
        still while `backlog()` (seconds of audio waiting) is small."""
        from transcribe.corrected import Corrected
        from transcribe.correction import DomainCorrector

        return Corrected(self.engine(live=live, backlog=backlog), DomainCorrector(products=products or []))

    def engine(self, *, live: bool = False, backlog: Callable[[], float] | None = None) -> FasterWhisperTranscriber:
        """A loaded speech engine, uncorrected. All the engines of one Services share one model."""
        from transcribe.chunker import CutterOptions
        from transcribe.transcriber import DecodeOptions

        s = self.settings
        cutter = CutterOptions(min_speech_s=s.live_min_speech_s) if live else None
        decode = DecodeOptions(short_encoder_s=s.live_short_encoder_s or None) if live else None
        made = self._new_engine(cutter, decode, backlog)
        with self._lock:
            if self._shared_asr is None:
                self._shared_asr = made
                made.load()
                return made
        return made.share_model(self._shared_asr)

    def _new_engine(
        self, cutter: CutterOptions | None, decode: DecodeOptions | None, backlog: Callable[[], float] | None
    ) -> FasterWhisperTranscriber:
        """The speech engine: another engine (a FunASR/SenseVoice class, a GPU server's client)
        is built here instead, from the same settings."""
        from transcribe.transcriber import FasterWhisperTranscriber

        s = self.settings
        return FasterWhisperTranscriber(
            self.whisper_model_path(),
            device=s.whisper_device,
            compute_type=s.whisper_compute_type,
            cpu_threads=s.whisper_threads,
            beam_size=s.whisper_beam_size,
            decode=decode,
            cutter=cutter,
            backlog=backlog,
        )

    @cached_property
    def embedder(self) -> SentenceTransformerEmbedder:
        from index.embedder import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(self.embed_model_path())

    def extractor(self, products: list[Product] | None = None, learned: bool = True) -> ClaimExtractor:
        """Rules plus the learned classifier (its e5 view through the index's embedder), or rules alone."""
        from claims.extractor import ClaimExtractor

        return ClaimExtractor(products=products or [], embedder=self.embedder if learned else None, learned=learned)

    @cached_property
    def index(self) -> HybridIndex:
        from index.hybrid import HybridIndex

        return HybridIndex(self.settings.index_dir, self.embedder)

    def clip_url(self, stream_id: str, t0: float, t1: float, pad: float = 2.0) -> str:
        start, end = max(0.0, t0 - pad), t1 + pad
        return f"{self.settings.public_url}/v1/streams/{stream_id}/clip?start={start:.2f}&end={end:.2f}"

    @property
    def keys_dir(self) -> Path:
        """The deployment's secrets: the evidence signing key and the webhook secret."""
        return self.settings.data_dir / "keys"

    @cached_property
    def evidence(self) -> EvidenceBuilder:
        """The bundle builder, signing with the deployment's key, within Settings.evidence_max_*."""
        from evidence.builder import EvidenceBuilder, EvidenceLimits
        from evidence.signer import Ed25519Signer

        s = self.settings
        limits = EvidenceLimits(
            s.evidence_max_items, s.evidence_max_span_s, s.evidence_max_total_s, s.evidence_max_bytes
        )
        return EvidenceBuilder(self.store, self.catalog, Ed25519Signer(self.keys_dir), limits)

    def tickets(self, quotas: Quotas | None = None) -> TicketDesk:
        """The ticket desk over this deployment's evidence; `quotas` None: no per-key allowance (the CLI)."""
        from desk.tickets import TicketDesk

        s = self.settings
        return TicketDesk(
            self.catalog,
            self.accounts,
            self.evidence,
            self.clip_url,
            quotas=quotas,
            wait_s=s.ticket_wait_s,
            stale_s=s.ticket_claim_stale_s,
        )

    def review(self) -> ReviewDesk:
        from desk.review import ReviewDesk

        return ReviewDesk(self.catalog, self.accounts, self.clip_url)

    def webhook(self, url: str) -> WebhookSender | None:
        """The sender of ticket results to `url`, signed with the deployment's secret; None without a url."""
        from desk.webhook import WebhookSender

        return WebhookSender(url, self.keys_dir / "webhook.secret") if url else None
