"""Query embedding for the API: concurrent questions share model calls, and answers stay per query."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from pipeline.search_view import QueryBatcher


def _encode_slowly(calls: list[int]):
    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        time.sleep(0.05)  # a model call: the other threads' queries queue up meanwhile
        return np.array([[len(t), sum(map(ord, t)) % 997] for t in texts], dtype=np.float32)

    return encode


def test_concurrent_queries_are_batched_and_each_gets_its_own_vector() -> None:
    calls: list[int] = []
    batcher = QueryBatcher(_encode_slowly(calls), max_batch=8)
    texts = [f"问题{i}" * (i % 3 + 1) for i in range(24)]
    with ThreadPoolExecutor(12) as pool:
        got = list(pool.map(lambda t: batcher([t])[0], texts))
    for text, vector in zip(texts, got, strict=True):
        assert vector.tolist() == [len(text), sum(map(ord, text)) % 997]
    assert sum(calls) == 24 and len(calls) < 24 and max(calls) <= 8


def test_a_failing_model_call_fails_only_its_requests() -> None:
    state = {"fail": True}

    def encode(texts: list[str]) -> np.ndarray:
        if state["fail"]:
            state["fail"] = False
            raise RuntimeError("model exploded")
        return np.ones((len(texts), 2), dtype=np.float32)

    batcher = QueryBatcher(encode)
    with pytest.raises(RuntimeError, match="exploded"):
        batcher(["a"])
    assert batcher._thread is not None and batcher._thread.is_alive()  # the embedding thread lives on
    assert batcher(["b", "c"]).shape == (2, 2)


@pytest.mark.slow
def test_a_new_snapshot_is_served_after_it_is_saved_with_one_dictionary(tmp_path) -> None:
    from models import SearchFilters, Utterance
    from pipeline.search_view import SearchView
    from pipeline.services import Services
    from pipeline.settings import Settings

    services = Services(Settings(data_dir=tmp_path))
    view = SearchView(services)
    assert view.search("多久发货", SearchFilters(), k=3) == []  # no snapshot yet
    first = Utterance(id="s:u000001000", stream_id="s", t0=1.0, t1=4.0, text="下单后四十八小时内发货。")
    services.index.add_utterances([first])
    services.index.save()
    assert [h.id for h in view.search("多久发货", SearchFilters(), k=3)] == [first.id]
    analyzer = view._current().analyzer
    second = Utterance(id="s:u000009000", stream_id="s", t0=9.0, t1=12.0, text="全国包邮，偏远地区除外。")
    services.index.add_utterances([second])
    services.index.save()
    assert second.id in [h.id for h in view.search("包邮吗", SearchFilters(), k=3)]
    # reopening a snapshot reuses the jieba dictionary (loading it was ~1 s of every reload)
    assert view._current().analyzer is analyzer
