"""Generate a realistic multi-stream live-commerce corpus (templates × products × categories).

Each stream sells four products in turn; each product pitch mixes its promises (gift, price,
shipping, returns …, several phrasings each), product talk, filler chatter, risky lines and a
few ASR homophone slips. Every promise is a models.Claim on its utterance, as claims/ would
extract it, so questions can be labelled by (product, claim type, value key) or by risk rule.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from evals.search.catalog import Item, load_catalog
from models import Claim, ClaimType, Product, Risk, RiskRule, Utterance
from pipeline.sample import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[2]  # the source checkout: scripts/
MEDICAL_OK = {"g22", "g23"}  # products whose pitch includes medical-claim lines


@dataclass
class StreamData:
    stream: str
    merchant: str
    started_at: datetime
    utterances: list[Utterance]
    claims: list[Claim]
    risks: dict[str, list[Risk]]

    def batch(self) -> tuple[list[Utterance], list[Claim], str, datetime]:
        return self.utterances, self.claims, self.merchant, self.started_at


def products() -> list[Product]:
    return [Product(id=p.id, name=p.name, aliases=[p.short]) for p in load_catalog().products]


class _Writer:
    def __init__(self, stream: str, rng: random.Random) -> None:
        self.data = StreamData(stream, "shop-a", datetime(2026, 10, 1, 12, tzinfo=UTC), [], [], {})
        self.rng, self.t = rng, 0.0

    def say(self, text: str, claim: tuple[str, dict, str] | None = None, risk: str | None = None) -> None:
        if self.rng.random() < 0.1:  # an ASR homophone that correction missed
            for right, wrong in load_catalog().homophones:
                if right in text:
                    text = text.replace(right, wrong, 1)
                    break
        uid = f"{self.data.stream}-u{len(self.data.utterances):05d}"
        t0 = round(self.t + self.rng.uniform(0.3, 2.5), 2)
        t1 = round(t0 + len(text) / self.rng.uniform(3.5, 5.5), 2)
        self.t = t1
        self.data.utterances.append(Utterance(id=uid, stream_id=self.data.stream, t0=t0, t1=t1, text=text))
        risks = [Risk(rule=RiskRule(risk), quote=text)] if risk else []
        if claim:
            ctype, value, product = claim
            self.data.claims.append(
                Claim(
                    id=f"{uid}-c0",
                    stream_id=self.data.stream,
                    utterance_id=uid,
                    type=ClaimType(ctype),
                    value=value,
                    quote=text.rstrip("。！"),
                    t0=t0,
                    t1=t1,
                    product=product,
                    risks=risks,
                )
            )
        elif risks:
            self.data.risks[uid] = risks


def _fill(template: str, p: Item, link: int) -> str:
    return template.format(s=p.short, n=p.name, link=link, **p.facts)


def _pitch(w: _Writer, p: Item, link: int) -> None:
    rng, cat = w.rng, load_catalog()
    lines: list[tuple[str, tuple[str, dict, str] | None, str | None]] = []
    for (ctype, key), templates in cat.claim_templates.items():
        for template in rng.sample(templates, k=min(len(templates), rng.choice((1, 1, 2)))):
            value: dict[str, object] = {
                key: p.facts.get(
                    {
                        "item": "gift",
                        "amount": "price",
                        "within_hours": "ship",
                        "condition": "ret" if ctype == "return_policy" else "comp",
                        "assurance": "auth",
                        "audience": "suit",
                        "effect": "eff",
                        "attribute": "spec",
                    }.get(key, key),
                    "",
                )
            }
            if key == "carrier":
                value["free_shipping"] = True
            lines.append((_fill(template, p, link), (ctype, value, p.id), None))
    for _ in range(rng.randint(3, 6)):
        lines.append((_fill(rng.choice(cat.product_talk), p, link), None, None))
    for _ in range(rng.randint(4, 8)):
        lines.append((rng.choice(cat.chatter), None, None))
    rules = [r for r in cat.risk_templates if r != "medical_claim" or p.id in MEDICAL_OK]
    for rule in rng.sample(rules, k=rng.choice((0, 1, 1, 2))):
        text = _fill(rng.choice(cat.risk_templates[rule]), p, link)
        claim = {
            "absolute_term": ("price", {"discount": "全网最低"}, p.id),
            "medical_claim": ("efficacy", {"effect": "治疗"}, p.id),
        }.get(rule)
        lines.append((text, claim, rule))
    rng.shuffle(lines)
    w.say(_fill(cat.product_talk[0], p, link))
    for text, claim, risk in lines:
        w.say(text, claim, risk)


def generate(n_streams: int = 40, seed: int = 7) -> list[StreamData]:
    """`n_streams` streams; with n_streams ≥ 6 every product is sold in at least one of them."""
    return [_stream(i, seed) for i in range(n_streams)]


def _stream(i: int, seed: int) -> StreamData:
    rng, cat = random.Random(seed * 100_000 + i), load_catalog()
    w = _Writer(f"live-{i:03d}", rng)
    w.data.started_at += timedelta(days=i)
    w.data.merchant = "shop-a" if i % 3 else "shop-b"
    for _ in range(3):
        w.say(rng.choice(cat.chatter))
    for j in range(4):
        _pitch(w, cat.products[(i * 4 + j) % len(cat.products)], j + 1)
    return w.data


def iter_texts(n: int, seed: int = 11) -> Iterator[str]:
    """`n` utterance texts in corpus proportions (for the scale benchmark; no labels)."""
    i = 0
    while True:
        for u in _stream(i, seed).utterances:
            yield u.text
            n -= 1
            if n == 0:
                return
        i += 1


def sample_stream() -> tuple[StreamData, list[Product]] | None:
    """The bundled sample stream's sentences as utterances (truth file, else the host script)."""
    truth = SAMPLE_DIR / "sample_stream.truth.json"
    script = ROOT / "scripts" / "sample_stream_script.json"
    if truth.is_file():
        doc = json.loads(truth.read_text(encoding="utf-8"))
        rows = [
            (s["text"], s["start"], s["end"], s["product"], s["claims"], s.get("risks", []))
            for s in doc["sentences"]
        ]
    elif script.is_file():
        doc = json.loads(script.read_text(encoding="utf-8"))
        rows, t = [], 0.0
        for sec in doc["sections"]:
            for s in sec["sentences"]:
                end = t + len(s["text"]) / 4.5
                claims = [{**c, "product": sec["product"]} for c in s.get("claims", [])]
                rows.append((s["text"], t, end, sec["product"], claims, s.get("risks", [])))
                t = end + 0.4
    else:
        return None
    data = StreamData("sample", "shop-a", datetime(2026, 11, 1, 20, tzinfo=UTC), [], [], {})
    for i, (text, t0, t1, _product, claims, risks) in enumerate(rows):
        uid = f"sample-u{i:04d}"
        data.utterances.append(Utterance(id=uid, stream_id="sample", t0=t0, t1=t1, text=text))
        rs = [Risk(rule=RiskRule(r), quote=text) for r in risks]
        for j, c in enumerate(claims):
            data.claims.append(
                Claim(
                    id=f"{uid}-c{j}",
                    stream_id="sample",
                    utterance_id=uid,
                    type=ClaimType(c["type"]),
                    value=c["value"],
                    quote=c["quote"],
                    t0=t0,
                    t1=t1,
                    product=c.get("product"),
                    risks=rs if j == 0 else [],
                )
            )
        if rs and not claims:
            data.risks[uid] = rs
    prods = [Product(id=p["id"], name=p["name"], aliases=p.get("aliases", [])) for p in doc["products"]]
    return data, prods
