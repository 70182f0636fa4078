"""Nothing invented: a recording served as a "live" URL is recorded once at its own pace, and a
reconnect that lands in media already recorded does not archive it twice (issue 19).

Real local servers: python's http.server threads serving an mp4, an HLS VOD, a TS file, and an HLS
live playlist that slides in real time and goes away (404) for a moment while the recorder reads it.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import av
import pytest

from capture.archive import load_manifest
from capture.reconnect import Backoff
from capture.recorder import LiveRecorder, RecorderConfig
from capture.verify import verify_stream
from models import Manifest, Segment, Stream, StreamStatus
from storage.objects import LocalStore
from tests.conftest import make_media

from .conftest import wait_for

FAST = RecorderConfig(
    segment_s=2.0, open_timeout_s=3.0, read_timeout_s=3.0, backoff=Backoff(0.2, 2.0, 0.5, 4.0)
)


@pytest.fixture(scope="module")
def short_tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s of test pattern + tone, a keyframe every second."""
    return make_media(tmp_path_factory.mktemp("media") / "tone4.mp4", 4.0, gop=15)


def _video_pts(store: LocalStore, manifest: Manifest) -> list[int]:
    """Every video packet's source timestamp in the archived segments, in archive order."""
    pts: list[int] = []
    for seg in manifest.segments:
        with av.open(str(store.local_path(seg.path))) as c:
            pts += [p.pts for p in c.demux(c.streams.video[0]) if p.pts is not None]
    return pts


def _record(
    store: LocalStore, url: str, sid: str, limit_s: float
) -> tuple[LiveRecorder, dict[int, datetime]]:
    """Record `url` until it ends by itself or `limit_s` passes; returns when each segment arrived."""
    arrived: dict[int, datetime] = {}

    def on_segment(seg: Segment) -> None:
        arrived[seg.seq] = datetime.now(UTC)

    rec = LiveRecorder(store, Stream(id=sid, started_at=datetime.now(UTC)), url, FAST, on_segment=on_segment)
    for _ in rec.run(threading.Event(), duration_s=limit_s):
        pass
    return rec, arrived


@pytest.mark.parametrize("kind", ["mp4", "hls_vod"])
def test_a_recording_over_http_is_recorded_once_at_its_own_pace(
    local_store, http_dir, short_tone, kind: str
) -> None:
    root, base = http_dir
    if kind == "mp4":  # moov first, as a file meant for the web is (http.server cannot seek)
        subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(short_tone), "-c", "copy", "-movflags", "+faststart"]
            + [str(root / "sample_stream.mp4")],
            check=True,
        )
        url = f"{base}/sample_stream.mp4"
    else:  # EXT-X-ENDLIST: a finished recording
        subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(short_tone), "-c", "copy", "-f", "hls", "-hls_time", "1"]
            + ["-hls_list_size", "0", str(root / "vod.m3u8")],
            check=True,
        )
        url = f"{base}/vod.m3u8"
    rec, arrived = _record(local_store, url, "vod", limit_s=20.0)

    manifest = load_manifest(local_store, "vod")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    assert manifest.gaps == [] and manifest.duration == pytest.approx(4.0, abs=0.3), manifest.entries
    pts = _video_pts(local_store, manifest)
    assert len(pts) == len(set(pts)) == 60  # every frame once: not looped
    for seg in manifest.segments:  # no second is dated after the moment it was received
        assert seg.clock_source == "recorder" and seg.wall_clock is not None
        said_until = seg.wall_clock.timestamp() + (seg.t1 - seg.t0)
        assert said_until <= arrived[seg.seq].timestamp() + 0.3, (seg.seq, seg.t0, seg.t1)
    assert verify_stream(local_store, "vod").ok


def test_a_file_the_server_sends_again_is_not_archived_twice(local_store, http_dir, short_tone) -> None:
    """MPEG-TS over HTTP states no duration, so it is taken as live; reconnecting at its end gets the
    same timestamps and bytes again: dropped, and the recorder gives up on a source that only repeats."""
    root, base = http_dir
    subprocess.run(  # with B-frames, as most encoders send: pts goes back within a track
        ["ffmpeg", "-v", "error", "-i", str(short_tone), "-c:v", "libx264", "-preset", "fast", "-bf", "2"]
        + ["-g", "15", "-c:a", "copy", "-f", "mpegts", str(root / "room.ts")],
        check=True,
    )
    rec, _ = _record(local_store, f"{base}/room.ts", "loop", limit_s=30.0)
    manifest = load_manifest(local_store, "loop")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    assert "only repeats" in (manifest.stream.error or ""), manifest.stream.error
    pts = _video_pts(local_store, manifest)
    assert len(pts) == len(set(pts)) == 60
    assert manifest.duration == pytest.approx(4.0, abs=0.3) and verify_stream(local_store, "loop").ok


