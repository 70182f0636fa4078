"""The quality gates on the team's own examples (the real measure is ../shared/realdata/, scored by
../shared/tools/score_claims.py; these keep what we know from regressing).

- The rules alone on the team's dev set (evals/claims/devset.jsonl), held-out "test" split (rules
  were written against "dev"): types F1 ≥ 0.88 with precision ≥ 0.95, value accuracy ≥ 0.90, risk
  F1 ≥ 0.85; its clean half ≥ 0.90 / 0.90 / 0.85. (0.906 before hedged promises were kept: the
  devset, older than the guide, labels 可能明天发 as no claim.)
- Rules + classifier (the default, n-gram view) on evals/claims/heldout.jsonl, written by someone
  who saw neither the rules nor the training data, labelled by the guide: types micro-F1 ≥ 0.82,
  promise types ≥ 0.85, risks ≥ 0.78 (measured 0.867 / 0.906 / 0.852); and none of its sentences
  is in the training data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims import ClaimExtractor, extract_jsonl
from claims.classifier import TRAINING, normalise
from evals.claims import build_devset, datasets
from evals.claims.review import claim_key, reviewed_precision
from evals.claims.scoring import score, score_labels


@pytest.fixture(scope="module")
def scored() -> dict:
    rows = datasets.load_devset()
    preds = {r["id"]: p for r, p in zip(rows, extract_jsonl((json.dumps(r) for r in rows), ClaimExtractor(learned=False)),
                                                     strict=True)}
    test = [r for r in rows if r["split"] == "test"]
    return {
        "rows": rows,
        "test": score(test, preds),
        "test_clean": score([r for r in test if r["variant"] == "clean"], preds),
        "dev": score([r for r in rows if r["split"] == "dev"], preds),
    }


def test_devset_is_big_and_varied(scored: dict) -> None:
    rows = scored["rows"]
    assert len(rows) >= 400
    assert {"cosmetics", "food", "clothing", "electronics", "household", "chat"} <= {r["category"] for r in rows}
    assert sum(not r["claims"] for r in rows) >= 80  # negatives: chat, negations, questions
    assert {r["split"] for r in rows} == {"dev", "test"}


def test_held_out_clean_meets_all_targets(scored: dict) -> None:
    s = scored["test_clean"]
    assert s["types"]["f1"] >= 0.90
    assert s["value_accuracy"] >= 0.90
    assert s["risks"]["f1"] >= 0.85


def test_held_out_with_asr_noise(scored: dict) -> None:
    s = scored["test"]
    assert s["value_accuracy"] >= 0.90
    assert s["risks"]["f1"] >= 0.85
    assert s["types"]["p"] >= 0.95
    assert s["types"]["f1"] >= 0.88


@pytest.fixture(scope="module")
def heldout() -> tuple[list[dict], dict]:
    rows = datasets.load_heldout()
    for n, r in enumerate(rows):
        r["id"] = n
    preds = dict(enumerate(extract_jsonl((json.dumps(r, ensure_ascii=False) for r in rows), ClaimExtractor())))
    return rows, score_labels(rows, {k: v for k, v in preds.items()})


def test_independent_held_out_set_meets_its_floors(heldout: tuple[list[dict], dict]) -> None:
    rows, s = heldout
    assert len(rows) >= 800 and sum(not r["types"] and not r["risks"] for r in rows) >= 150
    assert s["types"]["f1"] >= 0.82, s["per_label"]
    assert s["promise"]["f1"] >= 0.85, s["per_label"]
    assert s["risks"]["f1"] >= 0.78, s["per_label"]
    assert min(s["per_label"][t] for t in ("gift", "shipping", "return_policy", "price", "spec")) >= 0.7


def test_held_out_sentences_are_not_trained_on(heldout: tuple[list[dict], dict]) -> None:
    trained = {normalise(json.loads(line)["text"]) for path in TRAINING.glob("*.jsonl")
               for line in path.open(encoding="utf-8") if line.strip()}
    same = [r["text"] for r in heldout[0] if normalise(r["text"]) in trained]
    # two writers may both write a short stock line (明天休息一天，后天正常开播); no more than that
    assert len(same) <= len(heldout[0]) // 200, same


def test_devset_file_is_what_the_generator_builds() -> None:
    built = [json.dumps(r, ensure_ascii=False) for r in build_devset.build()]
    assert built == datasets.DEVSET.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("path", [datasets.LIVECHAT_REVIEW, datasets.LIVECHAT_RISK_REVIEW], ids=lambda p: p.name)
def test_livechat_review_file_holds_ids_and_verdicts_only(path: Path) -> None:
    review = json.loads(path.read_text(encoding="utf-8"))
    for v in review["verdicts"] + review.get("before", {}).get("verdicts", []):
        assert set(v) == {"id", "verdict", "reason"}
        line, type_, digest = v["id"].split(":")
        assert line.isdigit() and type_ and len(digest) == 8
        assert v["verdict"] in ("correct", "wrong", "unclear")


def test_reading_precision_needs_every_sampled_id(tmp_path: Path) -> None:
    a, b = claim_key(1, "gift", "送一片"), claim_key(2, "price", "只要9块9")
    review = tmp_path / "review.json"
    review.write_text(json.dumps({"verdicts": [{"id": a, "verdict": "correct", "reason": "r"}]}), encoding="utf-8")
    assert reviewed_precision([{"id": a}], review)["precision"] == 1.0
    partial = reviewed_precision([{"id": a}, {"id": b}], review)
    assert partial["precision"] is None and partial["unreviewed"] == [b]
