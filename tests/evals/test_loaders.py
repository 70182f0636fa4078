"""The evaluation sets load as typed rows, and the search catalog's templates fit its products."""

from __future__ import annotations

import string

from evals.claims import datasets
from evals.search.catalog import load_catalog
from evals.search.questions import corpus_questions, sample_questions


def test_every_template_placeholder_is_a_fact_of_every_product() -> None:
    cat = load_catalog()
    templates = [t for ts in cat.claim_templates.values() for t in ts]
    templates += [t for ts in cat.risk_templates.values() for t in ts] + list(cat.product_talk)
    names = {f for t in templates for _, f, _, _ in string.Formatter().parse(t) if f}
    for p in cat.products:
        assert names - {"s", "n", "link"} <= set(p.facts), p.id
    assert len({p.id for p in cat.products}) == len(cat.products)


def test_questions_name_products_of_the_catalog() -> None:
    ids = {p.id for p in load_catalog().products}
    assert all(q.product is None or q.product in ids for q in corpus_questions())
    assert all(q.stream == "sample" and (q.texts or q.type) for q in sample_questions())


def test_claims_sets_load() -> None:
    dev = datasets.load_devset()
    assert {r["variant"] for r in dev} == {"clean", "asr"} and all(r["id"] and r["text"] for r in dev)
    assert all("types" in r and "risks" in r for r in datasets.load_heldout())
    assert all(not r["types"] for r in datasets.load_streamer_chat())
    assert all(isinstance(r["types"], list) and r["text"] for r in datasets.load_sample_asr())
