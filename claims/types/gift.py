"""Gift claims: anything given free for buying or taking part (下单送一片面膜, 买二送一, 前两名免单).

value {item, quantity, condition}: 下单送一片面膜 → {"item": "面膜", "quantity": 1, "condition": "下单"};
买二送一 → {"item": "同款", "quantity": 1, "condition": "买2"}. A viewer's virtual gift to the host
(谢谢大哥送的嘉年华; the names are `lexicon/data/virtual_gifts.toml`) is never a gift claim.
"""

from __future__ import annotations

import re

import lexicon
from claims.clauses import order_condition
from claims.quantities import NUM, to_number
from claims.rule import Hit, Rule, Value, rule
from models import ClaimType

TYPE = ClaimType.GIFT
G = TYPE
CL = r"(?:片|个|支|瓶|盒|包|袋|双|件|套|张|条|只|份|罐|管|根|块|把|本|对|副|台|斤|支装|颗|枚|杯|桶|卷|瓶装)"
_TO = r"(?:你们|你|您|大家|家人们|宝宝们|姐妹们|各位|给你们|给你|给大家|给您)"
_AND = r"和(?!田)|跟|以及|还有|外加|再加"  # a gift list goes on: 一个杯套和一把杯刷 (not 和田玉)
_PEOPLE = r"朋友|家人|姐妹|闺蜜|老公|老婆|孩子|宝宝|妈妈|爸爸|同事|同学"
_STOP = re.compile(r"(?:哦|啊|呀|哈|了|的话|呢|吧|呗|啦|给|都|还|再|和|跟|加|一起|包邮|就|噢|嘛|咯|喔|免费|到手|作为|当|价值|外加)")
# what follows 送 but is not goods: money, people, words, deliveries (送到, 送达, 送货)
_NOT_GOODS_WORDS = ("钱", "孩子", "一送", "送", "不起", "门", "客", "运费险", "到", "达", "货", "给", "的", "礼物", "没",
                    "句", "首", "声", "波", "赞", "祝福", "花", "上", "走", "回", "出", "惊喜")
_NOT_ITEMS = tuple(t.text for t in lexicon.terms("virtual_gifts")) + ("票", "字") + _NOT_GOODS_WORDS


# A gift is goods: not a phrase with a pronoun (送一个真的爱你, 送66一组咱们…) nor a quantity
# word (多送点); when the words after 送 name something else, there is no gift at all.
_NOT_GOODS = re.compile(r"[你我他她咱]")
_AMOUNT_WORDS = frozenset({"点", "一点", "些", "一些", "下", "一下", "点点"})


def _item(raw: str) -> str | None:
    """The gift item named in `raw` ("" when nothing is named, None when what is named is not goods)."""
    cut = _STOP.search(raw)
    item = (raw[: cut.start()] if cut else raw).strip("的 ")
    if not item:
        return ""
    if any(item.startswith(x) for x in _NOT_ITEMS) or _NOT_GOODS.search(item) or item in _AMOUNT_WORDS:
        return None
    return item


def _gift_item(h: Hit) -> tuple[str, int | float | None] | None:
    """(item, quantity) of a 送 match, or None when it names no goods."""
    qty = to_number(h.group(1)) if h.group(1) else None
    item = _item(h.group(3) or "")
    if item is None:
        return None
    if item and qty is None:  # 送同款小样一份: the count comes after the item
        tail = re.search(rf"({NUM}){CL}$", item)
        if tail and tail.start() > 0:
            qty, item = to_number(tail.group(1)), item[: tail.start()]
    if not item and qty is not None and h.group(2):
        named = re.sub(r"^(?:这个|那个|这款|我们的?)", "", h.before)
        named_ok = re.fullmatch(r"[\u4e00-\u9fff]{1,6}", named) and _item(named) and not order_condition(named)
        item = named if named_ok else "同款"  # 买了一件就送一件: the condition is not an item
    return (item, qty) if item else None


def counted_item(text: str) -> Value:
    """{item, quantity} of the last counted goods in `text` (放一包湿巾 → 湿巾, 1); {} when none."""
    for m in reversed(list(re.finditer(rf"(?=({NUM})\s*{CL}([\u4e00-\u9fff]{{1,6}}))", text))):
        item, qty = _item(m.group(2)), to_number(m.group(1))
        if item and isinstance(qty, int):
            return {"item": item, "quantity": qty}
    return {}


