"""What is indexed for a sentence: its Doc (claims, risks, the product being sold, wall-clock
time), the passage that is embedded and the fields BM25 reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from index.analyzer import CLAIM_TAGS, JiebaAnalyzer
from index.docstore import COMMENT, Doc
from models import ChatEvent, ChatKind, Claim, Product, Risk, Utterance


def utterance_docs(
    utterances: Sequence[Utterance],
    claims: Sequence[Claim],
    merchant: str,
    started_at: Callable[[str], datetime | None],
    last_product: Callable[[str], str | None],
    risks: Mapping[str, Sequence[Risk]],
) -> list[Doc]:
    """One Doc per utterance, in stream and time order, with the claims extracted from it
    (matched by `claim.utterance_id`). An utterance without a claim takes the product of the one
    before it in its stream (`last_product(stream)` for the first: the stream's last indexed one)."""
    by_utt: dict[str, list[Claim]] = {}
    for c in claims:
        by_utt.setdefault(c.utterance_id, []).append(c)
    docs: list[Doc] = []
    previous: dict[str, str | None] = {}
    for u in sorted(utterances, key=lambda u: (u.stream_id, u.t0)):
        start = started_at(u.stream_id)
        attached = tuple(by_utt.get(u.id, ()))
        product = next((c.product for c in attached if c.product), None)
        if product is None:
            product = previous[u.stream_id] if u.stream_id in previous else last_product(u.stream_id)
        previous[u.stream_id] = product
        at = start + timedelta(seconds=u.t0) if start else None
        docs.append(
            Doc(
                u.id,
                u.stream_id,
                merchant,
                u.text,
                u.t0,
                u.t1,
                at,
                product,
                attached,
                tuple(risks.get(u.id, ())),
            )
        )
    return docs


def comment_docs(
    events: Sequence[ChatEvent], merchant: str, started_at: Callable[[str], datetime | None]
) -> list[Doc]:
    """One Doc of kind comment per comment with text (gifts, likes, joins are not searched), at its time."""
    docs = []
    for e in events:
        if e.kind is ChatKind.COMMENT and e.text.strip():
            start = started_at(e.stream_id)
            at = e.sent_at or (start + timedelta(seconds=e.t) if start else None)
            docs.append(Doc(e.id, e.stream_id, merchant, e.text, e.t, e.t, at, kind=COMMENT))
    return docs


def passage(doc: Doc, products: Mapping[str, Product]) -> str:
    """What is embedded: the sentence, after the name of the product being sold (hosts say 这个)."""
    known = products.get(doc.product) if doc.product else None
    return f"{known.name}：{doc.text}" if known else doc.text


def doc_fields(doc: Doc, products: Mapping[str, Product], analyzer: JiebaAnalyzer) -> dict[str, list[str]]:
    """The BM25 fields of a document: its jieba words and bigrams, its claims' tags, its product's names."""
    tags = [t for c in doc.claims for t in CLAIM_TAGS.get(c.type, ())]
    product: list[str] = []
    if doc.product:
        known = products.get(doc.product)
        names = [known.name, *known.aliases] if known else [doc.product]
        product = sorted({w for name in names for w in analyzer.words(name)})
    return {
        "words": analyzer.words(doc.text),
        "bigrams": analyzer.bigrams(doc.text),
        "tags": tags,
        "product": product,
    }
