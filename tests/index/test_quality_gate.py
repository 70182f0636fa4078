"""The quality gate: on the agents' questions, hybrid recall@5 ≥ 0.90 and at least each half's."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.search.evaluate import build_index, eval_set, score

pytestmark = pytest.mark.slow


def test_hybrid_beats_or_equals_each_half(tmp_path: Path, e5) -> None:  # noqa: ANN001
    data = eval_set(10)
    assert len(data.questions) >= 60
    assert any(q.q.isascii() for q, _ in data.questions)
    result = score(build_index(tmp_path, e5, data), data)
    hybrid, lexical, semantic = (result[m]["recall@5"] for m in ("hybrid", "lexical", "semantic"))
    assert hybrid >= 0.90, result["hybrid"]["misses"]
    assert hybrid >= lexical and hybrid >= semantic, {m: r["recall@5"] for m, r in result.items()}
    assert result["hybrid"]["mrr@10"] >= max(result["lexical"]["mrr@10"], result["semantic"]["mrr@10"]) - 0.02
