"""Sources that cannot be recorded: each gives a clear error and a valid manifest with a final status."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime

import pytest

from capture.archive import load_manifest
from capture.reconnect import Backoff, connect_with_backoff
from capture.recorder import LiveRecorder, RecorderConfig
from capture.sources import SourceKind, classify
from capture.verify import verify_stream
from models import CaptureError, InputError, Stream, StreamStatus

from .conftest import free_port

FAST = RecorderConfig(
    segment_s=2.0, open_timeout_s=2.0, read_timeout_s=2.0, backoff=Backoff(0.1, 2.0, 0.3, 1.5)
)


def _record(store, url: str, sid: str = "s1") -> LiveRecorder:
    rec = LiveRecorder(store, Stream(id=sid, started_at=datetime.now(UTC)), url, FAST)
    for _ in rec.run(threading.Event()):
        pass
    return rec


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("rtmp://live.example.com/app/key", SourceKind.RTMP),
        ("https://cdn.example.com/live/index.m3u8?token=1", SourceKind.HLS),
        ("http://cdn.example.com/live/room.flv", SourceKind.HTTP),
        ("srt://1.2.3.4:9000", SourceKind.SRT),
        ("/data/recorded.mp4", SourceKind.FILE),
    ],
)
def test_urls_are_classified(url: str, kind: SourceKind) -> None:
    assert classify(url).kind is kind


def test_unsupported_scheme_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unsupported source"):
        classify("ftp://example.com/x.flv")


def test_backoff_is_bounded_and_stoppable() -> None:
    assert list(zip(range(6), Backoff(0.5, 2.0, 3.0).delays(), strict=False)) == [
        (0, 0.5),
        (1, 1.0),
        (2, 2.0),
        (3, 3.0),
        (4, 3.0),
        (5, 3.0),
    ]
    stop = threading.Event()
    calls: list[int] = []

    def failing() -> None:
        calls.append(1)
        if len(calls) == 3:
            stop.set()
        raise CaptureError("refused")

    result, attempts = connect_with_backoff(failing, Backoff(0.01, 2.0, 0.02, 60.0), stop)
    assert result is None and attempts.failures == 3 and attempts.last_error == "refused"


def test_unreachable_url_fails_clearly_with_a_valid_manifest(local_store) -> None:
    url = f"rtmp://127.0.0.1:{free_port()}/live/nobody"  # nothing listens there
    with pytest.raises(CaptureError, match=r"gave up after \d+ attempts.*connection refused"):
        _record(local_store, url)
    manifest = load_manifest(local_store, "s1")
    assert manifest is not None and manifest.stream.status is StreamStatus.FAILED
    assert "connection refused" in (manifest.stream.error or "") and manifest.entries == []
    assert verify_stream(local_store, "s1").ok


def test_a_url_that_is_not_media_is_an_input_error(local_store, http_dir) -> None:
    root, base = http_dir
    (root / "room.flv").write_text("<html><body>this live room has ended</body></html>" * 20)
    with pytest.raises(InputError, match="not a media stream"):
        _record(local_store, f"{base}/room.flv")
    manifest = load_manifest(local_store, "s1")
    assert manifest is not None and manifest.stream.status is StreamStatus.FAILED
    assert "not a media stream" in (manifest.stream.error or "")


def test_a_stream_without_audio_is_an_input_error(local_store, http_dir, silent_video) -> None:
    root, base = http_dir
    shutil.copy(silent_video, root / "video_only.mp4")
    with pytest.raises(InputError, match="no audio track"):
        _record(local_store, f"{base}/video_only.mp4")
    manifest = load_manifest(local_store, "s1")
    assert manifest is not None and manifest.stream.status is StreamStatus.FAILED
    assert "no audio track" in (manifest.stream.error or "") and verify_stream(local_store, "s1").ok


def test_a_file_source_is_recorded_whole(local_store, tone_video) -> None:
    rec = _record(local_store, str(tone_video))
    manifest = load_manifest(local_store, "s1")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    assert rec.segments == len(manifest.segments) >= 5 and manifest.gaps == []
    assert manifest.duration == pytest.approx(12.0, abs=0.2)
