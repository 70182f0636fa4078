"""Segmenting real media into the chained archive, verification, resume, and clips."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import av
import numpy as np
import pytest

from capture.archive import StreamArchive, load_manifest
from capture.clip import cut_clip
from capture.segmenter import PyAVSegmenter, SegmentData, open_input
from capture.verify import verify_stream
from models import AudioChunk, InputError, Stream

STARTED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _record(store, media, stream_id="s1", target=4.0):
    archive = StreamArchive.open(store, Stream(id=stream_id, started_at=STARTED))
    chunks = []
    with open_input(str(media)) as container:
        for ev in PyAVSegmenter(stream_id, target, t_offset=archive.end).run(container):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
            else:
                chunks.append(ev)
    archive.finish()
    return archive, chunks


def test_segments_are_keyframe_aligned_and_contiguous(local_store, tone_video) -> None:
    archive, chunks = _record(local_store, tone_video)
    segs = archive.manifest.segments
    assert len(segs) == 3  # 12 s at 4 s targets, keyframes every 2 s
    assert segs[0].t0 == 0.0 and abs(segs[-1].t1 - 12.0) < 0.2
    for a, b in zip(segs, segs[1:], strict=False):
        assert a.t1 == b.t0
    for seg in segs:  # every segment starts decodable: its first video packet is a keyframe
        path = local_store.local_path(seg.path)
        with av.open(str(path)) as c:
            first = next(p for p in c.demux(c.streams.video[0]) if p.size)
            assert first.is_keyframe
    audio_s = sum(len(c.samples) for c in chunks) / 16000
    assert abs(audio_s - 12.0) < 0.2 and all(isinstance(c, AudioChunk) for c in chunks)
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert abs(a.t1 - b.t0) < 1e-6  # audio is gapless on the stream clock


def test_live_audio_is_handed_on_every_second_not_per_segment(local_store, tone_video) -> None:
    _, per_segment = _record(local_store, tone_video, "per-seg")
    chunks = []
    with open_input(str(tone_video)) as container:
        for ev in PyAVSegmenter("per-sec", 4.0, audio_chunk_s=1.0).run(container):
            if isinstance(ev, AudioChunk):
                chunks.append(ev)
    assert len(chunks) >= 10 and all(c.t1 - c.t0 < 1.2 for c in chunks[:-1])
    for a, b in zip(chunks, chunks[1:], strict=False):  # gapless on the stream clock
        assert abs(a.t1 - b.t0) < 1e-6
    # the same audio, only cut finer
    assert np.array_equal(
        np.concatenate([c.samples for c in chunks]), np.concatenate([c.samples for c in per_segment])
    )


def test_chain_verifies_and_names_a_flipped_byte(local_store, tone_video) -> None:
    _record(local_store, tone_video)
    report = verify_stream(local_store, "s1")
    assert report.ok and report.segments == 3 and report.coverage == pytest.approx(1.0, abs=0.01)
    victim = local_store.local_path("streams/s1/segments/000001.ts")
    data = bytearray(victim.read_bytes())
    data[1000] ^= 0x01
    victim.write_bytes(bytes(data))
    report = verify_stream(local_store, "s1")
    assert not report.ok
    assert any("segment 000001" in f and "altered" in f for f in report.failures)
    assert not any("000000" in f or "000002" in f for f in report.failures)


def test_gap_is_part_of_the_chain(local_store, tone_video) -> None:
    archive, _ = _record(local_store, tone_video)
    archive.append_gap(archive.end, archive.end + 5.0, "source disconnected")
    _record(local_store, tone_video)  # the source came back: recording continues after the gap
    report = verify_stream(local_store, "s1")
    assert report.ok and report.gaps[0].duration == 5.0
    # `onrecord verify --json` and GET /v1/streams/{id}/verify serialise the typed gap as before
    for dumped in (report.model_dump(), report.model_dump(mode="json")):
        gap = dumped["gaps"][0]
        assert list(gap) == ["t0", "t1", "duration", "reason"] and gap["reason"] == "source disconnected"
    assert report.coverage == pytest.approx(24 / 29, abs=0.02)
    m = load_manifest(local_store, "s1").model_dump()
    m["entries"] = [e for e in m["entries"] if e["kind"] != "gap"]  # hide the gap: the chain must break
    m["head"] = m["entries"][-1]["chain"]
    local_store.put("streams/s1/manifest.json", __import__("json").dumps(m, default=str).encode())
    assert not verify_stream(local_store, "s1").ok


def test_a_failed_recording_marks_its_hole_and_status_in_the_chain(local_store, tone_video) -> None:
    archive, _ = _record(local_store, tone_video)
    end = archive.end
    assert archive.fail("disk full (No space left on device)", t=end + 3.0)
    m = load_manifest(local_store, "s1")
    assert m.stream.status == "failed" and "disk full" in (m.stream.error or "")
    assert m.gaps[-1].t0 == end and m.gaps[-1].t1 == end + 3.0 and "disk full" in m.gaps[-1].reason
    report = verify_stream(local_store, "s1")
    assert report.ok and report.gaps[-1].reason.startswith("recording failed")
    assert "#EXT-X-ENDLIST" in local_store.get("streams/s1/index.m3u8").decode()


def test_resume_continues_the_chain_without_overwriting(local_store, tone_video) -> None:
    _record(local_store, tone_video)
    before = {k: local_store.get(k) for k in local_store.list("streams/s1/segments/")}
    archive, _ = _record(local_store, tone_video)  # same stream again: appended after the end
    segs = archive.manifest.segments
    assert [s.seq for s in segs] == list(range(6))
    assert segs[3].t0 == pytest.approx(segs[2].t1)
    for key, data in before.items():
        assert local_store.get(key) == data
    assert verify_stream(local_store, "s1").ok


def test_playlist_lists_segments(local_store, tone_video) -> None:
    _record(local_store, tone_video)
    text = local_store.get("streams/s1/index.m3u8").decode()
    assert text.count("#EXTINF") == 3 and "#EXT-X-ENDLIST" in text and "#EXT-X-PROGRAM-DATE-TIME" in text


def test_no_audio_and_not_media_are_clear_errors(tmp_path, silent_video) -> None:
    with open_input(str(silent_video)) as c, pytest.raises(InputError, match="no audio track"):
        list(PyAVSegmenter("x").run(c))
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"this is not media" * 100)
    with pytest.raises(InputError, match="not a media file"):
        open_input(str(junk))
    with pytest.raises(InputError, match="no such file"):
        open_input(str(tmp_path / "missing.mp4"))


@pytest.mark.parametrize("reencode", [False, True])
def test_clip_covers_the_span(local_store, tone_video, tmp_path, reencode) -> None:
    _record(local_store, tone_video)
    out = cut_clip(local_store, "s1", 5.0, 8.0, tmp_path / "clip.mp4", reencode=reencode).path
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    dur = float(probe.stdout)
    assert 2.8 <= dur <= (3.2 if reencode else 5.2)  # stream copy may start at the keyframe before


def _probe(path) -> dict:
    import json

    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,duration,nb_frames", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {s["codec_type"]: s for s in json.loads(out.stdout)["streams"]}


def test_stream_copy_clip_starts_on_a_keyframe_and_decodes_cleanly(local_store, tone_video, tmp_path) -> None:
    archive, _ = _record(local_store, tone_video)
    cut = cut_clip(local_store, "s1", 5.3, 9.1, tmp_path / "clip.mp4", manifest=archive.manifest)
    assert cut.start == pytest.approx(4.0, abs=0.01)  # keyframes every 2 s (gop 30 at 15 fps)
    assert cut.end == pytest.approx(9.1)
    streams = _probe(cut.path)
    assert set(streams) == {"video", "audio"}
    for s in streams.values():  # the clip runs from the keyframe to the end asked for
        assert float(s["duration"]) == pytest.approx(cut.end - cut.start, abs=0.15)
    decode = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(cut.path), "-f", "null", "-"], capture_output=True
    )
    assert decode.returncode == 0 and not decode.stderr, decode.stderr[-500:]
    with av.open(str(cut.path)) as clip:  # the first frame is the keyframe's picture
        first = next(clip.decode(video=0))
        assert first.key_frame and first.time == pytest.approx(0.0, abs=0.01)


def test_clip_across_segments_keeps_every_frame(local_store, tone_video, tmp_path) -> None:
    archive, _ = _record(local_store, tone_video)
    cut = cut_clip(local_store, "s1", 0.0, 12.0, tmp_path / "all.mp4")
    assert int(_probe(cut.path)["video"]["nb_frames"]) == int(_probe(tone_video)["video"]["nb_frames"])


def test_clip_rejects_bad_spans(local_store, tone_video, tmp_path) -> None:
    _record(local_store, tone_video)
    with pytest.raises(InputError, match="end must be after start"):
        cut_clip(local_store, "s1", 5.0, 4.0, tmp_path / "x.mp4")
    with pytest.raises(InputError, match="outside the recording"):
        cut_clip(local_store, "s1", 50.0, 60.0, tmp_path / "x.mp4")
    with pytest.raises(InputError, match="unknown stream"):
        cut_clip(local_store, "nope", 1.0, 2.0, tmp_path / "x.mp4")
    with pytest.raises(InputError, match="invalid stream id"):
        cut_clip(local_store, "../etc", 1.0, 2.0, tmp_path / "x.mp4")
