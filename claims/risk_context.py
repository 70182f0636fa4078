"""Is a risk word part of an advertising/selling statement, or everyday speech?

广告法 applies to advertising content: 第九条第三项 bans 最佳/最高级 words that describe goods or
services, not 我绝对不会迟到 or 最好早点睡. On real streamer speech most risk words are chat
(a PK countdown 最后10秒, praise 你最好看, a healing song 很治愈). So a *weak* risk word (one
that is everyday Chinese) counts only when it is in a selling context, and not in a personal
frame; *strong* words (全网最低, 销量第一, 无效退款, 私下交易) name price, sales, refunds or
trade themselves and always count.

Selling context, read in the sentence around the word (hard stops, at most ±WINDOW characters:
unpunctuated ASR runs on): a claim the rules found there, a mention of the stream's product,
or a selling cue (this product, price, ordering, stock, brand, shop, effect, a product noun).
Personal frame: the word is said of a person (我绝对…, 你最好看, 大哥最牛) in a clause with no
selling cue of its own. Advice: 最好 + a verb is "had better" (最好早点睡), not "the best".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claims.clauses import Clause, is_negated

WINDOW = 20
_HARD_STOP = re.compile(r"[。！？!?；;\n]")
_CLAUSE_STOP = re.compile(r"[，,。！？!?；;、\s]")

# What the host sells, its price and how to buy it. Words that are common in chat as well
# (宝贝 for a fan, 礼物 and 票 in PK battles, bare 买 and 拍 as in 拍照) are left out.
_SELLING = re.compile(
    r"这款|那款|款式|同款|新款|爆款|产品|商品|货品|品牌|牌子|厂家|工厂|店铺|本店|我们店|旗舰店|专柜|官方"
    r"|价格|价位|价钱|到手价|原价|活动价|专属价|直播价|秒杀|优惠|福利|折扣|打折|[领用]券|划算|便宜|性价比|包邮"
    r"|下单|拍下|拍[一两三几\d]+[单件个份套盒瓶]|去拍|赶紧拍|直接拍|可以拍|抓紧拍|抢购|开抢|上链接|链接|小黄车|购物车"
    r"|库存|现货|发货|售后|销量|卖得|卖爆|卖断|正品|入手|回购|囤货|下架|涨价|内部价|私下"
    r"|退货|退款|退换|无理由|运费险|保修|质保|包退|包换"  # after-sales terms (negated ones too)
    r"|质量|品质|效果|功效|成分|材质|面料|用料|配方|口感|好用|耐用"
    # product nouns (two or more characters: single ones like 水/粉/衣 are everywhere in chat)
    r"|面膜|面霜|精华|乳液|眼霜|口红|粉底|防晒|香水|洗面奶|洗发水|沐浴露|牙膏|护肤品|化妆品"
    r"|羽绒服|大衣|毛衣|卫衣|外套|衬衫|裙子|裤子|鞋子|包包"
    r"|大米|茶叶|蜂蜜|燕窝|阿胶|零食|坚果|保健品|胶囊|口服液|益生菌|酵素|减肥茶|奶粉"
    r"|手机壳|手机|耳机|充电宝|吹风机|电饭煲|空气净化器|净化器|扫地机|床垫|枕头|纸巾|抽纸|卷纸|湿巾|洗衣液|锅具|不粘锅"
    # "this + (measure word) + … + a product-noun head" (这个路由器, 这瓶面霜, 这个除湿盒) and using it
    r"|[这那](?:个|款|台|部|支|瓶|盒|件|条|双|套|把|只)[\u4e00-\u9fff]{0,4}?(?:器|仪|霜|液|膏|乳|露|锅|壶|裙|鞋|膜|茶|盒)"
    r"|[吃喝用涂抹擦敷贴]了?(?:这个|这款|它|一[瓶盒支片颗])"
)
_PERSON = r"(?:我|你|您|他|她|咱|我们|你们|他们|大哥|兄弟|哥|姐|老铁|家人们|宝宝们|粉丝|朋友)"
_PERSONAL = re.compile(rf"{_PERSON}(?:是|就是|也是|真的|才是|都|也|就|都是)?(?:全世界|全网|世界上)?(?:的)?$")
# 最好 read as "had better": followed by a verb or an adverb, not by 的/用/看... ("the best").
_ADVICE = re.compile(r"最好(?![的用吃喝看听穿闻卖玩使了啦呀啊哦嘛]|$|[，,。！？!?\s])")
# 绝对 + a verb commits the speaker to an action (绝对给你…, 绝对会来), it qualifies no product.
_COMMITMENT = re.compile(r"绝对(?:会|要|给|帮|去|来|能|可以|让|把|跟|放|喊|送|买|得|行|有|在)")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _HARD_STOP.finditer(text, 0, start)), default=0)
    stop = _HARD_STOP.search(text, end)
    right = stop.start() if stop else len(text)
    return max(left, start - WINDOW), min(right, end + WINDOW)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _CLAUSE_STOP.finditer(text, 0, start)), default=0)
    stop = _CLAUSE_STOP.search(text, end)
    return left, stop.start() if stop else len(text)


def selling_context(text: str, start: int, end: int, anchors: Sequence[tuple[int, int]]) -> bool:
    """A claim, a product mention (`anchors`: spans) or a selling cue in the sentence around
    [start, end), other than the risk word itself."""
    s0, s1 = _sentence(text, start, end)
    # a claim or cue made of the risk word itself (马上见效 is also an efficacy claim; 最好用
    # holds 好用) is no evidence of selling
    if any(a < s1 and s0 < b and not (start <= a and b <= end) for a, b in anchors):
        return True
    return any(m.end() <= start or m.start() >= end for m in _SELLING.finditer(text, s0, s1))


def personal(text: str, start: int, end: int) -> bool:
    """Said of a person (我绝对…, 你是最好的, 大哥最牛) in a clause with no selling cue of its own."""
    c0, c1 = _clause(text, start, end)
    if _SELLING.search(text, c0, c1):
        return False
    return bool(_PERSONAL.search(text[max(c0, start - 6) : start]))


def advice(text: str, start: int) -> bool:
    """最好 + a verb ("you had better …", to the viewer) or 绝对 + a verb (the speaker's own
    commitment): modal uses, not superlatives."""
    return bool(_ADVICE.match(text, start) or _COMMITMENT.match(text, start))


def counts(text: str, start: int, end: int, strong: bool, anchors: Sequence[tuple[int, int]]) -> bool:
    """Whether a risk word at [start, end) of canonical `text` is one a compliance reviewer should see."""
    c0, c1 = _clause(text, start, end)
    if is_negated(text, Clause(c0, c1), start, end):
        return False
    if strong:
        return True
    if advice(text, start) or personal(text, start, end):
        return False
    return selling_context(text, start, end, anchors)