class _LivePlaylist:
    """A live HLS playlist over pre-cut 1-s segments: a 5-segment window that slides with real time
    while `up`, frozen and answering 404 while not (the CDN keeps the window; the player drops)."""

    def __init__(self, root: Path, count: int) -> None:
        self.root, self.count = root, count
        self.up = True
        self._on_air_s, self._since = 0.0, time.monotonic()
        self.lock = threading.Lock()

    def set_up(self, up: bool) -> None:
        with self.lock:
            now = time.monotonic()
            if self.up:
                self._on_air_s += now - self._since
            self.up, self._since = up, now

    def text(self) -> str | None:
        with self.lock:
            if not self.up:
                return None
            head = min(self.count, 5 + int(self._on_air_s + time.monotonic() - self._since))
        first = max(0, head - 5)
        lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:1", f"#EXT-X-MEDIA-SEQUENCE:{first}"]
        for n in range(first, head):
            lines += ["#EXTINF:1.000,", f"seg{n:03d}.ts"]
        return "\n".join(lines) + "\n"


@pytest.fixture
def live_hls(tmp_path: Path) -> Iterator[tuple[_LivePlaylist, str]]:
    root = tmp_path / "hls"
    root.mkdir()
    media = make_media(tmp_path / "tone30.mp4", 30.0, gop=15)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(media), "-c", "copy", "-f", "hls", "-hls_time", "1"]
        + ["-hls_list_size", "0", "-hls_segment_filename", str(root / "seg%03d.ts"), str(root / "all.m3u8")],
        check=True,
    )
    playlist = _LivePlaylist(root, len(list(root.glob("seg*.ts"))))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if not self.path.startswith("/live.m3u8"):
                return super().do_GET()
            text = playlist.text()
            if text is None:
                self.send_error(404)
                return
            body = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.apple.mpegurl")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield playlist, f"http://127.0.0.1:{server.server_address[1]}/live.m3u8"
    server.shutdown()
    thread.join()


def test_a_reconnect_into_the_live_window_does_not_archive_it_twice(local_store, live_hls) -> None:
    playlist, url = live_hls
    rec = LiveRecorder(local_store, Stream(id="win", started_at=datetime.now(UTC)), url, FAST)
    stop = threading.Event()
    thread = threading.Thread(target=lambda: list(rec.run(stop)), daemon=True)
    thread.start()
    try:
        wait_for(lambda: rec.segments >= 2, 20, "two segments")
        playlist.set_up(False)
        wait_for(
            lambda: (
                rec.archive is not None and rec.archive.manifest.stream.status is StreamStatus.RECONNECTING
            ),
            20,
            "the recorder to lose the playlist",
        )
        end_at_drop = rec.archive.end if rec.archive else 0.0
        playlist.set_up(True)  # the window still holds the last seconds already recorded
        wait_for(lambda: rec.archive is not None and rec.archive.end >= end_at_drop + 4, 20, "new seconds")
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()

    manifest = load_manifest(local_store, "win")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    pts = _video_pts(local_store, manifest)
    assert len(pts) == len(set(pts)), "a frame was archived twice"
    steps = {b - a for a, b in zip(pts, pts[1:], strict=False)}
    assert steps == {6000}, steps  # 1/15 s at 90 kHz: each frame once, in order, none skipped
    assert manifest.gaps == [] and verify_stream(local_store, "win").ok
    assert rec.guard.dropped > 0  # the reconnect did land in recorded media


def test_a_restarted_recorder_does_not_archive_the_window_again(local_store, live_hls) -> None:
    """Started again on the same stream (after a crash), the recorder reads back the archive's last
    segments: the HLS window re-serves them, and they are recognised, not appended a second time."""
    playlist, url = live_hls
    first = LiveRecorder(local_store, Stream(id="again", started_at=datetime.now(UTC)), url, FAST)
    stop = threading.Event()
    thread = threading.Thread(target=lambda: list(first.run(stop)), daemon=True)
    thread.start()
    wait_for(lambda: first.segments >= 2, 20, "two segments")
    stop.set()
    thread.join(timeout=20)
    end_before = first.archive.end if first.archive else 0.0

    second = LiveRecorder(local_store, Stream(id="again", started_at=datetime.now(UTC)), url, FAST)
    stop = threading.Event()
    thread = threading.Thread(target=lambda: list(second.run(stop)), daemon=True)
    thread.start()
    try:
        wait_for(
            lambda: second.archive is not None and second.archive.end >= end_before + 4, 20, "new seconds"
        )
    finally:
        stop.set()
        thread.join(timeout=20)
    manifest = load_manifest(local_store, "again")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    pts = _video_pts(local_store, manifest)
    assert len(pts) == len(set(pts)), "a frame was archived twice"
    assert {b - a for a, b in zip(pts, pts[1:], strict=False)} == {6000}  # and none skipped
    assert verify_stream(local_store, "again").ok and second.guard.dropped > 0
