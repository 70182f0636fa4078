"""Search quality: recall@5 and MRR@10 for lexical, semantic and hybrid search; prints one JSON line.

The corpus is evals.search's generated live-commerce streams plus the bundled sample stream; the
questions (evals/search/data/questions.jsonl) are written in agents' words, Chinese and English.
recall@5 = share of questions with an answering utterance in the top 5.

    .venv/bin/python scripts/eval_search.py [--streams 40] [--model bundled] [--models-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from evals.search.evaluate import build_index, eval_set, score
from index.e5_assets import ensure_e5_model
from index.embedder import SentenceTransformerEmbedder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=40, help="generated streams (default 40)")
    parser.add_argument("--model", default="bundled", help="embedding model: bundled, a name or a path")
    parser.add_argument("--models-dir", type=Path, default=Path(tempfile.gettempdir()) / "onrecord-models")
    parser.add_argument("--float32", action="store_true", help="float32 embedder instead of the int8 default")
    parser.add_argument("--misses", action="store_true", help="also list the questions each mode misses")
    args = parser.parse_args(argv)

    data = eval_set(args.streams)
    embedder = SentenceTransformerEmbedder(
        ensure_e5_model(args.model, args.models_dir), int8=not args.float32
    ).load()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        index = build_index(Path(tmp), embedder, data)
        build_s = time.perf_counter() - t
        result = score(index, data)
    n_en = sum(1 for q, _ in data.questions if q.q.isascii())
    out = {
        "corpus_utterances": data.n_utterances,
        "streams": len(data.streams),
        "questions": len(data.questions),
        "questions_english": n_en,
        "embedder": embedder.name,
        "build_s": round(build_s, 1),
        "recall_definition": "share of questions with an answering utterance in the top 5",
        **{mode: {k: v for k, v in r.items() if args.misses or k != "misses"} for mode, r in result.items()},
        "target_met": result["hybrid"]["recall@5"] >= 0.90
        and result["hybrid"]["recall@5"] > max(result["lexical"]["recall@5"], result["semantic"]["recall@5"]),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
