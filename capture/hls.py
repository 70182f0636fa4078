"""HLS playlists and the source's own clock (EXT-X-PROGRAM-DATE-TIME), which PyAV does not expose.

`SourceClock.probe_hls(url)` reads the playlist (following a master playlist to its first
variant), takes the first segment that carries a program date-time, and reads that segment's
first timestamp with PyAV. That anchors the source's timestamps to its wall clock:

    wall(pts) = program_date_time(anchor segment) + (pts − first pts of the anchor segment)

PyAV's HLS demuxer passes the segments' MPEG-TS timestamps through, so the same mapping
applies to every packet the recorder reads from that connection.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import av
import av.error
import httpx

from models import CaptureError


@dataclass(frozen=True)
class HlsSegment:
    uri: str  # absolute
    duration: float
    sequence: int
    program_date_time: datetime | None = None


@dataclass(frozen=True)
class HlsPlaylist:
    segments: list[HlsSegment] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)  # absolute URIs of a master playlist
    endlist: bool = False


def parse_playlist(text: str, base_url: str) -> HlsPlaylist:
    """Parse a master or media playlist; URIs are resolved against `base_url`."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines or lines[0] != "#EXTM3U":
        raise CaptureError(f"{base_url}: not an HLS playlist (no #EXTM3U header)")
    segments: list[HlsSegment] = []
    variants: list[str] = []
    seq, duration, pdt, endlist, in_variant = 0, 0.0, None, False, False
    for line in lines[1:]:
        tag, _, value = line.partition(":")
        if tag == "#EXT-X-MEDIA-SEQUENCE":
            seq = int(value)
        elif tag == "#EXTINF":
            duration = float(value.split(",", 1)[0])
        elif tag == "#EXT-X-PROGRAM-DATE-TIME":
            pdt = _parse_time(value)
        elif tag == "#EXT-X-STREAM-INF":
            in_variant = True
        elif tag == "#EXT-X-ENDLIST":
            endlist = True
        elif not line.startswith("#"):
            uri = urljoin(base_url, line)
            if in_variant:
                variants.append(uri)
                in_variant = False
            else:
                segments.append(HlsSegment(uri, duration, seq, pdt))
                seq, pdt = seq + 1, None
    return HlsPlaylist(segments, variants, endlist)


def _parse_time(value: str) -> datetime:
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # +0800 → +08:00 (ffmpeg writes this)
        text = f"{text[:-2]}:{text[-2:]}"
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def fetch_playlist(url: str, timeout_s: float = 10.0) -> tuple[HlsPlaylist, str]:
    """Fetch a media playlist (following a master to its first variant); returns it and its URL."""
    for _ in range(3):  # master → media; more levels do not exist in HLS
        text = _get(url, timeout_s).decode("utf-8", errors="replace")
        playlist = parse_playlist(text, url)
        if not playlist.variants:
            return playlist, url
        url = playlist.variants[0]
    raise CaptureError(f"{url}: master playlists nested too deeply")


def _get(url: str, timeout_s: float) -> bytes:
    try:
        resp = httpx.get(url, timeout=timeout_s, follow_redirects=True)
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        raise CaptureError(f"{url}: cannot fetch: {exc}") from exc
    return resp.content


@dataclass(frozen=True)
class SourceClock:
    """Maps the source's timestamps (seconds) to its wall clock."""

    anchor_pts: float
    anchor_wall: datetime

    def wall(self, pts: float) -> datetime:
        return self.anchor_wall + timedelta(seconds=pts - self.anchor_pts)

    @classmethod
    def probe_hls(cls, url: str, timeout_s: float = 10.0) -> tuple[SourceClock | None, bool]:
        """The clock of an HLS source (None if its playlist has no program date-time) and
        whether the playlist is complete (EXT-X-ENDLIST). Raises CaptureError if unreachable."""
        playlist, _ = fetch_playlist(url, timeout_s)
        anchor = next((s for s in playlist.segments if s.program_date_time is not None), None)
        if anchor is None or anchor.program_date_time is None:
            return None, playlist.endlist
        return cls(
            _first_timestamp(anchor.uri, _get(anchor.uri, timeout_s)), anchor.program_date_time
        ), playlist.endlist


def _first_timestamp(uri: str, data: bytes) -> float:
    """The segment's first video keyframe time (segments start at one; audio may lead by its priming),
    or its first audio time when there is no video."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            streams = container.streams.video or container.streams.audio
            for packet in container.demux(streams[0]):
                if packet.pts is not None and (packet.is_keyframe or not container.streams.video):
                    return float(packet.pts * packet.time_base)
    except (av.error.FFmpegError, IndexError) as exc:
        raise CaptureError(f"{uri}: cannot read the segment's first timestamp: {exc}") from exc
    raise CaptureError(f"{uri}: the segment has no timestamped media")
