"""Search quality on a real labelled corpus, for each mode (lexical, semantic, hybrid); one JSON line.

The same path as `../shared/tools/score_search.py` (`onrecord index-jsonl` into a fresh data dir,
then `onrecord search --batch`), in one process so the models load once, and scored for all three
modes in the same run:

    .venv/bin/python scripts/eval_real_search.py CORPUS.jsonl QUESTIONS.jsonl [MORE.jsonl ...] [--k 5]

CORPUS lines: {"id", "text", ...}; QUESTIONS lines: {"q", "relevant": [ids]}. recall@k is the share
of questions with a relevant sentence in the top k, MRR@k the mean reciprocal rank of the first
one (0 past k), as score_search.py computes them. `--misses` lists the missed questions: use it on
development questions only, never on a held-out set.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from models import SearchFilters
from pipeline import commands
from pipeline.services import Services
from pipeline.settings import Settings

MODES = ("lexical", "semantic", "hybrid")


def score(
    services: Services, questions: list[dict[str, Any]], k: int, mode: str, misses: bool
) -> dict[str, Any]:
    results = commands.search_batch(services, [q["q"] for q in questions], SearchFilters(), k, mode)
    hit = rr = 0.0
    missed = []
    for q, hits in zip(questions, results, strict=True):
        ids = [h["id"] for h in hits[:k]]
        rel = set(q["relevant"])
        rank = next((n for n, i in enumerate(ids) if i in rel), None)
        hit += rank is not None
        rr += 1 / (rank + 1) if rank is not None else 0.0
        if rank is None:
            missed.append(q["q"])
    n = len(questions) or 1
    out: dict[str, Any] = {f"recall@{k}": round(hit / n, 3), f"mrr@{k}": round(rr / n, 3)}
    if misses:
        out["misses"] = missed
    return out


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before the models load (none loads at import)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list missed questions (development sets only)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as fh:
            for row in commands.iter_jsonl(args.corpus):
                fh.write(json.dumps({"id": row["id"], "text": row["text"]}, ensure_ascii=False) + "\n")
        services = Services(Settings(data_dir=Path(tmp) / "data"))
        n = commands.index_jsonl(services, corpus, "score")
        out: dict[str, Any] = {"sentences": n, "embedder": services.embedder.name}
        for path in args.questions:
            questions = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
            out[path.name] = {"questions": len(questions)} | {
                mode: score(services, questions, args.k, mode, args.misses) for mode in MODES
            }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
