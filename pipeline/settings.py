"""OnRecord's one Settings object (env prefix ONRECORD_), read once by the composition root."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting has a default that works with no services: SQLite, a local folder, in-process."""

    model_config = SettingsConfigDict(env_prefix="ONRECORD_", extra="ignore")

    data_dir: Path = Path("onrecord-data")
    database_url: str | None = None  # default: SQLite in data_dir
    store_url: str | None = None  # default: file:// in data_dir; s3://bucket?endpoint=host:port
    broker_url: str | None = None  # unset = in-process workers
    whisper_model: str = "bundled"  # or any faster-whisper size name or model folder
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_threads: int = 2
    whisper_beam_size: int = 5
    # a live stream's windows are cut at the first pause after this much speech (plus however far
    # transcription is behind, so busy streams read longer, cheaper windows until they catch up):
    # shorter means promises searchable sooner, at more compute per hour
    live_min_speech_s: float = 4.0
    # live windows are encoded as their audio + 2 s, at least this long, not a padded 30 s: several
    # times cheaper on short windows; costs some accuracy on real speech (bench_asr). 0: off
    live_short_encoder_s: float = 10.0
    embed_model: str = "bundled"  # or any sentence-transformers name or folder
    retention_days: int = 180
    segment_seconds: float = 4.0
    # how often running streams publish their index snapshot (one save for all the streams of a
    # process; 45 ms and a 0.15-s reload in the API for 3,600 utterances)
    index_save_seconds: float = 3.0
    # a file ingest refreshes its lease (pid, host, heartbeat) this often; a lease not refreshed for
    # `ingest_stale_seconds` (or whose pid is gone on this host) is a dead ingest: the stream reads
    # `interrupted` and `onrecord ingest --resume` continues it
    ingest_heartbeat_seconds: float = 2.0
    ingest_stale_seconds: float = 30.0
    merchant: str = "default"
    public_url: str = ""  # prefix for clip URLs, e.g. https://onrecord.example.com
    webhook_url: str = ""  # where ticket results are POSTed (HMAC-signed); unset = no webhook
    # abuse bounds of the API, per API key, shared by all workers through the catalog database
    # (0 turns a limit off). Evidence bundles (POST /v1/evidence and tickets that make one) are kept
    # forever under legal hold; frame-exact re-encoding (exact clips and exact bundles) costs CPU.
    evidence_per_hour: float = 120.0  # bundles per key per hour, sustained
    evidence_burst: int = 20  # bundles a key may make at once before the hourly rate applies
    evidence_per_day: int = 1000  # bundles per key per UTC day
    reencode_s_per_hour: float = 3600.0  # seconds of media re-encoded per key per hour, sustained
    reencode_burst_s: float = 900.0
    reencode_s_per_day: float = 14400.0
    # one bundle's bounds, checked before any clip is cut: over them is a 400 (413 for the bytes)
    evidence_max_items: int = 20  # claims + spans
    evidence_max_span_s: float = 300.0  # one clip, padding included
    evidence_max_total_s: float = 900.0  # all clips of a bundle, padding included
    evidence_max_bytes: int = 128 << 20  # the ZIP, estimated from the segments it will hold
    # a request whose body has not fully arrived this many seconds after its headers gets a 408
    request_body_timeout_s: float = 30.0
    # a repeat of a ticket still being answered waits this long for the first answer, then gets a 409;
    # a claim on a ticket id older than ticket_claim_stale_s (its process died) may be taken over
    ticket_wait_s: float = 30.0
    ticket_claim_stale_s: float = 600.0
    # distributed mode (pipeline/distributed/app.py): longer than the longest acknowledged-late task
    # (one 28-s window on a slow CPU, one index batch); also how long a killed worker's task waits
    # before it is delivered again
    visibility_timeout_s: int = 600
    # how often the index worker looks for streams whose messages the broker lost
    # (pipeline/distributed/sweeper.py)
    sweep_s: float = 60.0

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'catalog.sqlite3').resolve()}"

    @property
    def resolved_store_url(self) -> str:
        return self.store_url or f"file://{(self.data_dir / 'store').resolve()}"
