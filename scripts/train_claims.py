"""Train the claims classifier (claims/classifier.py) from claims/training/*.jsonl; print one JSON line.

    .venv/bin/python scripts/train_claims.py [--out claims/model/claims-linear.npz] [--cache DIR]
    make train-claims

Reproducible: the data are in the repo, every random choice is seeded, and the weights record the
sha256 of the data. Steps:
1. augmentation, so that training looks like what the extractor meets: run-on sentences made of 2-4
   lines of one product category (a type is present if any clause carries it; real hosts run
   clauses together), and recogniser-style copies (punctuation dropped or turned into spaces,
   Arabic and Chinese numerals swapped, a few characters replaced by homophones);
2. the extractor's own canonical text (claims.text.canonicalise) for every line;
3. e5 passage vectors (the bundled multilingual-e5-small, int8, as the search index embeds them),
   cached by text hash under --cache, so a retrain after a data change embeds only what is new;
4. one logistic model per label for each view (`full`: n-grams + vector; `text`: n-grams), and a
   Platt calibration of each fitted on held-out scores (a fifth of the rows).
About 5-8 minutes on 2 cores from an empty cache.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from claims.classifier import (
    LABELS,
    NGRAM_BITS,
    RISK_LABELS,
    TRAINING,
    TYPE_LABELS,
    WEIGHTS,
    data_hash,
    make_vectorizer,
    pack_weights,
)
from claims.text import canonicalise

C = 4.0  # inverse L2 strength; 1-8 all within a point on out-of-fold F1
VECTOR_SCALE = 3.0  # the vector view's weight against the (l2-normalised) n-gram view
SEED = 20261203


def load_rows(folder: Path) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.open(encoding="utf-8"), start=1):
            if line.strip():
                row = json.loads(line)
                unknown = set(row.get("types", [])) - set(TYPE_LABELS) | {
                    f"risk:{r}" for r in row.get("risks", [])} - set(RISK_LABELS)
                if unknown:
                    raise SystemExit(f"{path.name}:{n}: unknown labels {sorted(unknown)}")
                rows.append(row)
    return rows


def _is_zh(row: dict[str, Any]) -> bool:
    return row.get("style") != "english" and bool(re.search(r"[\u4e00-\u9fff]", row["text"]))


def run_ons(rows: list[dict[str, Any]], n: int, rng: random.Random) -> list[dict[str, Any]]:
    """n run-on lines, each 2-4 Chinese lines of one category joined as a recogniser would."""
    by_cat: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if _is_zh(r):
            by_cat.setdefault(r.get("category", ""), []).append(r)
    cats = sorted(c for c, rs in by_cat.items() if len(rs) >= 4)
    out = []
    for _ in range(n):
        parts = rng.sample(by_cat[rng.choice(cats)], rng.choice((2, 2, 3, 3, 4)))
        sep = rng.choice(("，", "，", " ", ""))
        out.append({
            "text": sep.join(re.sub(r"[。！？!?~～]+$", "", p["text"]) for p in parts),
            "types": sorted({t for p in parts for t in p.get("types", [])}),
            "risks": sorted({t for p in parts for t in p.get("risks", [])}),
        })
    return out


_CN = "零一二三四五六七八九"


def _homophones() -> dict[str, list[str]]:
    """The 3,500 commonest characters (jieba's dictionary counts) grouped by toneless reading:
    each character → the others that sound like it, commonest first."""
    import jieba
    from pypinyin import Style, lazy_pinyin

    freq: dict[str, int] = {}
    with jieba.get_dict_file() as f:
        for raw in f:
            word, count = raw.decode("utf-8").split()[:2]
            if len(word) == 1 and "\u4e00" <= word <= "\u9fff":
                freq[word] = int(count)
    common = [ch for ch, _ in sorted(freq.items(), key=lambda x: -x[1])[:3500]]
    reading = {ch: lazy_pinyin(ch, style=Style.NORMAL)[0] for ch in common}
    groups: dict[str, list[str]] = {}
    for ch in common:
        groups.setdefault(reading[ch], []).append(ch)
    return {ch: [o for o in groups[reading[ch]] if o != ch] for ch in common}


def asr_copy(text: str, rng: random.Random, sounds: dict[str, list[str]]) -> str:
    """A recogniser-style copy: punctuation gone or spaces, numerals swapped, ~5% homophones."""
    t = re.sub(r"[，。！？、；：,.!?;:]+", rng.choice(("", " ", "，")), text)
    if rng.random() < 0.5:
        t = re.sub(r"\d", lambda m: _CN[int(m.group(0))], t)
    chars = list(t)
    for i, ch in enumerate(chars):
        if sounds.get(ch) and rng.random() < 0.05:
            chars[i] = rng.choice(sounds[ch][:4])
    return "".join(chars).strip()


def augment(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    sounds = _homophones()
    out = list(rows)
    zh = [r for r in rows if _is_zh(r)]
    out += run_ons(rows, len(zh), rng)
    out += [{**r, "text": asr_copy(r["text"], rng, sounds)} for r in zh if rng.random() < 0.5]
    return out


def targets(rows: list[dict[str, Any]]) -> np.ndarray:
    y = np.zeros((len(rows), len(LABELS)), dtype=np.int8)
    index = {lab: j for j, lab in enumerate(LABELS)}
    for i, r in enumerate(rows):
        for t in r.get("types", []):
            y[i, index[t]] = 1
        for t in r.get("risks", []):
            y[i, index["risk:" + t]] = 1
    return y


def embed(texts: list[str], cache: Path, model_dir: Path) -> np.ndarray:
    """e5 passage vectors (int8, as index/embedder.py embeds them), cached per text hash."""
    from index.embedder import SentenceTransformerEmbedder

    cache.mkdir(parents=True, exist_ok=True)
    store = cache / "vectors.npz"
    known: dict[str, np.ndarray] = {}
    if store.is_file():
        z = np.load(store)
        known = dict(zip((str(k) for k in z["keys"]), z["vectors"], strict=True))
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if todo:
        emb = SentenceTransformerEmbedder(str(model_dir), num_threads=os.cpu_count()).load()
        for start in range(0, len(todo), 2000):  # saved as it goes: an interrupted run keeps its work
            chunk = todo[start : start + 2000]
            known.update(zip((k for k, _ in chunk), emb.encode_passages([t for _, t in chunk]), strict=True))
            np.savez(store, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
    return np.stack([known[k] for k in keys]).astype(np.float32)


def fit_view(grams: Any, vectors: np.ndarray | None, y: np.ndarray, name: str) -> dict[str, np.ndarray]:
    """Per label: a logistic model on all rows, and its Platt calibration fitted on the scores that a
    model trained on 4/5 of the rows gives the other fifth (held out per label, stratified)."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    x = grams if vectors is None else sp.hstack([grams, sp.csr_matrix(vectors * VECTOR_SCALE)]).tocsr()
    n_gram = grams.shape[1]
    w = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    b = np.zeros(y.shape[1], dtype=np.float32)
    platt = np.zeros((y.shape[1], 2), dtype=np.float32)
    for j in range(y.shape[1]):
        def model() -> LogisticRegression:
            return LogisticRegression(C=C, max_iter=1000, class_weight="balanced", solver="liblinear")
        tr, te = train_test_split(np.arange(y.shape[0]), test_size=0.2, random_state=SEED, stratify=y[:, j])
        held = model().fit(x[tr], y[tr, j]).decision_function(x[te])
        cal = LogisticRegression(C=1e4).fit(held.reshape(-1, 1), y[te, j])
        platt[j] = (cal.coef_[0, 0], cal.intercept_[0])
        m = model().fit(x, y[:, j])
        w[j], b[j] = m.coef_[0], m.intercept_[0]
        print(f"{name}: {LABELS[j]} done", file=sys.stderr, flush=True)
    return {"ngram": w[:, :n_gram], "vector": w[:, n_gram:] if vectors is not None else np.zeros((0, 0)),
            "bias": b, "platt": platt, "vector_scale": np.float32(VECTOR_SCALE)}


def stored(name: str, fitted: dict[str, Any]) -> dict[str, Any]:
    """One model's arrays as the weights file keeps them: the n-gram matrix as int8 mu-law codes with
    each label's scale (`pack_weights`), the vector matrix as float16, the rest as fitted."""
    out: dict[str, Any] = {}
    for k, v in fitted.items():
        if k == "ngram":
            out[f"{name}_ngram"], out[f"{name}_ngram_top"] = pack_weights(v)
        elif isinstance(v, np.ndarray) and v.ndim == 2 and k != "platt":
            out[f"{name}_{k}"] = v.astype(np.float16)
        else:
            out[f"{name}_{k}"] = v
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=TRAINING)
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("ONRECORD_DATA_DIR", "onrecord-data")) / "cache" / "claims-train")
    ap.add_argument("--models-dir", type=Path, default=Path(os.environ.get("ONRECORD_DATA_DIR", "onrecord-data")) / "models")
    a = ap.parse_args()
    from index.e5_assets import ensure_e5_model

    t0 = time.perf_counter()
    rows = load_rows(a.data)
    rows = augment(rows)
    texts = [canonicalise(r["text"]) for r in rows]
    y = targets(rows)
    grams = make_vectorizer().transform(texts)
    model_dir = ensure_e5_model("bundled", a.models_dir)
    vectors = embed(texts, a.cache, model_dir)
    t_embed = time.perf_counter()
    full = fit_view(grams, vectors, y, "full")
    text = fit_view(grams, None, y, "text")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = a.out.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp, labels=np.array(LABELS), ngram_bits=np.int32(NGRAM_BITS),
        data_sha256=np.array(data_hash(a.data.glob("*.jsonl"))), embed_model=np.array("multilingual-e5-small+int8"),
        trained_with=np.array(f"scripts/train_claims.py C={C} vector_scale={VECTOR_SCALE} seed={SEED}"),
        **stored("full", full), **stored("text", text),
    )
    os.replace(tmp, a.out)
    print(json.dumps({"rows": len(rows), "positives": {lab: int(y[:, j].sum()) for j, lab in enumerate(LABELS)},
                      "embed_s": round(t_embed - t0, 1), "fit_s": round(time.perf_counter() - t_embed, 1),
                      "out": str(a.out), "bytes": a.out.stat().st_size}, ensure_ascii=False))


if __name__ == "__main__":
    main()
