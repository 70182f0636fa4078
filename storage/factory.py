"""`make_store(url)`: the one place that picks an object store implementation from a URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from models import ConfigError
from storage.objects import LocalStore, ObjectStore
from storage.s3 import S3Store


def make_store(url: str) -> ObjectStore:
    """Build the store a URL names: ``file:///path`` (or a bare path) or ``s3://bucket?endpoint=h:p``.
    Raises ConfigError for any other scheme."""
    parsed = urlparse(url)
    if parsed.scheme in ("", "file"):
        return LocalStore(Path(parsed.path if parsed.scheme else url))
    if parsed.scheme == "s3":
        return S3Store.from_url(url)
    raise ConfigError(f"unsupported store URL {url!r}: expected file:// or s3://")
