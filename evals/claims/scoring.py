"""Scoring extracted claims against labelled rows (used by scripts/eval_claims.py and the claims test gate).

Row: {"id", "text", "claims": [{"type", "value"}], "risks": [rule, ...], ...}.
- Types: per utterance, predicted and gold claims are matched within each type (multiset);
  TP = matched pairs, FP/FN = the rest. Micro P/R/F1 over all types, and per type.
- Value accuracy: over TP pairs, the share whose predicted value agrees on every key the gold
  label gives. Strings (item, effect, audience, detail) agree when one contains the other;
  `condition` compares token sets; numbers compare within 1e-6; discounts compare exactly.
  Pairs are matched to maximise agreement.
- Risks: per utterance sets of rules; micro P/R/F1.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

_CONTAINS = {"item", "effect", "audience", "detail", "assurance"}


def value_agrees(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    for k, g in gold.items():
        p = pred.get(k)
        if k == "condition":
            if set(str(g).split()) != set(str(p or "").split()):
                return False
        elif k in _CONTAINS and isinstance(g, str):
            if not isinstance(p, str) or not (g in p or p in g):
                return False
        elif isinstance(g, bool) or isinstance(g, str):
            if p != g:
                return False
        elif isinstance(g, int | float):
            if not isinstance(p, int | float) or isinstance(p, bool) or abs(float(p) - float(g)) > 1e-6:
                return False
    return True


def _match(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[int, int]:
    """(pairs, pairs whose values agree) for one type in one utterance, greedy on agreement."""
    free = list(range(len(pred)))
    agree = 0
    order = sorted(range(len(gold)), key=lambda i: -len(gold[i]))
    pairs = 0
    for gi in order:
        if not free:
            break
        hit = next((pi for pi in free if value_agrees(gold[gi], pred[pi])), None)
        pi = hit if hit is not None else free[0]
        free.remove(pi)
        pairs += 1
        agree += hit is not None
    return pairs, agree


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score(rows: Iterable[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`predictions[id]` is the contract dict ({"claims":[{"type","value"}], "risks":[{"rule"}]})."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    values = Counter[str]()
    risk = Counter[str]()
    n = 0
    for row in rows:
        n += 1
        pred = predictions[row["id"]]
        types = {c["type"] for c in row["claims"]} | {c["type"] for c in pred["claims"]}
        for t in types:
            g = [c["value"] for c in row["claims"] if c["type"] == t]
            p = [c["value"] for c in pred["claims"] if c["type"] == t]
            pairs, agree = _match(g, p)
            counts[t].update(tp=pairs, fp=len(p) - pairs, fn=len(g) - pairs)
            values.update(pairs=pairs, agree=agree)
        gr, pr = set(row["risks"]), {r["rule"] for r in pred["risks"]}
        risk.update(tp=len(gr & pr), fp=len(pr - gr), fn=len(gr - pr))
    total = Counter[str]()
    for c in counts.values():
        total.update(c)
    return {
        "n": n,
        "types": _prf(total["tp"], total["fp"], total["fn"]),
        "per_type": {t: _prf(c["tp"], c["fp"], c["fn"]) for t, c in sorted(counts.items())},
        "value_accuracy": round(values["agree"] / values["pairs"], 4) if values["pairs"] else 1.0,
        "risks": _prf(risk["tp"], risk["fp"], risk["fn"]),
    }


PROMISE_TYPES = ("gift", "shipping", "return_policy", "compensation", "price", "authenticity")


def score_labels(rows: Iterable[dict[str, Any]], predictions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Set-per-sentence scoring of guide-labelled rows ({"id", "text", "types": [...], "risks": [...]}),
    as `../shared/tools/score_claims.py` scores them: a type (or risk) counts once per sentence.
    Micro P/R/F1 over types, over the promise types, over risks, and F1 per label."""
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("tp", "fp", "fn")}
    for row in rows:
        pred = predictions.get(row["id"], {"claims": [], "risks": []})
        pt = {c["type"] for c in pred["claims"]}
        pr = {r["rule"] for r in pred["risks"]}
        for gold, got, prefix in ((set(row.get("types", [])), pt, ""), (set(row.get("risks", [])), pr, "risk:")):
            for label in gold | got:
                key = "tp" if label in gold and label in got else ("fp" if label in got else "fn")
                counts[key][prefix + label] += 1
    labels = sorted(set().union(*counts.values()))

    def micro(names: Iterable[str]) -> dict[str, float]:
        names = list(names)
        return _prf(*(sum(counts[k][n] for n in names) for k in ("tp", "fp", "fn")))

    return {
        "types": micro(n for n in labels if not n.startswith("risk:")),
        "promise": micro(n for n in labels if n in PROMISE_TYPES),
        "risks": micro(n for n in labels if n.startswith("risk:")),
        "per_label": {n: _prf(counts["tp"][n], counts["fp"][n], counts["fn"][n])["f1"] for n in labels},
    }
