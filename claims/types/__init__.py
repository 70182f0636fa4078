"""One module per claim type: its rules (exact patterns with value builders), its open value model
(`value(clause)`, for claims the classifier finds and no rule matched) and its docs.

Adding a claim type: a module here with `TYPE`, `RULES` and `value`, its entry in `MODULES`, the
enum member in `models.ClaimType`, and labelled examples in `claims/training/` (then
`make train-claims`). Changing a type's words: its file under `lexicon/data/`.

`VOCABULARY` is every literal word the type lexicons list (effects, audiences, materials,
attribute names, carriers); the pinyin repairer uses it so a homophone of any of them is read as
the word itself. `COLLISIONS` are left out because a common everyday word sounds the same
(放水→防水, 宝石→保湿, 搬家→半价, 有小→有效; 国民→过敏 is kept: it only feeds event conditions).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from claims.rule import Rule, Value
from claims.types import (
    authenticity,
    compensation,
    efficacy,
    gift,
    price,
    return_policy,
    shipping,
    spec,
    suitability,
)
from models import ClaimType

MODULES: tuple[ModuleType, ...] = (
    shipping, return_policy, compensation, gift, price, authenticity, suitability, efficacy, spec,
)
BY_TYPE: dict[ClaimType, ModuleType] = {m.TYPE: m for m in MODULES}
RULES: tuple[Rule, ...] = tuple(r for m in MODULES for r in m.RULES)

COLLISIONS = frozenset({"防水", "保湿", "半价", "消毒", "吸水", "紧致", "有效", "长", "宽", "高", "厚"})
VOCABULARY = tuple(
    w
    for w in sorted({*efficacy.EFFECTS, *suitability.AUDIENCE, *spec.MATERIALS, *spec.NAMED, *shipping.CARRIERS.values()})
    if len(w) >= 2 and w not in COLLISIONS
)


def value_of(type_: ClaimType) -> Callable[[str], Value]:
    """The open value model of a type: clause text → value dict (possibly empty)."""
    fn: Callable[[str], Value] = BY_TYPE[type_].value
    return fn


__all__ = ["BY_TYPE", "COLLISIONS", "MODULES", "RULES", "VOCABULARY", "value_of"]
