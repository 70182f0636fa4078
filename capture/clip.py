"""Cut a clip of any span from a stream's archive into an MP4.

Stream copy by default (fast; starts at the keyframe at or before `start`), or a frame-exact
re-encode on request. Only the segments overlapping the span are read.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import ffmpeg

from capture.archive import load_manifest
from models import CaptureError, InputError, Manifest, Segment
from storage.objects import ObjectStore


def segments_for_span(manifest: Manifest, start: float, end: float) -> list[Segment]:
    """The segments overlapping [start, end); InputError if the span is empty, reversed or outside."""
    if not end > start:
        raise InputError(f"invalid span {start}–{end}: end must be after start")
    if start < 0 or start >= manifest.duration:
        raise InputError(f"span {start}–{end} is outside the recording (0–{manifest.duration:.1f}s)")
    return [s for s in manifest.segments if s.t1 > start and s.t0 < end]


def cut_clip(
    store: ObjectStore, stream_id: str, start: float, end: float, out: Path, *, reencode: bool = False
) -> Path:
    """Write the clip [start, end) of a stream to `out` (MP4, fast-start so a browser plays it at once)."""
    manifest = load_manifest(store, stream_id)
    if manifest is None:
        raise InputError(f"unknown stream {stream_id!r}")
    segs = segments_for_span(manifest, start, end)
    end = min(end, manifest.duration)
    if not segs:
        raise InputError(f"span {start}–{end} falls entirely in a gap of stream {stream_id!r}")
    with tempfile.TemporaryDirectory(prefix="onrecord-clip-") as tmp:
        joined = Path(tmp) / "span.ts"
        with joined.open("wb") as fh:
            for seg in segs:  # MPEG-TS segments concatenate byte-wise into one valid stream
                fh.write(store.get(seg.path))
        offset = max(0.0, start - segs[0].t0)
        codec = {"vcodec": "libx264", "preset": "veryfast", "acodec": "aac"} if reencode else {"c": "copy"}
        stream = ffmpeg.input(str(joined), ss=offset).output(
            str(out), t=end - start, movflags="+faststart", avoid_negative_ts="make_zero", **codec
        )
        try:
            stream.overwrite_output().run(capture_stdout=True, capture_stderr=True)
        except ffmpeg.Error as exc:
            tail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()[-1:]
            raise CaptureError(f"ffmpeg could not cut {stream_id} {start}–{end}: {' '.join(tail)}") from exc
        except FileNotFoundError as exc:
            raise CaptureError("ffmpeg is not installed (apt-get install ffmpeg)") from exc
    return out

