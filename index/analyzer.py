"""Text → index terms for Chinese live-commerce speech: jieba words, character bigrams, claim tags.

Chinese has no spaces, so a whitespace tokenizer sees one "word" per sentence. Words come from a
private jieba dictionary with the domain's words added (敏感肌, 运费险, product names); character
bigrams are a second field that still matches when ASR or jieba splits a word differently
(敏感机 for 敏感肌, an unknown brand name). Agents ask in their own words (赠品 where the host
said 送); a small glossary maps those words, and English ones, onto the host's vocabulary.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

import jieba

from models import ClaimType

DOMAIN_WORDS: tuple[str, ...] = (
    "敏感肌",
    "油皮",
    "干皮",
    "混油皮",
    "孕妇",
    "哺乳期",
    "宝宝",
    "婴儿",
    "儿童",
    "老人",
    "包邮",
    "发货",
    "顺丰",
    "圆通",
    "中通",
    "韵达",
    "极兔",
    "京东",
    "运费险",
    "偏远地区",
    "无理由",
    "七天无理由",
    "退货",
    "退款",
    "包退",
    "包换",
    "包赔",
    "破损包赔",
    "假一赔十",
    "赠品",
    "赠送",
    "加送",
    "到手价",
    "原价",
    "半价",
    "第二件",
    "优惠券",
    "秒杀",
    "满减",
    "正品",
    "旗舰店",
    "品牌授权",
    "厂家直销",
    "保质期",
    "直播间",
    "上链接",
    "小黄车",
    "不粘锅",
    "保温杯",
    "洗面奶",
    "防晒霜",
    "精华液",
    "面膜",
    "抽纸",
    "纸尿裤",
    "蓝牙耳机",
    "充电宝",
    "羽绒服",
    "运动鞋",
    "猫粮",
    "狗粮",
    "螺蛳粉",
    "牛肉干",
    "坚果",
    "洗衣凝珠",
    "保鲜盒",
    "垃圾袋",
    "牙刷",
    "口红",
    "泡脚包",
    "蜂蜜",
    "玻尿酸",
    "氨基酸",
    "烟酰胺",
)

STOPWORDS: frozenset[str] = frozenset(
    "的 了 吗 呢 吧 啊 呀 哦 嘛 么 是 我 你 您 她 他 它 们 我们 你们 她们 他们 这 那 个 这个 那个 "
    "这款 那款 什么 怎么 怎么样 能 能不能 可以 可不可以 有 有没有 没有 不 就 都 也 还 在 和 与 "
    "说 讲 说过 讲过 主播 当时 直播 直播间 里 一下 到底 是不是 吗 呀 啦 嗯 哈 "
    "a an the is are was were do does did she he it they we you i to of in on for and or "
    "what which how about any there that this will be".split()
)

# Agent's word → host's words. Keys are matched against the query's own terms.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "赠品": ("送", "赠送", "加送"),
    "礼品": ("送", "赠品"),
    "送啥": ("送", "赠品"),
    "快递": ("发货", "发"),
    "物流": ("发货", "快递"),
    "运费": ("包邮",),
    "邮费": ("包邮",),
    "退": ("退货", "无理由"),
    "退换": ("退货", "包换"),
    "退钱": ("退款", "包退"),
    "赔偿": ("赔", "包赔"),
    "赔": ("包赔", "假一赔十"),
    "假货": ("正品", "假一赔十"),
    "价格": ("价", "元", "到手价"),
    "多少钱": ("价", "元", "到手价"),
    "优惠": ("半价", "减", "优惠券"),
    "皮肤": ("肌",),
    "过敏": ("敏感肌", "包退"),
    "怀孕": ("孕妇",),
    "小孩": ("儿童", "宝宝"),
    "孩子": ("儿童", "宝宝"),
    "宝宝": ("婴儿", "儿童"),
    "发出": ("发货",),
    "发出去": ("发货",),
    "哪天": ("发货",),
    "多久": ("小时", "天"),
    "多长时间": ("小时", "天"),
    "尺寸": ("规格", "厘米"),
    "多大": ("规格", "厘米"),
    "直径": ("规格", "厘米"),
    "规格": ("厘米", "克"),
    "能用": ("适合", "适用"),
    "能穿": ("适合",),
    "能吃": ("适合",),
    "能戴": ("适合",),
    "可以用": ("适合",),
    "续航": ("小时",),
    "充电": ("续航",),
    "充一次电": ("续航",),
    "功效": ("效果",),
    "作用": ("效果",),
    "坏": ("换新", "包换"),
    "坏了": ("换新", "包换"),
    "礼物": ("送", "赠品"),
    "送": ("赠品", "赠送"),
    "free": ("包邮",),
    "shipping": ("发货", "包邮"),
    "ship": ("发货",),
    "delivery": ("发货", "快递"),
    "gift": ("送", "赠品"),
    "gifts": ("送", "赠品"),
    "freebie": ("送", "赠品"),
    "return": ("退货", "无理由"),
    "returns": ("退货", "无理由"),
    "refund": ("退款", "包退"),
    "sensitive": ("敏感肌",),
    "pregnant": ("孕妇",),
    "baby": ("宝宝", "婴儿"),
    "kids": ("儿童",),
    "price": ("价", "元"),
    "cost": ("价", "元"),
    "discount": ("半价", "优惠"),
    "genuine": ("正品",),
    "authentic": ("正品",),
    "fake": ("假一赔十", "正品"),
    "compensation": ("赔",),
    "waterproof": ("防水",),
    "warranty": ("保修", "换新"),
    "replace": ("换新", "包换"),
    "broken": ("破损", "包赔"),
    "damaged": ("破损", "包赔"),
    "seven": ("七天",),
    "days": ("天",),
    "hours": ("小时",),
    "hot": ("保温",),
    "cable": ("数据线",),
    "pregnancy": ("孕妇",),
    "kitten": ("幼猫",),
    "size": ("规格", "尺寸"),
    "spicy": ("辣",),
    # category nouns, so an English question can name what was sold
    "face mask": ("面膜",),
    "mask": ("面膜",),
    "cleanser": ("洗面奶", "洁面"),
    "sunscreen": ("防晒",),
    "lipstick": ("口红",),
    "serum": ("精华",),
    "pan": ("锅",),
    "pot": ("锅",),
    "wok": ("锅",),
    "container": ("保鲜盒",),
    "thermos": ("保温杯", "杯子"),
    "cup": ("杯子",),
    "bottle": ("杯子",),
    "tissue": ("纸巾", "抽纸"),
    "paper": ("纸巾", "抽纸"),
    "laundry": ("洗衣", "凝珠"),
    "pod": ("凝珠",),
    "trash": ("垃圾袋",),
    "garbage": ("垃圾袋",),
    "toothbrush": ("牙刷",),
    "diaper": ("纸尿裤", "拉拉裤"),
    "nut": ("坚果",),
    "noodle": ("粉",),
    "jerky": ("牛肉干",),
    "beef": ("牛肉",),
    "jacket": ("羽绒服",),
    "down jacket": ("羽绒服",),
    "shoe": ("鞋",),
    "sneaker": ("鞋",),
    "headphone": ("耳机",),
    "earbud": ("耳机",),
    "earphone": ("耳机",),
    "power bank": ("充电宝",),
    "charger": ("充电宝",),
    "cat food": ("猫粮",),
    "honey": ("蜂蜜",),
    "earring": ("耳钉",),
    "free shipping": ("包邮",),
}

# Claim-type words added to a claim-bearing utterance, so "赠品是什么" finds "再加一个化妆包".
CLAIM_TAGS: dict[ClaimType, tuple[str, ...]] = {
    ClaimType.GIFT: ("赠品", "送"),
    ClaimType.SHIPPING: ("发货", "快递"),
    ClaimType.RETURN_POLICY: ("退货", "售后"),
    ClaimType.COMPENSATION: ("赔", "售后"),
    ClaimType.PRICE: ("价", "优惠"),
    ClaimType.AUTHENTICITY: ("正品",),
    ClaimType.SUITABILITY: ("适合", "适用"),
    ClaimType.EFFICACY: ("效果",),
    ClaimType.SPEC: ("规格",),
}

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")


class JiebaAnalyzer:
    """Splits text into BM25 terms. Thread-safe; jieba's dictionary loads on first use."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._extra = tuple(extra_words)
        self._jieba: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    def _tokenizer(self) -> jieba.Tokenizer:
        with self._lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()  # a private dictionary: other stages' add_word calls stay theirs
                for word in DOMAIN_WORDS + self._extra:
                    tok.add_word(word, freq=20000)
                self._jieba = tok
        return self._jieba

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the tokenizer more words (product names, brands); affects text analysed later."""
        tok = self._tokenizer()
        with self._lock:
            for word in words:
                if len(word) >= 2:
                    tok.add_word(word, freq=20000)

    def words(self, text: str) -> list[str]:
        """jieba search-mode words, lower-cased, stopwords and punctuation dropped."""
        out = []
        for w in self._tokenizer().lcut_for_search(text, HMM=False):  # no made-up words (送酸笋)
            w = w.strip().lower()
            if w and w not in STOPWORDS and _KEEP.search(w):
                out.append(w)
        return out

    @staticmethod
    def bigrams(text: str) -> list[str]:
        """Overlapping Han-character bigrams (single characters for one-character runs)."""
        out: list[str] = []
        for run in _HAN_RUN.findall(text):
            if len(run) == 1:
                if run not in STOPWORDS:
                    out.append(run)
                continue
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        return out

    def query_words(self, text: str) -> tuple[list[str], list[str]]:
        """(the query's own words, glossary expansions of them in the host's vocabulary)."""
        own = self.words(text)
        seen = set(own)
        expanded = []
        keys = own + [f"{a} {b}" for a, b in zip(own, own[1:], strict=False)]  # English two-word names
        for w in keys:
            for extra in glossary(w):
                if extra not in seen:
                    seen.add(extra)
                    expanded.append(extra)
        return own, expanded


def glossary(word: str) -> tuple[str, ...]:
    """The host's words for an agent's word, trying English singulars (tissues → tissue)."""
    if word in GLOSSARY:
        return GLOSSARY[word]
    if word.isascii():
        for suffix in ("s", "es", "ed", "d"):
            if word.endswith(suffix) and word[: -len(suffix)] in GLOSSARY:
                return GLOSSARY[word[: -len(suffix)]]
    return ()
