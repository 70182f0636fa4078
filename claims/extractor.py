"""ClaimExtractor: utterances in, timestamped claims (with product and attached risks) out.

    extractor = ClaimExtractor(products, embedder=e5)      # cheap; the embedder loads on use
    claims, risks = extractor.extract_text("下单送一片面膜，48小时发货")
    for claim in extractor.run(utterances): ...            # keeps which product is on screen

Rules run on a canonical copy of the text (same length, homophones repaired), so every quote is
cut from what was actually said. Rule claims have confidence 0.9 (0.8 where an ASR homophone
was repaired inside the match); embedding-fallback claims 0.5–0.7 with method "embedding".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from claims.clauses import Clause, clauses
from claims.engine import MAX_QUOTE, REPAIRER, find, quote_span
from claims.fallback import EmbeddingFallback, TextEmbedder
from claims.products import Mention, ProductCatalog, attribute
from claims.risks import RiskHit, find_risks
from claims.text import canonicalise
from claims.timing import span_times
from models import Claim, Product, Risk, Utterance


@dataclass(frozen=True)
class _Spanned:
    claim: Claim
    start: int
    end: int


@dataclass(frozen=True)
class _Analysis:
    text: str
    canonical: str
    spanned: list[_Spanned]
    hits: list[RiskHit]
    mentions: list[Mention]


class ClaimExtractor:
    """Rules + lexicons + pinyin-tolerant matching, with an optional embedding fallback."""

    def __init__(
        self, products: Sequence[Product] = (), embedder: TextEmbedder | None = None, fallback: bool = True
    ) -> None:
        self.catalog = ProductCatalog(products)
        self.fallback = EmbeddingFallback(embedder) if (embedder is not None and fallback) else None
        self.current_product: str | None = None  # the product the stream is presenting

    def extract_text(self, text: str) -> tuple[list[Claim], list[Risk]]:
        """Claims in `text` and ALL risks in it (attached or not). No stream state is used or changed."""
        spanned, hits, _ = self._extract(text, None)
        return [s.claim for s in spanned], [h.risk for h in hits]

    def extract_utterance(self, utt: Utterance) -> tuple[list[Claim], list[Risk]]:
        """Claims of one utterance (ids, times, product filled) and the risks attached to none of them."""
        spanned, hits, self.current_product = self._extract(utt.text, self.current_product)
        claims = []
        for n, s in enumerate(spanned):
            t0, t1 = span_times(utt, s.start, s.end)
            claims.append(s.claim.model_copy(update={
                "id": f"{utt.id}:c{n}", "stream_id": utt.stream_id, "utterance_id": utt.id, "t0": t0, "t1": t1,
            }))
        loose = [h.risk for h in hits if not any(s.start < h.end and h.start < s.end for s in spanned)]
        return claims, loose

    def run(self, utterances: Iterable[Utterance]) -> Iterator[Claim]:
        """Claims of each utterance in order, keeping the product flow across utterances."""
        for utt in utterances:
            claims, _ = self.extract_utterance(utt)
            yield from claims

    def extract_texts(self, texts: Sequence[str]) -> list[tuple[list[Claim], list[Risk]]]:
        """`extract_text` for many texts at once: the embedding fallback runs as one batch (throughput)."""
        results = [self._rules(t, None) for t in texts]
        self._fallback(results, None)
        return [([s.claim for s in r.spanned], [h.risk for h in r.hits]) for r in results]

    def _extract(self, text: str, current: str | None) -> tuple[list[_Spanned], list[RiskHit], str | None]:
        r = self._rules(text, current)
        self._fallback([r], current)
        return r.spanned, r.hits, (r.mentions[-1].product_id if r.mentions else current)

    def _rules(self, text: str, current: str | None) -> _Analysis:
        canonical = canonicalise(text, self.catalog.repairer, REPAIRER)
        mentions = self.catalog.mentions(canonical) if self.catalog else []
        found = find(canonical)
        anchors = [(f.start, f.end) for f in found] + [(m.start, m.end) for m in mentions]
        hits = find_risks(canonical, text, anchors)
        out: list[_Spanned] = []
        for f in found:
            qs, qe = quote_span(text, f)
            repaired = canonical[f.start : f.end] != text[f.start : f.end]
            risks = [h.risk for h in hits if qs < h.end and h.start < qe]
            claim = Claim(type=f.type, value=f.value, quote=text[qs:qe], confidence=0.8 if repaired else 0.9,
                          product=attribute(mentions, f.start, current), risks=risks)
            out.append(_Spanned(claim, qs, qe))
        return _Analysis(text, canonical, out, hits, mentions)

    def _fallback(self, results: list[_Analysis], current: str | None) -> None:
        """Add embedding claims for clauses no rule claimed, classifying all clauses in one batch."""
        if self.fallback is None:
            return
        todo: list[tuple[_Analysis, Clause]] = []
        for r in results:
            todo += [(r, c) for c in clauses(r.canonical) if c.end - c.start <= MAX_QUOTE * 2
                     and not any(s.start < c.end and c.start < s.end for s in r.spanned)]
        verdicts = self.fallback.classify([r.canonical[c.start : c.end] for r, c in todo])
        for (r, c), v in zip(todo, verdicts, strict=True):
            if v is None:
                continue
            risks = [h.risk for h in r.hits if c.start < h.end and h.start < c.end]
            conf = round(min(0.7, 0.5 + v.margin * 2), 3)
            claim = Claim(type=v.type, value=v.value, quote=r.text[c.start : c.end].strip(), confidence=conf,
                          product=attribute(r.mentions, c.start, current), risks=risks, method="embedding")
            r.spanned.append(_Spanned(claim, c.start, c.end))
            r.spanned.sort(key=lambda s: s.start)
