"""Cut a clip of any span from a stream's archive into an MP4.

Stream copy by default: the packets are remuxed in-process with PyAV (no process start, no temp
file), starting at the video keyframe at or before `start`, so the clip is a byte-faithful copy of
what was recorded. A frame-exact re-encode on request goes through ffmpeg (ffmpeg-python). Only the
segments overlapping the span are read.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import av
import ffmpeg

from capture.archive import load_manifest
from models import CaptureError, InputError, Manifest, Segment
from storage.objects import ObjectStore

_EPS = 1e-3


@dataclass(frozen=True)
class ClipCut:
    """A clip written to `path`; `start`/`end` are where it really starts and ends on the stream clock
    (a stream copy starts at the keyframe at or before the asked start)."""

    path: Path
    start: float
    end: float


def segments_for_span(manifest: Manifest, start: float, end: float) -> list[Segment]:
    """The segments overlapping [start, end); InputError if the span is empty, reversed or outside."""
    if not end > start:
        raise InputError(f"invalid span {start}–{end}: end must be after start")
    if start < 0 or start >= manifest.duration:
        raise InputError(f"span {start}–{end} is outside the recording (0–{manifest.duration:.1f}s)")
    return [s for s in manifest.segments if s.t1 > start and s.t0 < end]


def cut_clip(
    store: ObjectStore,
    stream_id: str,
    start: float,
    end: float,
    out: Path,
    *,
    reencode: bool = False,
    manifest: Manifest | None = None,
) -> ClipCut:
    """Write the clip [start, end) of a stream to `out` (MP4, fast-start so a browser plays it at once).

    `manifest` saves reloading it when the caller has it. Raises InputError for an unknown stream or
    a span that is empty, reversed, outside the recording or entirely in a gap; CaptureError when
    the media cannot be cut."""
    if manifest is None:
        manifest = load_manifest(store, stream_id)
        if manifest is None:
            raise InputError(f"unknown stream {stream_id!r}")
    segs = segments_for_span(manifest, start, end)
    end = min(end, manifest.duration)
    if not segs:
        raise InputError(f"span {start}–{end} falls entirely in a gap of stream {stream_id!r}")
    if reencode:
        _reencode(store, stream_id, segs, start, end, out)
        return ClipCut(out, start, end)
    try:
        real_start = _remux(store, segs, start, end, out)
    except (av.error.FFmpegError, ValueError) as exc:
        raise CaptureError(f"could not cut {stream_id} {start:.2f}–{end:.2f}: {exc}") from exc
    return ClipCut(out, real_start, end)


def _remux(store: ObjectStore, segs: list[Segment], start: float, end: float, out: Path) -> float:
    """Stream-copy the span into `out`; returns the clip's real start on the stream clock.

    Each segment's packet times are mapped onto the stream clock through the segment's own `t0`
    (segments start on a keyframe), so a gap between segments stays a gap in the clip's timeline."""
    with av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"}) as dst:
        outs: dict[str, av.stream.Stream] = {}
        kf_start: float | None = None
        base: float | None = None  # stream-clock time that becomes 0 in the clip
        last_dts: dict[str, int] = {}
        for seg in segs:
            with av.open(io.BytesIO(store.get(seg.path)), "r", format="mpegts") as src:
                packets = _timed_packets(src, seg)
                if kf_start is None:
                    kf_start = _keyframe_start(packets, start, seg.t0)
                    chosen = [(p, t, d) for p, t, d in packets if t >= kf_start - _EPS and t < end]
                    base = min((d for _, _, d in chosen), default=kf_start)
                else:
                    chosen = [(p, t, d) for p, t, d in packets if t < end]
                if not outs:  # every output stream must exist before the first packet is written
                    for template in src.streams.video[:1] + src.streams.audio[:1]:
                        outs[template.type] = dst.add_stream_from_template(template)
                        outs[template.type].time_base = template.time_base
                for packet, t, dts in chosen:
                    kind = packet.stream.type
                    if kind not in outs:
                        continue  # a stream that appeared mid-span cannot join the MP4
                    assert base is not None and packet.time_base is not None
                    pts, dts_ = round((t - base) / packet.time_base), round((dts - base) / packet.time_base)
                    if dts_ <= last_dts.get(kind, -1):
                        continue  # the same instant again across a segment boundary: keep the first
                    packet.pts, packet.dts, last_dts[kind] = pts, dts_, dts_
                    packet.stream = outs[kind]
                    dst.mux(packet)
        if not outs:
            raise ValueError("no audio or video packets in the span")
    return kf_start if kf_start is not None else start


def _timed_packets(src: av.container.InputContainer, seg: Segment) -> list[tuple[av.Packet, float, float]]:
    """The segment's first video and audio streams' packets, each with pts and dts on the stream clock.

    The segmenter cuts at a video keyframe (an audio packet when there is no video) and gives the
    segment that packet's time as `t0`, so that packet is the reference."""
    streams = src.streams.video[:1] + src.streams.audio[:1]
    timed = [
        (p, float(p.pts * p.time_base), float(p.dts * p.time_base))
        for p in src.demux(streams)
        if p.pts is not None and p.dts is not None and p.time_base is not None and p.size
    ]
    cutter = streams[0] if streams else None
    ref = next((t for p, t, _ in timed if p.stream is cutter and p.is_keyframe), None)
    if ref is None:
        ref = min((t for _, t, _ in timed), default=0.0)
    shift = seg.t0 - ref
    return [(p, t + shift, d + shift) for p, t, d in timed]


def _keyframe_start(packets: list[tuple[av.Packet, float, float]], start: float, fallback: float) -> float:
    """The last video keyframe at or before `start` (audio only: `start` itself)."""
    video = [t for p, t, _ in packets if p.stream.type == "video" and p.is_keyframe]
    if not video and not any(p.stream.type == "video" for p, _, _ in packets):
        return start
    before = [t for t in video if t <= start + _EPS]
    return max(before) if before else min(video, default=fallback)


def _reencode(
    store: ObjectStore, stream_id: str, segs: list[Segment], start: float, end: float, out: Path
) -> None:
    with tempfile.TemporaryDirectory(prefix="onrecord-clip-") as tmp:
        joined = Path(tmp) / "span.ts"
        with joined.open("wb") as fh:
            for seg in segs:  # MPEG-TS segments concatenate byte-wise into one valid stream
                fh.write(store.get(seg.path))
        offset = max(0.0, start - segs[0].t0)
        stream = ffmpeg.input(str(joined), ss=offset).output(
            str(out), t=end - start, movflags="+faststart", avoid_negative_ts="make_zero",
            vcodec="libx264", preset="veryfast", acodec="aac",
        )  # fmt: skip
        try:
            stream.overwrite_output().run(capture_stdout=True, capture_stderr=True)
        except ffmpeg.Error as exc:
            tail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()[-1:]
            raise CaptureError(f"ffmpeg could not cut {stream_id} {start}–{end}: {' '.join(tail)}") from exc
        except FileNotFoundError as exc:
            raise CaptureError("ffmpeg is not installed (apt-get install ffmpeg)") from exc
