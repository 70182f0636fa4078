"""All claim rules, in priority order (earlier rules win overlaps of the same type).

`VOCABULARY` is every literal word the rule lexicons list (effects, audiences, materials,
attribute names, carriers); the pinyin repairer uses it so a homophone of any of them is read
as the word itself. `COLLISIONS` are left out because a common everyday word sounds the same
(放水→防水, 宝石→保湿, 搬家→半价, 有小→有效; 国民→过敏 is kept: it only feeds event conditions).
"""

from claims.rules import logistics, offers, product, spec
from claims.rules.base import Hit, Rule, Value

RULES = (*logistics.RULES, *offers.RULES, *product.RULES)

COLLISIONS = frozenset({"防水", "保湿", "半价", "消毒", "吸水", "紧致", "有效", "长", "宽", "高", "厚"})
VOCABULARY = tuple(
    w
    for w in sorted({*product.EFFECTS, *product.AUDIENCE, *spec.MATERIALS, *spec.NAMED, *logistics.CARRIERS})
    if len(w) >= 2 and w not in COLLISIONS
)

__all__ = ["COLLISIONS", "RULES", "VOCABULARY", "Hit", "Rule", "Value"]
