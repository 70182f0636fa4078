"""ClaimExtractor: utterances in, timestamped claims (with product, risks and confidence) out.

    extractor = ClaimExtractor(products, embedder=e5)      # cheap; models load on first use
    claims, risks = extractor.extract_text("下单送一片面膜，48小时发货")
    for claim in extractor.run(utterances): ...            # keeps which product is on screen

Two halves, one decision per claim type and risk rule:
- rules (claims/types/, claims/risks.py) run on a canonical copy of the text (same length,
  homophones repaired), so every quote is cut from what was said; they give exact values;
- the learned classifier (claims/classifier.py) scores the sentence and each window of it (a run of
  clauses: a type is present if any clause carries it), so claims no rule knows are found too.
A type is claimed where a rule matched (confidence 0.9; 0.8 when an ASR homophone was repaired
inside the match; lower where the classifier disagrees) or where the classifier's calibrated score
reaches `threshold` (confidence = the score, method "classifier", value from the type's open value
model). A hedge (可能明天发) keeps the claim and lowers its confidence; questions and negations are
not claims. Risks: a rule match (claims/risks.py, with its legal basis) or a classifier score over
the threshold in the same way.

The room decides how far the classifier is trusted (the guide: "when in doubt in a live-commerce
room, it is selling talk"; and the host's private life is not a claim). A `Room` counts the lines
with selling evidence (a promise a rule found, a product mention, a cue such as 链接/下单/到手价/库存);
in a selling room (≥ ROOM_SELLING of its lines) the classifier adds claims at `threshold`; in a
chat room (a gaming or talk stream, where such lines are ~2%) only to lines with evidence of their
own and at CHAT_THRESHOLD. A stream is one room (`extract_utterance`), so is one input file
(`claims.jsonl.extract_rows`); `extract_texts` without a room treats its batch as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from claims.classifier import LABELS, RISK_LABELS, TYPE_LABELS, ClaimClassifier
from claims.clauses import asks, clauses
from claims.engine import REPAIRER, Found, find, quote_span
from claims.products import Mention, ProductCatalog, attribute
from claims.risk_context import room_cue
from claims.risks import RISK_BY_RULE, RiskHit, find_risks
from claims.text import canonicalise
from claims.timing import span_times
from claims.types import value_of
from models import Claim, ClaimType, Product, Risk, RiskRule, Utterance

HEDGE_FACTOR = 0.7
DISAGREE = 0.2  # a rule claim the classifier scores below this keeps a lower confidence
MIN_WINDOW = 8  # characters: shorter clauses join the next one before they are scored alone
MAX_WINDOWS = 12
_PROMISES = frozenset({ClaimType.GIFT, ClaimType.SHIPPING, ClaimType.RETURN_POLICY, ClaimType.COMPENSATION,
                       ClaimType.PRICE, ClaimType.AUTHENTICITY})
ROOM_SELLING = 0.1  # share of lines with selling evidence above which a room is a selling room
CHAT_THRESHOLD = 0.85  # the classifier's bar in a chat room (for lines with evidence of their own)


class Room:
    """Selling evidence in one room so far: lines seen, lines with evidence. A new room starts from a
    prior of PRIOR_LINES lines of which PRIOR_SELLING sell (so one line alone is not a chat room)."""

    PRIOR_LINES = 10.0
    PRIOR_SELLING = 0.3

    def __init__(self) -> None:
        self.lines = 0
        self.selling_lines = 0

    def add(self, lines: int, selling: int) -> None:
        self.lines += lines
        self.selling_lines += selling

    @property
    def selling(self) -> float:
        """The share of selling lines, smoothed by the prior."""
        return (self.selling_lines + self.PRIOR_LINES * self.PRIOR_SELLING) / (self.lines + self.PRIOR_LINES)


class TextEmbedder(Protocol):
    """What the classifier needs from an embedding model: L2-normalised rows, one per text
    (index/embedder.py satisfies it; the passage vectors are the ones the index stores)."""

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class _Spanned:
    claim: Claim
    start: int
    end: int


@dataclass
class _Analysis:
    text: str
    canonical: str
    spanned: list[_Spanned]
    hits: list[RiskHit]
    mentions: list[Mention]
    withheld: list[tuple[str, int, int]] = field(default_factory=list)  # (type, start, end) negated/asked
    windows: list[tuple[int, int]] = field(default_factory=list)  # spans of the canonical text scored

    @property
    def evidence(self) -> bool:
        """Selling evidence of the line itself: a rule claim of a promise type, a catalog product
        mention, or a price, ordering, stock or after-sales word (not spec or efficacy alone: 这条鱼
        有三斤 and 好软 are said in chat streams too)."""
        return bool(any(s.claim.type in _PROMISES for s in self.spanned) or self.mentions or room_cue(self.canonical))


def windows(text: str) -> list[tuple[int, int]]:
    """The spans scored besides the whole text: clauses joined until at least MIN_WINDOW characters,
    and each pair of neighbours (a type may be said across a pause); none for a one-clause text."""
    parts = [(c.start, c.end) for c in clauses(text) if text[c.start : c.end].strip()]
    merged: list[tuple[int, int]] = []
    for start, end in parts:
        if merged and merged[-1][1] - merged[-1][0] < MIN_WINDOW:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    if len(merged) > 1 and merged[-1][1] - merged[-1][0] < MIN_WINDOW:
        last = merged.pop()
        merged[-1] = (merged[-1][0], last[1])
    if len(merged) <= 1:
        return []
    pairs = [(a[0], b[1]) for a, b in zip(merged, merged[1:], strict=False)]
    return (merged + pairs)[:MAX_WINDOWS]


class ClaimExtractor:
    """Rules + lexicons + pinyin-tolerant matching, and the learned classifier over each sentence."""

    def __init__(
        self,
        products: Sequence[Product] = (),
        embedder: TextEmbedder | None = None,
        classifier: ClaimClassifier | None = None,
        learned: bool = True,
        threshold: float = 0.5,
        embed_windows: bool = False,
    ) -> None:
        self.catalog = ProductCatalog(products)
        self.embedder = embedder if learned else None
        self.classifier = (classifier or shared_classifier()) if learned else None
        self.threshold = threshold
        self.embed_windows = embed_windows
        self.current_product: str | None = None  # the product the stream is presenting
        self.room = Room()  # the stream's selling evidence (extract_utterance)

    def extract_text(self, text: str) -> tuple[list[Claim], list[Risk]]:
        """Claims in `text` and ALL risks in it (attached or not). No stream state is used or changed."""
        (claims, risks), = self.extract_texts([text])
        return claims, risks

    def extract_texts(
        self, texts: Sequence[str], vectors: np.ndarray | None = None, room: Room | None = None
    ) -> list[tuple[list[Claim], list[Risk]]]:
        """`extract_text` for many texts at once (the classifier runs as one batch). `vectors`: the
        texts' e5 passage vectors when the caller has them already (the index embeds utterances).
        `room`: the room these lines are said in (updated); by default the batch is its own room."""
        results = [self._rules(t, None) for t in texts]
        room = room if room is not None else Room()
        room.add(len(results), sum(r.evidence for r in results))
        self._learned(results, None, vectors, room.selling)
        return [([s.claim for s in r.spanned], [h.risk for h in r.hits]) for r in results]

    def extract_utterance(
        self, utt: Utterance, vector: np.ndarray | None = None
    ) -> tuple[list[Claim], list[Risk]]:
        """Claims of one utterance (ids, times, product filled) and the risks attached to none of them."""
        r = self._rules(utt.text, self.current_product)
        self.room.add(1, int(r.evidence))
        self._learned([r], self.current_product, None if vector is None else vector.reshape(1, -1), self.room.selling)
        self.current_product = r.mentions[-1].product_id if r.mentions else self.current_product
        claims = []
        for n, s in enumerate(r.spanned):
            t0, t1 = span_times(utt, s.start, s.end)
            claims.append(s.claim.model_copy(update={
                "id": f"{utt.id}:c{n}", "stream_id": utt.stream_id, "utterance_id": utt.id, "t0": t0, "t1": t1,
            }))
        loose = [h.risk for h in r.hits if not any(s.start < h.end and h.start < s.end for s in r.spanned)]
        return claims, loose

    def run(self, utterances: Iterable[Utterance]) -> Iterator[Claim]:
        """Claims of each utterance in order, keeping the product flow across utterances."""
        for utt in utterances:
            claims, _ = self.extract_utterance(utt)
            yield from claims

    def _rules(self, text: str, current: str | None) -> _Analysis:
        canonical = canonicalise(text, self.catalog.repairer, REPAIRER)
        mentions = self.catalog.mentions(canonical) if self.catalog else []
        withheld: list[Found] = []
        found = find(canonical, withheld)
        anchors = [(f.start, f.end) for f in found] + [(m.start, m.end) for m in mentions]
        hits = find_risks(canonical, text, anchors)
        out: list[_Spanned] = []
        for f in found:
            qs, qe = quote_span(text, f)
            repaired = canonical[f.start : f.end] != text[f.start : f.end]
            risks = [h.risk for h in hits if qs < h.end and h.start < qe]
            conf = (0.8 if repaired else 0.9) * (HEDGE_FACTOR if f.hedged else 1.0)
            claim = Claim(type=f.type, value=f.value, quote=text[qs:qe], confidence=round(conf, 3),
                          product=attribute(mentions, f.start, current), risks=risks)
            out.append(_Spanned(claim, qs, qe))
        return _Analysis(text, canonical, out, hits, mentions, [(f.type.value, f.start, f.end) for f in withheld])

    def _learned(self, results: list[_Analysis], current: str | None, vectors: np.ndarray | None,
                 selling: float) -> None:
        """Score every text and its windows in one batch; add what the rules missed."""
        if self.classifier is None or not results:
            return
        spans: list[tuple[int, int, int]] = []  # (result index, start, end); start = -1: the whole text
        for i, r in enumerate(results):
            spans.append((i, -1, -1))
            r.windows = windows(r.canonical)
            spans += [(i, s, e) for s, e in r.windows]
        texts = [results[i].canonical if s < 0 else results[i].canonical[s:e] for i, s, e in spans]
        if self.embedder is None:
            probs = self.classifier.predict(texts)
        else:
            whole = vectors if vectors is not None else self.embedder.encode_passages([r.canonical for r in results])
            probs = np.zeros((len(spans), len(LABELS)), dtype=np.float32)
            is_whole = np.array([s < 0 for _, s, _ in spans])
            probs[is_whole] = self.classifier.predict([r.canonical for r in results], np.asarray(whole, np.float32))
            parts = [t for t, w in zip(texts, is_whole, strict=True) if not w]
            if parts:
                part_vecs = self.embedder.encode_passages(parts) if self.embed_windows else None
                probs[~is_whole] = self.classifier.predict(parts, part_vecs)
        by_result: dict[int, list[tuple[int, int, np.ndarray]]] = {}
        for (i, s, e), p in zip(spans, probs, strict=True):
            by_result.setdefault(i, []).append((s, e, p))
        for i, scored in by_result.items():
            self._decide(results[i], scored, current, selling)

    def _decide(self, r: _Analysis, scored: list[tuple[int, int, np.ndarray]], current: str | None,
                selling: float) -> None:
        best = np.max(np.stack([p for _, _, p in scored]), axis=0)
        # what asks is no claim (the guide): 有宝宝问多久发货 scores high for shipping, and must not count
        scored = [(s, e, p) for s, e, p in scored if not asks(r.canonical if s < 0 else r.canonical[s:e])]
        told = np.max(np.stack([p for _, _, p in scored]), axis=0) if scored else np.zeros_like(best)
        if selling >= ROOM_SELLING:
            bar = self.threshold
        elif r.evidence:
            bar = max(self.threshold, CHAT_THRESHOLD)
        else:
            bar = 2.0  # a chat room's line with no selling evidence: the rules alone
        have = {s.claim.type.value for s in r.spanned}
        for j, label in enumerate(TYPE_LABELS):
            if label in have:
                if best[j] < DISAGREE:
                    self._lower(r, label)
                continue
            free = self._scores_outside(r, label, scored)
            score = max((float(p[j]) for _, _, p in free), default=0.0)
            if score >= bar:
                self._add_claim(r, ClaimType(label), j, free, score, current)
        ruled = {h.risk.rule.value for h in r.hits}
        for j, label in enumerate(RISK_LABELS, start=len(TYPE_LABELS)):
            rule = label.removeprefix("risk:")
            if rule not in ruled and told[j] >= bar:
                self._add_risk(r, RiskRule(rule), j, scored)

    @staticmethod
    def _scores_outside(r: _Analysis, label: str, scored: list[tuple[int, int, np.ndarray]],
                        ) -> list[tuple[int, int, np.ndarray]]:
        """The scored spans that hold no negated or questioned rule match of `label` (不支持七天无理由:
        n-grams see 七天无理由 and not the 不; the rules know better). The whole text counts only when
        nothing of that type was withheld."""
        held = [(s, e) for t, s, e in r.withheld if t == label]
        if not held:
            return scored
        return [(s, e, p) for s, e, p in scored
                if s >= 0 and not any(s < he and hs < e for hs, he in held)]

    @staticmethod
    def _lower(r: _Analysis, label: str) -> None:
        r.spanned[:] = [
            _Spanned(s.claim.model_copy(update={"confidence": round(s.claim.confidence * 0.75, 3)}), s.start, s.end)
            if s.claim.type.value == label else s for s in r.spanned
        ]

    def _span_for(self, r: _Analysis, j: int, scored: list[tuple[int, int, np.ndarray]]) -> tuple[int, int]:
        """The narrowest scored window whose score for label j reaches the threshold (the best of
        them), else the whole text; trimmed of spaces and punctuation at both ends."""
        windows_ = [(s, e, p[j]) for s, e, p in scored if s >= 0 and p[j] >= self.threshold]
        if windows_:
            s, e, _ = max(windows_, key=lambda w: (w[2], -(w[1] - w[0])))
        else:
            s, e = 0, len(r.text)
        while s < e and re.match(r"[\s，。！？,.!?；;、]", r.text[s]):
            s += 1
        while e > s and re.match(r"[\s，。！？,.!?；;、]", r.text[e - 1]):
            e -= 1
        return s, e

    def _add_claim(self, r: _Analysis, type_: ClaimType, j: int, scored: list[tuple[int, int, np.ndarray]],
                   score: float, current: str | None) -> None:
        s, e = self._span_for(r, j, scored)
        risks = [h.risk for h in r.hits if s < h.end and h.start < e]
        claim = Claim(type=type_, value=value_of(type_)(r.canonical[s:e]), quote=r.text[s:e],
                      confidence=round(score, 3), product=attribute(r.mentions, s, current), risks=risks,
                      method="classifier")
        r.spanned.append(_Spanned(claim, s, e))
        r.spanned.sort(key=lambda x: x.start)

    def _add_risk(self, r: _Analysis, rule: RiskRule, j: int, scored: list[tuple[int, int, np.ndarray]]) -> None:
        s, e = self._span_for(r, j, scored)
        spec = RISK_BY_RULE[rule]
        risk = Risk(rule=rule, quote=r.text[s:e], severity=spec.severity, basis=spec.basis)
        r.hits.append(RiskHit(risk, s, e))
        r.hits.sort(key=lambda h: h.start)
        r.spanned[:] = [
            _Spanned(x.claim.model_copy(update={"risks": [*x.claim.risks, risk]}), x.start, x.end)
            if x.start < e and s < x.end else x for x in r.spanned
        ]


_SHARED: ClaimClassifier | None = None


def shared_classifier() -> ClaimClassifier:
    """One classifier per process (its weights load once, on first use)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = ClaimClassifier()
    return _SHARED


