"""Build the evaluation index and score the questions: recall@5 and MRR@10 per search mode.

recall@5 here is the share of questions with at least one answering utterance in the top 5
(an agent needs one sentence that carries the promise; most questions have several).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.search.corpus import StreamData, generate, products, sample_stream
from evals.search.questions import Question, corpus_questions, sample_questions
from index.embedder import Embedder
from index.hybrid import HybridIndex, Mode
from models import SearchFilters

MODES: tuple[Mode, ...] = ("lexical", "semantic", "hybrid")


@dataclass
class EvalSet:
    streams: list[StreamData]
    questions: list[tuple[Question, set[tuple[str, str]]]]  # with (stream, utterance id) answers

    @property
    def n_utterances(self) -> int:
        return sum(len(s.utterances) for s in self.streams)


def _answers(q: Question, streams: list[StreamData]) -> set[tuple[str, str]]:
    out = set()
    for s in streams:
        if q.stream and s.stream != q.stream:
            continue
        for c in s.claims:
            ok = (q.type is None or c.type == q.type) and (q.product is None or c.product == q.product)
            ok = (
                ok
                and (q.key is None or q.key in c.value)
                and (q.risk is None or any(r.rule == q.risk for r in c.risks))
            )
            if ok and (q.type or q.risk) and not q.texts:
                out.add((s.stream, c.utterance_id))
        if q.risk:
            out |= {(s.stream, uid) for uid, rs in s.risks.items() if any(r.rule == q.risk for r in rs)}
        if q.texts:
            out |= {(s.stream, u.id) for u in s.utterances if any(t in u.text for t in q.texts)}
    return out


def eval_set(n_streams: int = 40) -> EvalSet:
    streams = generate(n_streams)
    questions = list(corpus_questions())
    sample = sample_stream()
    if sample is not None:
        streams.append(sample[0])
        questions += sample_questions()
    labelled = [(q, _answers(q, streams)) for q in questions]
    missing = [q.q for q, a in labelled if not a]
    if missing:
        raise ValueError(f"questions without any answer in the corpus (more streams needed?): {missing}")
    return EvalSet(streams, labelled)


def build_index(directory: Path, embedder: Embedder, data: EvalSet) -> HybridIndex:
    index = HybridIndex(directory, embedder).load()
    sample = sample_stream()
    prods = products() + (sample[1] if sample else [])
    for s in data.streams:
        index.add_utterances(
            s.utterances,
            s.claims,
            merchant=s.merchant,
            started_at=s.started_at,
            risks=s.risks,
            products=prods,
        )
    return index


def score(index: HybridIndex, data: EvalSet, modes: tuple[Mode, ...] = MODES) -> dict[str, Any]:
    """{mode: {"recall@5", "mrr@10", "p50_ms", "misses": [questions missed at 5]}}."""
    out: dict[str, Any] = {}
    for mode in modes:
        hits5, rr, times, misses = 0, 0.0, [], []
        for q, answers in data.questions:
            t = time.perf_counter()
            hits = index.search(q.q, SearchFilters(stream=q.stream) if q.stream else None, k=10, mode=mode)
            times.append(time.perf_counter() - t)
            ranks = [i for i, h in enumerate(hits) if (h.stream, h.id) in answers]
            if ranks and ranks[0] < 5:
                hits5 += 1
            else:
                misses.append(q.q)
            rr += 1.0 / (ranks[0] + 1) if ranks else 0.0
        n = len(data.questions)
        times.sort()
        out[mode] = {
            "recall@5": round(hits5 / n, 4),
            "mrr@10": round(rr / n, 4),
            "p50_ms": round(1000 * times[n // 2], 2),
            "misses": misses,
        }
    return out
