"""HLS program date-time: segment wall-clock times come from the source's own clock."""

from __future__ import annotations

import subprocess
import threading
from datetime import UTC, datetime, timedelta

import pytest

from capture.archive import load_manifest
from capture.hls import parse_playlist
from capture.recorder import LiveRecorder, RecorderConfig
from capture.verify import verify_stream
from models import Stream, StreamStatus

SOURCE_START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)  # far from the recorder's clock on purpose


def _write_hls(root, media) -> list[datetime]:
    """HLS of `media` in 2 s segments with program date-times from SOURCE_START; returns the tags."""
    playlist = root / "live.m3u8"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(media), "-c", "copy", "-f", "hls", "-hls_time", "2"]
        + ["-hls_list_size", "0", "-hls_flags", "program_date_time", str(playlist)],
        check=True,
    )
    lines, tags, at = [], [], SOURCE_START
    for line in playlist.read_text().splitlines():
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME"):
            continue  # ffmpeg's tags use the generating machine's clock: write our own
        if line.startswith("#EXTINF"):
            tags.append(at)
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{at.isoformat(timespec='milliseconds')}")
            at += timedelta(seconds=float(line.split(":")[1].rstrip(",")))
        lines.append(line)
    playlist.write_text("\n".join(lines) + "\n")
    return tags


def test_segment_wall_clock_follows_program_date_time(local_store, http_dir, tone_video) -> None:
    root, base = http_dir
    tags = _write_hls(root, tone_video)
    assert len(tags) == 6
    rec = LiveRecorder(
        local_store,
        Stream(id="hls", started_at=datetime.now(UTC)),
        f"{base}/live.m3u8",
        RecorderConfig(segment_s=2.0),
    )
    for _ in rec.run(threading.Event()):
        pass
    manifest = load_manifest(local_store, "hls")
    assert manifest is not None and manifest.stream.status is StreamStatus.FINISHED
    segs = manifest.segments
    assert len(segs) == len(tags) and manifest.gaps == []
    for seg, tag in zip(segs, tags, strict=True):
        assert seg.clock_source == "source"
        assert seg.wall_clock is not None
        # within AAC priming: the first segment starts with audio 64 ms before the tagged keyframe
        assert abs((seg.wall_clock - tag).total_seconds()) < 0.1, (seg.seq, seg.wall_clock, tag)
    assert verify_stream(local_store, "hls").ok
    playlist = local_store.get("streams/hls/index.m3u8").decode()
    assert f"#EXT-X-PROGRAM-DATE-TIME:{tags[1].isoformat(timespec='milliseconds')}" in playlist


def test_without_program_date_time_the_recorder_clock_is_used(local_store, http_dir, tone_video) -> None:
    root, base = http_dir
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(tone_video), "-c", "copy", "-f", "hls", "-hls_time", "2"]
        + ["-hls_list_size", "0", str(root / "plain.m3u8")],
        check=True,
    )
    started = datetime.now(UTC)
    rec = LiveRecorder(
        local_store, Stream(id="p", started_at=started), f"{base}/plain.m3u8", RecorderConfig()
    )
    for _ in rec.run(threading.Event()):
        pass
    manifest = load_manifest(local_store, "p")
    assert manifest is not None and manifest.segments
    for seg in manifest.segments:
        assert seg.clock_source == "recorder"
        assert seg.wall_clock == manifest.stream.started_at + timedelta(seconds=seg.t0)


def test_playlist_parsing() -> None:
    master = parse_playlist(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlow/index.m3u8\n", "http://h/live/master.m3u8"
    )
    assert master.variants == ["http://h/live/low/index.m3u8"]
    media = parse_playlist(
        "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:41\n#EXT-X-PROGRAM-DATE-TIME:2024-05-01T20:00:00.500+0800\n"
        "#EXTINF:2.000,\nseg41.ts\n#EXTINF:2.000,\nseg42.ts\n#EXT-X-ENDLIST\n",
        "http://h/live/index.m3u8",
    )
    first, second = media.segments
    assert (first.sequence, first.uri, second.sequence) == (41, "http://h/live/seg41.ts", 42)
    assert first.program_date_time == datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)
    assert second.program_date_time is None and media.endlist
    with pytest.raises(Exception, match="not an HLS playlist"):
        parse_playlist("<html>", "http://h/x.m3u8")
