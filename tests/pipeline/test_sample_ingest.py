"""The walking skeleton end to end on the bundled sample stream, with the real models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from evals.sample import score_claims
from models import SearchFilters
from pipeline import commands
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services
from pipeline.settings import Settings
from transcribe.protocol import transcribe_file

SAMPLES = SAMPLE_DIR
TOLERANCE = 1.5

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLES / "sample_stream.truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Services:
    services = Services(Settings(data_dir=tmp_path_factory.mktemp("onrecord")))
    commands.ingest(
        services,
        SAMPLES / "sample_stream.mp4",
        "sample",
        products_file=SAMPLES / "products.json",
        merchant="demo-shop",
    )
    return services


def _truth_claims(truth: dict) -> list[tuple[dict, dict]]:
    return [(s, c) for s in truth["sentences"] for c in s["claims"]]


RECALL_FLOOR = 0.85  # the exact count (43/43 on most CPUs) is kept by scripts/eval_sample.py


def test_ground_truth_promises_are_found_in_time(ingested: Services, truth: dict) -> None:
    """Every claim type of the ground truth is found in time (±1.5 s), most promises are, and few
    extracted claims match nothing.

    Whisper's int8 kernels round differently on different CPUs, so one accented TTS sentence may
    read differently from one machine to the next (a 2-core AMD EPYC hears 一盒十片 otherwise):
    this test asserts what holds on any machine; `scripts/eval_sample.py` reports the exact count."""
    report = score_claims(ingested.catalog.claims(stream_id="sample"), truth, TOLERANCE)
    assert all(t["found"] for t in report["per_type"].values() if t["truth"]), report["per_type"]
    assert report["recall"] >= RECALL_FLOOR, "\n".join(report["misses"])
    claims = ingested.catalog.claims(stream_id="sample")
    # the rules' own claims: few match nothing (the exact figures are scripts/eval_sample.py's)
    rules = score_claims([c for c in claims if c.method == "rule"], truth, TOLERANCE)
    assert sum(t["extra"] for t in rules["per_type"].values()) <= 0.15 * rules["extracted"], rules
    # with the classifier's lower-confidence claims (a second clause of a sentence whose type the
    # truth lists once, 家里有小宝宝的 as suitability): still mostly what the truth holds
    assert sum(t["extra"] for t in report["per_type"].values()) <= 0.25 * report["extracted"], report


def test_claims_carry_wall_clock_and_products(ingested: Services) -> None:
    found = ingested.catalog.claims(stream_id="sample")
    assert found and all(c.at is not None for c in found)
    assert sum(c.product is not None for c in found) >= len(found) // 2


def test_shipping_question_ranks_the_shipping_promise_first(ingested: Services, truth: dict) -> None:
    hits = commands.search(ingested, "多久发货", SearchFilters(stream="sample"), k=5)
    assert hits, "no hits"
    top = hits[0]
    # the host promised two delivery times (48 h; same day before 16:00): either answers the question
    spans = [
        (s["start"], s["end"])
        for s, c in _truth_claims(truth)
        if c["type"] == "shipping" and ({"within_hours", "same_day"} & set(c.get("value", {})))
    ]
    assert top["claim"] is not None and top["claim"]["type"] == "shipping", top
    assert any(top["t0"] >= a - TOLERANCE and top["t1"] <= b + TOLERANCE for a, b in spans), top
    assert top["clip"].startswith("/v1/streams/sample/clip?")


def test_clip_around_a_claim_contains_its_words(ingested: Services, tmp_path: Path) -> None:
    from capture.clip import cut_clip

    claim = next(c for c in ingested.catalog.claims(stream_id="sample", type_="shipping"))
    out = cut_clip(
        ingested.store, "sample", max(0.0, claim.t0 - 1.0), claim.t1 + 1.0, tmp_path / "c.mp4"
    ).path
    text = "".join(u.text for u in transcribe_file(ingested.transcriber(), out, stream_id="clip"))
    assert fuzz.partial_ratio(claim.quote, text) >= 80, (claim.quote, text)


def test_the_chain_of_the_ingested_stream_verifies(ingested: Services) -> None:
    from capture.verify import verify_stream

    report = verify_stream(ingested.store, "sample")
    assert report.ok and report.coverage > 0.99
