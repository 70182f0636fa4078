"""Evaluate claims/ and print one JSON line.

- the team's labelled dev set (evals/claims/devset.jsonl): per split (dev = rules were written
  against it, test = held out) and per variant (clean / ASR-noised): per-type P/R/F1, micro F1,
  value accuracy, risk P/R/F1 — for the rules alone, rules + classifier on n-grams (no embedder)
  and rules + classifier with the e5 vectors (the default pipeline); rows added later in a
  batch (e.g. "risk-context") are also scored alone per split;
- real streamer speech (../shared/realdata/livechat/dev_data.jsonl, `streamer_response_asr`):
  claims per 1,000 utterances, and a reproducible sample of 50 claims (all, when fewer) written
  for reading (--sample-out, outside the repo: it holds corpus text); the precision by reading is
  reported from evals/claims/livechat_review.json when its ids (line:type:quote hash) match the sample;
  risk flags per 1,000 utterances and per rule, a sample of 50 flags (all, when fewer; --risk-sample-out)
  and their precision by reading from evals/claims/livechat_risk_review.json (ids line:rule:quote hash);
- speed in utterances/s on this machine for each variant (embedder with one torch thread, as the
  pipeline runs it; "full_given_vectors": the sentence vectors precomputed, as when the index has
  embedded the utterance already), with the load average before and after: the machine is shared;
- the bundled sample stream: its ground-truth sentences (clean text) and the real Whisper output
  of some of them (evals/claims/sample_asr.jsonl): claims found of the right type, per sentence.

    .venv/bin/python scripts/eval_claims.py [--embedder bundled|none] [--sample-out F]
    .venv/bin/python scripts/eval_claims.py --sample        # only the sample-stream check
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from claims import ClaimExtractor, TextEmbedder, extract_jsonl
from evals.claims.datasets import DEVSET, LIVECHAT_REVIEW, LIVECHAT_RISK_REVIEW, load_devset, load_sample_asr
from evals.claims.review import claim_key, reading_before, reviewed_precision
from evals.claims.scoring import score
from pipeline.sample import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[1]


def load_embedder(kind: str, models_dir: Path) -> TextEmbedder | None:
    if kind == "none":
        return None
    from index.e5_assets import ensure_e5_model
    from index.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(ensure_e5_model(kind, models_dir), num_threads=1).load()


def evaluate(rows: list[dict[str, Any]], ex: ClaimExtractor) -> dict[str, Any]:
    preds = {r["id"]: p for r, p in zip(rows, extract_jsonl((json.dumps(r) for r in rows), ex), strict=True)}
    out: dict[str, Any] = {}
    for split in ("dev", "test"):
        sub = [r for r in rows if r["split"] == split]
        out[split] = score(sub, preds)
        for variant in ("clean", "asr"):
            s = score([r for r in sub if r["variant"] == variant], preds)
            out[f"{split}_{variant}"] = {"f1": s["types"]["f1"], "value_accuracy": s["value_accuracy"],
                                         "risk_f1": s["risks"]["f1"]}
        for batch in sorted({r["batch"] for r in sub if r.get("batch")}):
            s = score([r for r in sub if r.get("batch") == batch], preds)
            out[f"{split}_batch_{batch}"] = {"n": s["n"], "types_f1": s["types"]["f1"], "risks": s["risks"]}
    return out


def livechat_texts(path: Path) -> list[str]:
    return [json.loads(line)["streamer_response_asr"] for line in path.open(encoding="utf-8") if line.strip()]


def livechat(texts: list[str], ex: ClaimExtractor, sample_out: Path | None, review: Path | None = None,
             n_sample: int = 50) -> dict[str, Any]:
    found = []
    for start in range(0, len(texts), 64):
        for i, (claims, _) in enumerate(ex.extract_texts(texts[start : start + 64]), start=start):
            found += [{"id": claim_key(i, c.type.value, c.quote), "line": i, "text": texts[i], "type": c.type.value,
                       "quote": c.quote, "value": c.value, "method": c.method} for c in claims]
    sample = random.Random(0).sample(found, min(n_sample, len(found)))
    if sample_out:
        sample_out.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in sample), encoding="utf-8")
    by_type: dict[str, int] = {}
    for f in found:
        by_type[f["type"]] = by_type.get(f["type"], 0) + 1
    out = {"utterances": len(texts), "claims": len(found), "per_1000": round(1000 * len(found) / len(texts), 2),
           "by_type": by_type, "classifier_claims": sum(f["method"] == "classifier" for f in found),
           "sample_file": str(sample_out) if sample_out else None}
    if review is not None:
        out["reading"] = reviewed_precision(sample, review)
    return out


def livechat_risks(texts: list[str], ex: ClaimExtractor, sample_out: Path | None, review: Path | None = None,
                   n_sample: int = 50) -> dict[str, Any]:
    """Risk flags on real streamer speech: per 1,000 utterances, per rule, and a reproducible sample
    (ids line:rule:quote hash) whose precision by reading comes from `review`."""
    flags = []
    for start in range(0, len(texts), 64):
        for i, (_, risks) in enumerate(ex.extract_texts(texts[start : start + 64]), start=start):
            flags += [{"id": claim_key(i, r.rule.value, r.quote), "line": i, "text": texts[i], "rule": r.rule.value,
                       "quote": r.quote} for r in risks]
    sample = random.Random(0).sample(flags, min(n_sample, len(flags)))
    if sample_out:
        sample_out.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in sample), encoding="utf-8")
    by_rule: dict[str, int] = {}
    for f in flags:
        by_rule[f["rule"]] = by_rule.get(f["rule"], 0) + 1
    out = {"utterances": len(texts), "flags": len(flags), "per_1000": round(1000 * len(flags) / len(texts), 2),
           "by_rule": by_rule, "sample_file": str(sample_out) if sample_out else None}
    if review is not None:
        out["reading"] = reviewed_precision(sample, review)
        out["before"] = reading_before(review)
    return out


def type_matches(gold: list[list[str]], texts: list[str], ex: ClaimExtractor) -> dict[str, Any]:
    """Per sentence, claims of the right type (multiset), and claims of a type the truth lacks."""
    found = extra = 0
    for types, (claims, _) in zip(gold, ex.extract_texts(texts), strict=True):
        pred = [c.type.value for c in claims]
        hit = sum(min(types.count(t), pred.count(t)) for t in set(types))
        found += hit
        extra += len(pred) - hit
    return {"truth": sum(len(g) for g in gold), "found": found, "extra": extra}


def sample_check(ex: ClaimExtractor) -> dict[str, Any]:
    truth = json.loads((SAMPLE_DIR / "sample_stream.truth.json").read_text(encoding="utf-8"))
    sents = truth["sentences"]
    asr = load_sample_asr()
    return {
        "clean": type_matches([[c["type"] for c in s["claims"]] for s in sents], [s["text"] for s in sents], ex),
        "real_asr": type_matches([r["types"] for r in asr], [r["text"] for r in asr], ex),
    }


def speed(texts: list[str], ex: ClaimExtractor, seconds: float = 5.0, vectors: Any = None) -> dict[str, Any]:
    """Utterances/s through `extract_texts` in batches of 64 (as `onrecord extract --jsonl` runs),
    wall clock, with the machine's load average before and after (the machine is shared)."""
    load0 = os.getloadavg()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for i in range(0, len(texts), 64):
            ex.extract_texts(texts[i : i + 64], None if vectors is None else vectors[i : i + 64])
        n += len(texts)
    ups = n / (time.perf_counter() - start)
    return {"ups": round(ups, 1), "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load0],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()]}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEVSET)
    ap.add_argument("--livechat", type=Path, default=ROOT.parent / "shared" / "realdata" / "livechat" / "dev_data.jsonl")
    ap.add_argument("--sample-out", type=Path, default=None, help="write the 50 sampled livechat claims here")
    ap.add_argument("--review", type=Path, default=LIVECHAT_REVIEW,
                    help="verdicts from reading the sampled livechat claims (ids only, no corpus text)")
    ap.add_argument("--risk-sample-out", type=Path, default=None, help="write the sampled livechat risk flags here")
    ap.add_argument("--risk-review", type=Path, default=LIVECHAT_RISK_REVIEW,
                    help="verdicts from reading the sampled livechat risk flags (ids only, no corpus text)")
    ap.add_argument("--embedder", default="bundled", help="'bundled' (multilingual-e5-small), a model path, or 'none'")
    ap.add_argument("--models-dir", type=Path,
                    default=Path(os.environ.get("ONRECORD_DATA_DIR", "onrecord-data")) / "models")
    ap.add_argument("--sample", action="store_true", help="only score the bundled sample stream's sentences")
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    if args.sample:
        print(json.dumps(sample_check(ClaimExtractor()), ensure_ascii=False))
        return
    rows = load_devset(args.data)
    texts = [r["text"] for r in rows]
    embedder = load_embedder(args.embedder, args.models_dir)
    variants = {"rules": ClaimExtractor(learned=False), "text": ClaimExtractor()}
    if embedder is not None:
        variants["full"] = ClaimExtractor(embedder=embedder)
    default = list(variants)[-1]  # what the pipeline runs: the full model when there is an embedder
    result: dict[str, Any] = {"rows": len(rows), "default": default}
    for name, ex in variants.items():
        result[name] = evaluate(rows, ex)
        result[f"sample_{name}"] = sample_check(ex)
        result[f"speed_{name}"] = speed(texts, ex)
    if embedder is not None:
        vecs = embedder.encode_passages(texts)
        result["speed_full_given_vectors"] = speed(texts, variants["full"], vectors=vecs)
    if args.livechat.is_file():
        chat = livechat_texts(args.livechat)
        for name, ex in variants.items():
            # the sample (and its reading) is of what runs by default
            result[f"livechat_{name}"] = livechat(chat, ex, args.sample_out if name == default else None, args.review)
            result[f"livechat_risks_{name}"] = livechat_risks(
                chat, ex, args.risk_sample_out if name == default else None, args.risk_review)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
