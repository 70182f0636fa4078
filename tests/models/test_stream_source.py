"""A stream's source never carries credentials or server paths into the catalog, the API or a bundle."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models import Stream
from models.media import redact_source

AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("rtmp://host:pw@10.0.0.1:1935/live/abc?token=XYZ&q=hd", "rtmp://***@10.0.0.1:1935/live/abc?token=***&q=hd"),
        ("http://pull.example/live/a.flv?wsSecret=9f&wsTime=6750", "http://pull.example/live/a.flv?wsSecret=***&wsTime=6750"),
        ("https://s3.local/b/x.m3u8?X-Amz-Signature=ab&X-Amz-Credential=k", "https://s3.local/b/x.m3u8?X-Amz-Signature=***&X-Amz-Credential=***"),
        ("/srv/onrecord/incoming/shop-a/2026-11-20.mp4", "2026-11-20.mp4"),
        ("file:///tmp/sample.mp4", "sample.mp4"),
        ("rtmp://127.0.0.1:1935/live/s1", "rtmp://127.0.0.1:1935/live/s1"),
        ("", ""),
    ],
)
def test_source_is_redacted(given: str, kept: str) -> None:
    assert redact_source(given) == kept
    stream = Stream(id="s", source=given, started_at=AT)
    assert stream.source == kept
    assert "pw" not in stream.model_dump_json() and "XYZ" not in stream.model_dump_json()
    assert Stream.model_validate_json(stream.model_dump_json()).source == kept  # redacting twice changes nothing
