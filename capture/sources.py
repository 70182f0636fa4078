"""Media sources: what kind a URL names and how to open it with PyAV, with network timeouts.

    rtmp:// rtmps://         RTMP (live)
    srt://                   SRT (live)
    http(s)://….m3u8         HLS (live unless its playlist has EXT-X-ENDLIST)
    http(s)://… (other)      HTTP-FLV or any progressive stream (live, unless the container
                             states a duration: then it is a file served over HTTP)
    a path or file://        a recorded file

A recording (a file, a file over HTTP, an HLS VOD) given to the recorder is recorded once at its
own pace and never looped (capture/recorder.py); `recorded_duration` tells it apart once opened.

PyAV errors are translated here, once: what waiting cannot fix (not media, no such file)
becomes InputError; what a reconnect may fix (refused, timed out, 404 on a stream that is
not live yet, dropped) becomes CaptureError.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlparse

import av
import av.error

from capture.segmenter import open_input
from models import CaptureError, InputError


class SourceKind(StrEnum):
    FILE = "file"
    RTMP = "rtmp"
    SRT = "srt"
    HLS = "hls"
    HTTP = "http"  # HTTP-FLV and other progressive streams


@dataclass(frozen=True)
class Source:
    url: str
    kind: SourceKind

    @property
    def live(self) -> bool:
        """A network source: stream time follows the recorder's clock and a drop is reconnected."""
        return self.kind is not SourceKind.FILE


def classify(url: str) -> Source:
    """The Source a URL names; InputError for a scheme OnRecord cannot record."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme in ("rtmp", "rtmps"):
        return Source(url, SourceKind.RTMP)
    if scheme == "srt":
        return Source(url, SourceKind.SRT)
    if scheme in ("http", "https"):
        kind = SourceKind.HLS if parsed.path.lower().endswith(".m3u8") else SourceKind.HTTP
        return Source(url, kind)
    if scheme == "file":
        return Source(parsed.path, SourceKind.FILE)
    if scheme == "" or (len(scheme) == 1 and Path(url).exists()):  # a bare path (or C:\ on Windows)
        return Source(url, SourceKind.FILE)
    raise InputError(f"{url}: unsupported source; expected rtmp://, srt://, http(s):// (HLS, FLV) or a file")


def open_source(
    source: Source, open_timeout_s: float = 10.0, read_timeout_s: float = 10.0
) -> av.container.InputContainer:
    """Open the source for demuxing.

    Raises InputError when the source answers but is not media (or a file is missing), and
    CaptureError when it cannot be reached, refuses, or times out (worth retrying).
    """
    if source.kind is SourceKind.FILE:
        return open_input(source.url)
    options = {"rw_timeout": str(int(read_timeout_s * 1_000_000))}
    if source.kind is SourceKind.HLS:
        options["http_persistent"] = "1"
    try:
        return av.open(source.url, options=options, timeout=(open_timeout_s, read_timeout_s))
    except av.error.InvalidDataError as exc:
        raise InputError(
            f"{source.url}: not a media stream (the server answered, but not with audio/video)"
        ) from exc
    except av.error.FFmpegError as exc:
        raise CaptureError(f"{source.url}: cannot connect: {_reason(exc)}") from exc
    except OSError as exc:
        raise CaptureError(f"{source.url}: cannot connect: {exc}") from exc


def recorded_duration(source: Source, container: av.container.InputContainer) -> float | None:
    """The duration (s) of a source that is a recording, not a live stream; None for a live one.

    A local file is a recording (0.0 where its container states no duration). Over HTTP, a live
    progressive stream (HTTP-FLV from a CDN, MPEG-TS) has no duration, while a file served over
    HTTP (mp4, mkv, a finished FLV) states one. RTMP and SRT are live whatever their metadata
    says (a publisher relaying a file sends the file's duration). HLS is decided by its playlist.
    """
    duration = container.duration / av.time_base if container.duration and container.duration > 0 else None
    if source.kind is SourceKind.FILE:
        return duration or 0.0
    if source.kind is SourceKind.HTTP:
        return duration
    return None


def _reason(exc: av.error.FFmpegError) -> str:
    if isinstance(exc, av.error.ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, av.error.PermissionError):
        return "the server refused the stream (not live?)"
    if isinstance(exc, av.error.HTTPNotFoundError):
        return "404 not found (not live yet?)"
    if isinstance(exc, av.error.ExitError | TimeoutError):
        return "timed out"
    return exc.strerror or str(exc)
