"""Claims extractor speed on 2 cores: utterances/s for the rules alone, rules + classifier (n-grams),
rules + classifier with the e5 vector embedded here, and with the vector given (as in a recording:
the index and the classifier share one embedding per utterance). Prints one JSON line.

    .venv/bin/python scripts/bench_claims.py [--seconds 5]

Texts: the team's dev set sentences (evals/claims/devset.jsonl, short host lines) and evals/claims/heldout.jsonl (longer, run-on
lines), each timed alone. All variants run in one process, one after another: on a shared machine
compare the ratios of one run (the load average is printed before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from claims import ClaimExtractor
from evals.claims.datasets import load_devset, load_heldout


def rate(texts: list[str], ex: ClaimExtractor, seconds: float, vectors: Any = None) -> float:
    ex.extract_texts(texts[:64], None if vectors is None else vectors[:64])  # warm: weights, jieba
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for i in range(0, len(texts), 64):
            ex.extract_texts(texts[i : i + 64], None if vectors is None else vectors[i : i + 64])
        n += len(texts)
    return round(n / (time.perf_counter() - start), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--models-dir", type=Path,
                    default=Path(os.environ.get("ONRECORD_DATA_DIR", "onrecord-data")) / "models")
    a = ap.parse_args()
    from index.e5_assets import ensure_e5_model
    from index.embedder import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(ensure_e5_model("bundled", a.models_dir), num_threads=os.cpu_count()).load()
    sets = {
        "devset": [r["text"] for r in load_devset()],
        "heldout": [r["text"] for r in load_heldout()],
    }
    out: dict[str, Any] = {"cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    for name, texts in sets.items():
        vecs = embedder.encode_passages(texts)
        out[name] = {
            "utterances": len(texts), "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
            "rules": rate(texts, ClaimExtractor(learned=False), a.seconds),
            "classifier_ngrams": rate(texts, ClaimExtractor(), a.seconds),
            "classifier_e5_embedded_here": rate(texts, ClaimExtractor(embedder=embedder), a.seconds),
            "classifier_e5_vector_given": rate(texts, ClaimExtractor(embedder=embedder), a.seconds, vecs),
            "embedding_alone": rate_embed(texts, embedder, a.seconds),
        }
    out["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out))


def rate_embed(texts: list[str], embedder: Any, seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for i in range(0, len(texts), 64):
            embedder.encode_passages(texts[i : i + 64])
            n += len(texts[i : i + 64])
    return round(n / (time.perf_counter() - start), 1)


if __name__ == "__main__":
    main()
