"""Build evals/claims/devset.jsonl from evals/claims/source.txt (our own labelled sentences).

Each source line becomes a clean row and an ASR-noised variant (id suffix "~asr"):
- homophone substitution: in up to two words (jieba segmentation) one character is replaced by
  the most frequent *other* character with the same toneless pinyin (pypinyin readings, jieba
  dictionary frequencies) — the kind of error Whisper makes (发货→发火, 包邮→包油). Number
  characters are never replaced, so the gold values stay recoverable;
- punctuation dropped (Whisper without a prompt often omits it);
- with probability 0.3 Chinese numerals are rewritten as Arabic digits (cn2an), as ASR often does.
The split ("dev" or "test") is a hash of the source id, and a variant keeps its source's split.
Rows after a "# batch: NAME" line carry "batch": NAME (rows added later, reported apart).
Deterministic: run it twice, get the same file.

    .venv/bin/python -m evals.claims.build_devset
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from pathlib import Path

import cn2an
import jieba
from pypinyin import Style, lazy_pinyin

HERE = Path(__file__).parent
_NUMBER_CHARS = set("零〇一二两三四五六七八九十百千万点半")
_PUNCT = re.compile(r"[，。！？；、,.!?;：:]")


def parse_value(raw: str) -> object:
    if raw in ("true", "false"):
        return raw == "true"
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(r"-?\d+\.\d+", raw):
        return float(raw)
    return raw


def parse_claims(field: str) -> list[dict]:
    claims = []
    for part in filter(None, (p.strip() for p in field.split(";"))):
        m = re.fullmatch(r"(\w+)\((.*)\)", part)
        if not m:
            raise ValueError(f"bad claim label {part!r}")
        value = {}
        for kv in filter(None, m.group(2).split(",")):
            k, v = kv.split("=", 1)
            value[k.strip()] = parse_value(v.strip())
        claims.append({"type": m.group(1), "value": value})
    return claims


def homophone_table() -> dict[str, list[str]]:
    freq: Counter[str] = Counter()
    with jieba.get_dict_file() as f:
        for line in f:
            word, count, *_ = line.decode("utf-8").split()
            for ch in word:
                freq[ch] += int(count)
    table: dict[str, list[str]] = {}
    for ch, _ in freq.most_common(6000):
        if "\u4e00" <= ch <= "\u9fff":
            table.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    return table


def noisy(text: str, rng: random.Random, table: dict[str, list[str]]) -> str:
    words = [w for w in jieba.lcut(text) if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    out = text
    for word in rng.sample(words, min(2, len(words))):
        positions = [i for i, ch in enumerate(word) if ch not in _NUMBER_CHARS]
        if not positions:
            continue
        i = rng.choice(positions)
        sound = lazy_pinyin(word[i], style=Style.NORMAL)[0]
        others = [c for c in table.get(sound, []) if c != word[i]][:3]
        if others:
            out = out.replace(word, word[:i] + rng.choice(others) + word[i + 1 :], 1)
    out = _PUNCT.sub("", out)
    if rng.random() < 0.3:
        out = cn2an.transform(out, "cn2an")
    return out


def split_of(source_id: str) -> str:
    return "test" if int(hashlib.sha1(source_id.encode()).hexdigest()[:8], 16) % 2 else "dev"


def build() -> list[dict]:
    table = homophone_table()
    rows = []
    batch: dict[str, str] = {}
    for n, line in enumerate((HERE / "source.txt").read_text(encoding="utf-8").splitlines()):
        if line.startswith("# batch:"):
            batch = {"batch": line.split(":", 1)[1].strip()}
        if not line.strip() or line.startswith("#"):
            continue
        cat, text, *rest = line.split("|")
        claims = parse_claims(rest[0] if rest else "")
        risks = [r.strip() for r in (rest[1] if len(rest) > 1 else "").split(",") if r.strip()]
        sid = f"{cat}-{n:04d}"
        base = {"category": cat, "split": split_of(sid), "claims": claims, "risks": risks, **batch}
        rows.append({"id": sid, "text": text, "variant": "clean", **base})
        rng = random.Random(sid)
        rows.append({"id": f"{sid}~asr", "text": noisy(text, rng, table), "variant": "asr", **base})
    return rows


if __name__ == "__main__":
    rows = build()
    with open(HERE / "devset.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps({"rows": len(rows), "test": sum(r["split"] == "test" for r in rows)}))
