"""Evaluate claims/ and print one JSON line.

- the team's labelled dev set (claims_dev/devset.jsonl): per split (dev = rules were written
  against it, test = held out) and per variant (clean / ASR-noised): per-type P/R/F1, micro F1,
  value accuracy, risk P/R/F1 — with and without the embedding fallback;
- real streamer speech (../shared/realdata/livechat/dev_data.jsonl, `streamer_response_asr`):
  claims per 1,000 utterances, and a reproducible sample of 50 claims written for reading;
- speed in utterances/s on this machine, with and without the fallback;
- the bundled sample stream: its ground-truth sentences (clean text) and the real Whisper output
  of some of them (claims_dev/sample_asr.jsonl): claims found of the right type, per sentence.

    .venv/bin/python scripts/eval_claims.py [--embedder bundled|none] [--sample-out F]
    .venv/bin/python scripts/eval_claims.py --sample        # only the sample-stream check
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claims import ClaimExtractor, TextEmbedder, extract_jsonl  # noqa: E402
from claims.evaluation import score  # noqa: E402


def load_embedder(kind: str, models_dir: Path) -> TextEmbedder | None:
    if kind == "none":
        return None
    from index.assets import ensure_e5_model
    from index.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(ensure_e5_model(kind, models_dir), num_threads=2).load()


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
    return out


def livechat(path: Path, ex: ClaimExtractor, sample_out: Path | None, n_sample: int = 50) -> dict[str, Any]:
    texts = [json.loads(line)["streamer_response_asr"] for line in path.open(encoding="utf-8") if line.strip()]
    found = []
    for start in range(0, len(texts), 64):
        for i, (claims, _) in enumerate(ex.extract_texts(texts[start : start + 64]), start=start):
            found += [{"line": i, "text": texts[i], "type": c.type.value, "quote": c.quote, "value": c.value,
                       "method": c.method} for c in claims]
    sample = random.Random(0).sample(found, min(n_sample, len(found)))
    if sample_out:
        sample_out.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in sample), encoding="utf-8")
    by_type: dict[str, int] = {}
    for f in found:
        by_type[f["type"]] = by_type.get(f["type"], 0) + 1
    return {"utterances": len(texts), "claims": len(found), "per_1000": round(1000 * len(found) / len(texts), 1),
            "by_type": by_type, "embedding_claims": sum(f["method"] == "embedding" for f in found),
            "sample_file": str(sample_out) if sample_out else None}


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
    truth = json.loads((ROOT / "samples" / "sample_stream.truth.json").read_text(encoding="utf-8"))
    sents = truth["sentences"]
    asr = [json.loads(line) for line in (ROOT / "claims_dev" / "sample_asr.jsonl").open(encoding="utf-8")]
    return {
        "clean": type_matches([[c["type"] for c in s["claims"]] for s in sents], [s["text"] for s in sents], ex),
        "real_asr": type_matches([r["types"] for r in asr], [r["text"] for r in asr], ex),
    }


def speed(texts: list[str], ex: ClaimExtractor, seconds: float = 3.0) -> float:
    """Utterances/s through `extract_texts` in batches of 64 (as `onrecord extract --jsonl` runs)."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for i in range(0, len(texts), 64):
            ex.extract_texts(texts[i : i + 64])
        n += len(texts)
    return round(n / (time.perf_counter() - start), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "claims_dev" / "devset.jsonl")
    ap.add_argument("--livechat", type=Path, default=ROOT.parent / "shared" / "realdata" / "livechat" / "dev_data.jsonl")
    ap.add_argument("--sample-out", type=Path, default=None, help="write the 50 sampled livechat claims here")
    ap.add_argument("--embedder", default="bundled", help="'bundled' (multilingual-e5-small), a model path, or 'none'")
    ap.add_argument("--models-dir", type=Path,
                    default=Path(os.environ.get("ONRECORD_DATA_DIR", "onrecord-data")) / "models")
    ap.add_argument("--sample", action="store_true", help="only score the bundled sample stream's sentences")
    args = ap.parse_args()
    if args.sample:
        print(json.dumps(sample_check(ClaimExtractor()), ensure_ascii=False))
        return

    rows = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    rules = ClaimExtractor()
    result: dict[str, Any] = {"rows": len(rows), "rules": evaluate(rows, rules), "sample": sample_check(rules)}
    texts = [r["text"] for r in rows]
    result["speed_ups_rules"] = speed(texts, rules)
    embedder = load_embedder(args.embedder, args.models_dir)
    if embedder is not None:
        with_fb = ClaimExtractor(embedder=embedder)
        result["with_fallback"] = evaluate(rows, with_fb)
        result["speed_ups_fallback"] = speed(texts, with_fb)
    if args.livechat.is_file():
        result["livechat_rules"] = livechat(args.livechat, rules, None)
        if embedder is not None:
            result["livechat_fallback"] = livechat(args.livechat, ClaimExtractor(embedder=embedder), args.sample_out)
        elif args.sample_out:
            result["livechat_rules"] = livechat(args.livechat, rules, args.sample_out)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
