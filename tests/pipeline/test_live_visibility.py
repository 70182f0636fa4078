"""While a stream runs, another process (the API, `onrecord search`) finds its promises: the
session publishes index snapshots as it goes, not only when the stream ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import SearchFilters, Utterance
from pipeline.services import Services
from pipeline.session import SessionRunner, new_stream
from pipeline.settings import Settings

pytestmark = pytest.mark.slow


def test_an_utterance_is_searchable_from_another_index_instance_during_the_stream(tmp_path: Path) -> None:
    from index.hybrid import HybridIndex

    services = Services(Settings(data_dir=tmp_path, index_save_seconds=0.0))
    stream = new_stream("live1", source="rtmp://example/live", merchant="m")
    services.catalog.upsert_stream(stream)
    runner = SessionRunner(services, stream)
    utt = Utterance(id="live1:u000001000", stream_id="live1", t0=1.0, t1=4.0, text="下单后四十八小时内发货，全国包邮。")
    claims = runner.process_utterance(utt, services.extractor(learned=False))
    assert any(c.type.value == "shipping" for c in claims)
    other = HybridIndex(services.settings.index_dir, services.embedder)  # what a second process opens
    hits = other.search("多久发货", SearchFilters(stream="live1"), k=3)
    assert hits and hits[0].id == utt.id and hits[0].claim is not None
