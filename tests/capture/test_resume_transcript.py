"""A recording continued after its recorder was killed transcribes what the killed run archived but
had not transcribed yet, before going live, instead of leaving a silent hole in the transcript
(issue 19). The archive is the real sample stream's first 25 s, cut by the segmenter as the killed
recorder cut it; its first two sentences are in the catalog (transcribed before the kill), the
next three are not. The bundled whisper model does the transcription.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import av
import pytest

from capture.archive import StreamArchive
from capture.segmenter import PyAVSegmenter, SegmentData
from models import Utterance
from pipeline.live import LiveSession
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services
from pipeline.session import new_stream
from pipeline.settings import Settings
from tests.conftest import make_media

pytestmark = pytest.mark.slow
SAMPLES = Path(os.environ.get("ONRECORD_SAMPLE_DIR") or SAMPLE_DIR)
SAMPLE, TRUTH = SAMPLES / "sample_stream.mp4", SAMPLES / "sample_stream.truth.json"


def _chars(text: str) -> set[str]:
    return {c for c in text if "\u4e00" <= c <= "\u9fff"}


def test_audio_archived_but_not_transcribed_before_a_kill_is_transcribed_on_restart(tmp_path) -> None:
    if not (SAMPLE.exists() and TRUTH.exists()):
        pytest.skip(
            "pipeline/sample/sample_stream.mp4 and its truth file are not built (scripts/make_sample_stream.py)"
        )
    sentences = json.loads(TRUTH.read_text(encoding="utf-8"))["sentences"]
    part = tmp_path / "part.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(SAMPLE), "-t", "25", "-c", "copy", str(part)], check=True
    )
    services = Services(Settings(data_dir=tmp_path, segment_seconds=2.0))
    stream = new_stream("resumed", source="rtmp://example/live", merchant="default")
    archive = StreamArchive.open(services.store, stream)
    with av.open(str(part)) as container:  # what the killed recorder archived
        for ev in PyAVSegmenter(stream.id, 2.0).run(container):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
    end = archive.end
    services.catalog.upsert_stream(stream)
    said = [
        Utterance(id=f"before-{i}", stream_id=stream.id, t0=s["start"], t1=s["end"], text=s["text"])
        for i, s in enumerate(sentences[:2])
    ]
    services.catalog.add_utterances(said)  # what it had transcribed before the kill

    tone = make_media(tmp_path / "after.mp4", 2.0)
    session = LiveSession(services, stream, str(tone))
    result = session.record(threading.Event())

    new = [u for u in services.catalog.utterances(stream.id) if not u.id.startswith("before-")]
    tail = [u for u in new if u.t1 <= end + 0.5]
    assert tail, [(u.t0, u.t1, u.text) for u in new]
    assert all(u.t0 >= said[-1].t1 - 0.5 for u in tail), [(u.t0, u.t1, u.text) for u in tail]
    expected = [s for s in sentences if s["start"] >= said[-1].t1 and s["end"] <= end]
    want = _chars("".join(s["text"] for s in expected))
    got = _chars("".join(u.text for u in tail))
    assert len(want & got) >= 0.6 * len(want), ([u.text for u in tail], [s["text"] for s in expected])
    assert result.untranscribed_s == 0 and result.resumed_s == pytest.approx(end - said[-1].t1, abs=0.1)
