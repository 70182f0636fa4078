"""The live pipeline end to end: the sample stream published over RTMP in real time, cut off for 5 s,
recorded, transcribed, extracted and indexed while on air. Claims spoken before and after the
gap are searchable at their times, and the recording holds exactly one gap of the outage's length.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from capture.reconnect import Backoff
from capture.recorder import RecorderConfig
from capture.verify import verify_stream
from models import SearchFilters, SearchHit
from pipeline.live import LiveResult, LiveSession
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services, load_products
from pipeline.session import new_stream
from pipeline.settings import Settings

from .conftest import manifest_of, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.services]
SAMPLES = Path(os.environ.get("ONRECORD_SAMPLE_DIR") or SAMPLE_DIR)
SAMPLE, TRUTH, PRODUCTS = (
    SAMPLES / n for n in ("sample_stream.mp4", "sample_stream.truth.json", "products.json")
)
OUTAGE_S = 5.0
PART_B_S = 22.0  # how much is recorded after the gap


def _cut_point(sentences: list[dict], near: float) -> float:
    """The middle of the pause between the sentences around `near` seconds."""
    ends = [
        (s["end"], n["start"]) for s, n in zip(sentences, sentences[1:], strict=False) if s["end"] <= near
    ]
    end, start = ends[-1]
    return round((end + start) / 2, 2)


def test_claims_before_and_after_a_gap_are_searchable_live(tmp_path, nginx_rtmp, publish) -> None:
    if not (SAMPLE.exists() and TRUTH.exists()):
        pytest.skip(
            "pipeline/sample/sample_stream.mp4 and its truth file are not built (scripts/make_sample_stream.py)"
        )
    sentences = json.loads(TRUTH.read_text(encoding="utf-8"))["sentences"]
    cut = _cut_point(sentences, 29.0)
    url = f"{nginx_rtmp}/pipeline"
    services = Services(Settings(data_dir=tmp_path, segment_seconds=2.0))
    config = RecorderConfig(segment_s=2.0, read_timeout_s=3.0, backoff=Backoff(0.2, 2.0, 0.5, 30.0))
    stream = new_stream("live", source=url, merchant="default")
    session = LiveSession(services, stream, url, load_products(PRODUCTS), config=config)
    services.transcriber(session.products).load()  # the model is loaded before the stream goes on air
    stop = threading.Event()
    outcome: list[LiveResult | BaseException] = []

    def run() -> None:
        try:
            outcome.append(session.record(stop))
        except BaseException as exc:
            outcome.append(exc)

    first = publish(SAMPLE, url, seconds=cut)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    first.proc.wait(timeout=cut + 30)
    off_air = time.monotonic()
    wait_for(
        lambda: (manifest_of(tmp_path / "store", "live") or {})["stream"]["status"] == "reconnecting",
        10,
        "drop",
    )
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - off_air)))  # the outage itself
    publish(SAMPLE, url, start=cut, seconds=PART_B_S + 15)
    wait_for(
        lambda: (
            (manifest_of(tmp_path / "store", "live") or {}).get("entries", [{}])[-1].get("t1", 0)
            >= cut + OUTAGE_S + PART_B_S
        ),
        PART_B_S + 30,
        "the second part to be recorded",
    )
    stop.set()  # while still on air: no trailing gap
    thread.join(timeout=90)
    assert outcome and isinstance(outcome[0], LiveResult), outcome
    result = outcome[0]

    report = verify_stream(services.store, "live")
    assert report.ok and len(report.gaps) == 1, report
    gap = report.gaps[0]
    assert OUTAGE_S - 1.0 <= gap.duration <= OUTAGE_S + 2.5
    g0, g1 = gap.t0, gap.t1
    assert result.utterances > 0 and result.asr_dropped_s == 0

    def expected(truth_t: float) -> float:  # source time → stream time, either side of the gap
        return truth_t - (cut - g0) if truth_t < cut else g1 + (truth_t - cut)

    before = [(s, c) for s in sentences if s["end"] < cut - 1 and s["start"] > cut - g0 for c in s["claims"]]
    after = [
        (s, c)
        for s in sentences
        if cut + 1 < s["start"] and s["end"] < cut + PART_B_S - 1
        for c in s["claims"]
    ]
    assert before and after, (cut, g0, g1)
    for side, items in (("before", before), ("after", after)):
        found = 0
        for sentence, claim in items:
            hits = services.index.search(claim["quote"], SearchFilters(stream="live"), k=5)
            span = (expected(sentence["start"]), expected(sentence["end"]))
            if any(
                _at(h, span) and (h.t1 <= g0 + 0.5 if side == "before" else h.t0 >= g1 - 0.5) for h in hits
            ):
                found += 1
        utts = [(round(u.t0, 1), round(u.t1, 1), u.text) for u in services.catalog.utterances("live")]
        assert found >= max(1, int(0.7 * len(items))), (side, found, len(items), g0, g1, utts)


def _at(hit: SearchHit, span: tuple[float, float], tol: float = 1.5) -> bool:
    """The hit's claim (or, without one, its utterance) lies within the spoken sentence's span ± tol."""
    t0, t1 = (hit.claim.t0, hit.claim.t1) if hit.claim is not None else (hit.t0, hit.t1)
    return t0 <= span[1] + tol and t1 >= span[0] - tol