def value(clause: str) -> Value:
    """The value of a gift claim no rule matched (the classifier found it): the counted goods and
    the order condition of the clause, as far as they are said."""
    return {**counted_item(clause), "condition": order_condition(clause)}


@rule(G, rf"(?:赠送|加送|再送|还送|额外送|多送|免费送|白送|附赠|送|赠(?!品))(?!到|达|货|给他|给她|礼物|走|你们走|出去|人|的|我|他|她|了|来|过)(?:{_TO})?\s*({NUM})?\s*({CL})?\s*((?:(?!{_AND})[\u4e00-\u9fffa-z0-9]){{0,10}})")
def gift_item(h: Hit) -> Value | None:
    found = _gift_item(h)
    if found is None:
        return None
    item, qty = found
    cond = _gift_condition(h)
    verb_recipient = h.group(0)[: len(h.group(0)) - len(h.group(3) or "")]
    strong = re.search(r"赠|加送|再送|还送|额外|多送|免费送|白送|就送|都送|你们|大家|家人们|宝宝们|姐妹们|各位",
                       verb_recipient + h.before[-2:])
    counted = qty is not None and (item == "同款" or len(item) >= 2)
    if cond is None and not strong and not counted:
        return None  # 送个比心 / 你送玫瑰花: viewers' virtual gifts, not a merchant's promise
    if re.search(r"(?:你|我|他|她|谁|大哥|给我|给他)(?:也|就|都|还)?$", h.before) or re.search(r"谢", h.clause_text):
        return None  # 谢谢X送的: thanks for a viewer's gift
    v: Value = {"item": item, "quantity": qty if isinstance(qty, int) else None}
    v["condition"] = cond
    return v


@rule(G, rf"(?:{_AND})\s*({NUM})\s*({CL})\s*((?:(?!{_AND})[\u4e00-\u9fff]){{1,8}})")
def gift_also(h: Hit) -> Value | None:
    """The next item of a gift list (再送一个杯套和一把杯刷): its own claim, since each can go missing."""
    gives = r"(?:赠送|加送|再送|还送|额外送|多送|免费送|白送|附赠|送|赠)[^，。！？]*$"
    # the list may go on after a pause: 再送一个杯套，和一把杯刷, when that clause is the item
    # alone (not 和一个朋友一起买)
    opens_clause = not h.before.strip()
    before = h.previous_clause.rstrip("，,、 ") if opens_clause else h.before
    if not re.search(gives, before) or re.search(r"不|没|别|无", before):
        return None
    item, qty = _item(h.group(3)), to_number(h.group(1))
    if not item or not isinstance(qty, int):
        return None
    if opens_clause and (len(item) > 4 or h.m.end() < h.clause.end or re.search(_PEOPLE, item)):
        return None
    return {"item": item, "quantity": qty, "condition": _gift_condition(h)}


def _gift_condition(h: Hit) -> str | None:
    """Conditions before the gift in its clause, else in the previous clause unless that one has its own gift."""
    cond = order_condition(h.before)
    prev = h.previous_clause
    if cond is None and prev and not re.search(r"送|赠", prev):
        cond = order_condition(prev)
    return cond


@rule(G, rf"(?:买|拍)了?({NUM})(?:件|个|瓶|盒|套|份|单|支|双|包|袋|箱)?(?:的)?(?:就)?(?:送|赠|再送)({NUM})(?:件|个|瓶|盒|套|份|支|双|包|袋|箱)?(?![\u4e00-\u9fff]{{0,1}}(?:面膜|小样))")
def buy_n_get_m(h: Hit) -> Value | None:
    a, b = to_number(h.group(1)), to_number(h.group(2))
    if not isinstance(a, int) or not isinstance(b, int):
        return None
    return {"item": "同款", "quantity": b, "condition": f"买{a}"}


@rule(G, r"(?:有|带|附|附带|还有|加)赠品|赠品(?:是|有)([\u4e00-\u9fff]{1,8})")
def gift_word(h: Hit) -> Value | None:
    if h.group(1) and _item(h.group(1)) is None:
        return None  # 赠品是没有的
    item = _item(h.group(1) or "") or "赠品"
    return {"item": item, "quantity": None, "condition": _gift_condition(h)}


RULES: tuple[Rule, ...] = (gift_item, gift_also, buy_n_get_m, gift_word)
