"""Compliance risk rules, each with its legal or platform-rule basis.

The lexicons are our own, written from the text of the 中华人民共和国广告法 (2021 revision)
and the platform's published rules, not copied from any third-party list:
- 第九条第三项 forbids "国家级、最高级、最佳等用语" → absolute_term (superlatives, 第一, 唯一, 顶级).
- 第十七条: outside medical/drug/device ads, no disease-treatment functions and no medical terms
  → medical_claim (治疗, 根治, 消炎, 降血压, 抗癌, 排毒 ...).
- 第四条 (no false or misleading content), 第二十八条第二款第二项 (performance/function not as
  stated), and the bans on efficacy assertions/guarantees in 第十六条第一款第二项 and
  第十八条第一款第一项 → efficacy_guarantee (保证有效, 无效退款, 三天见效, 永不反弹, 无副作用).
- 反不正当竞争法 第八条 and 规范促销行为暂行规定 第六条 (no false promotional information), with the
  platform's rules on 虚假宣传 → false_urgency (最后一天, 仅剩N单, 秒没, 马上涨价, 错过再等一年).
- 抖音电商 rules against 引导站外交易/私下交易 → off_platform (加微信, 私下转账, 去淘宝拍).

Each rule also has its *strong* words, which name price, sales rank, refunds or trade themselves
(全网最低, 销量第一, 无效退款, 私下交易); every other match is everyday Chinese as well (绝对,
最好, 最后10秒, 治愈, 加微信) and counts only in a selling context (claims/risk_context.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import lexicon
from claims.quantities import NUM
from claims.risk_context import counts
from models import Risk, RiskRule, Severity


@dataclass(frozen=True)
class RiskSpec:
    rule: RiskRule
    severity: Severity
    basis: str
    pattern: re.Pattern[str]
    strong: re.Pattern[str]  # matches that need no selling context


def _alternation(terms: list[str]) -> str:
    return "|".join(t.replace("{NUM}", NUM) for t in terms) or "(?!)"


def _specs() -> tuple[RiskSpec, ...]:
    """The rules of `lexicon/data/risks.toml`, in RiskRule order."""
    words = lexicon.terms("risks", "words")
    meta = {r["id"]: r for r in lexicon.table("risks")["rule"]}
    out = []
    for rule in RiskRule:
        mine = [t for t in words if rule.value in t.tags]
        weak = [t.text for t in mine if "strong" not in t.tags]
        strong = [t.text for t in mine if "strong" in t.tags]
        out.append(RiskSpec(rule, Severity(meta[rule.value]["severity"]), meta[rule.value]["basis"],
                            re.compile(_alternation(weak)), re.compile(_alternation(strong))))
    return tuple(out)


RISK_SPECS: tuple[RiskSpec, ...] = _specs()
RISK_BY_RULE: dict[RiskRule, RiskSpec] = {s.rule: s for s in RISK_SPECS}

# Every plain-word alternative of the risk lexicons, for the pinyin repairer (最后 from 罪后).
VOCABULARY = tuple(sorted({w for spec in RISK_SPECS for w in re.split(r"[|()?:]", spec.pattern.pattern)
                           if re.fullmatch(r"[\u4e00-\u9fff]{3,6}", w)}))

# Phrases that contain a risk word but are ordinary speech (最后一件事, 第一次, 绝对不会骗你 ...)
_BENIGN = re.compile(_alternation([t.text for t in lexicon.terms("risks", "benign")]))


@dataclass(frozen=True)
class RiskHit:
    risk: Risk
    start: int
    end: int


def find_risks(canonical: str, original: str, anchors: Sequence[tuple[int, int]] = ()) -> list[RiskHit]:
    """Risk matches a reviewer should see, in order; quotes are cut from `original` at the same span.

    `anchors` are spans of the text known to be selling (rule claims, product mentions); strong
    risk words are added to them. A weak risk word counts only in a selling context (see
    claims/risk_context.py)."""
    benign = [(m.start(), m.end()) for m in _BENIGN.finditer(canonical)]
    matches = [(spec, m, spec.strong.search(canonical, m.start(), m.end()) is not None)
               for spec in RISK_SPECS for m in spec.pattern.finditer(canonical)
               if m.end() > m.start() and not any(s <= m.start() < e for s, e in benign)]
    selling = [*anchors, *((m.start(), m.end()) for _, m, strong in matches if strong)]
    hits: list[RiskHit] = []
    for spec, m, strong in matches:
        if counts(canonical, m.start(), m.end(), strong, selling):
            risk = Risk(rule=spec.rule, quote=original[m.start() : m.end()], severity=spec.severity, basis=spec.basis)
            hits.append(RiskHit(risk, m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits
