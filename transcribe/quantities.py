"""Repairs of misheard quantities: the numbers and units promises are counted in.

Whisper base writes a spoken numeral or unit as something that sounds the same but is not a
number, and the claims stage then finds no quantity:

- 十 (shí) heard as 是/视/时/实…, between a counted package and its unit: 一盒视片 → 一盒十片;
- the unit 提 (tí, a pack of tissues or drinks) written as the letter T after a number:
  1T12包 → 1提12包, 一T只要 → 一提只要 (a T before 硬盘/内存 or any other word stays);
- 买 (mǎi) heard as 卖/埋/迈/麦 in a buy-N-get-M offer: 卖一盒送一盒 → 买一盒送一盒,
  埋三箱送一箱 → 买三箱送一箱 (a seller says 买 to the buyer; 卖 before 送 is a mishearing);
- 九 (jiǔ) heard as 酒/久 after a price in 块: 29块酒 → 29块九;
- 抽 (chōu, the sheets in a pack of tissues) heard as 臭/仇/丑/愁 after a number: 每包100臭 →
  每包100抽 (no other word of that sound follows a count);
- 拍 (pāi, to order) heard as 排/牌/派 before a count of packages: 排两件 → 拍两件,
  排三包包邮 → 拍三包包邮 (排两个小时 stays: 个 is no package);
- 一 heard as 衣/依/医 before a package or 张, unless it ends a word (上衣套装, 洗衣凝珠): 买衣盒送衣盒 → 买一盒送一盒, 领衣张券 → 领一张券;
- 和 heard as 合 (both hé) opening a clause before a count, the next item of a list:
  再送一个杯套，合一把杯刷 → 再送一个杯套，和一把杯刷;
- a spend-and-save offer 满 X 减 Y heard as 买/慢 X 件/简/剪 Y: 买一百件二十 → 满一百减二十,
  满两百简三十 → 满两百减三十 (only with a threshold of 10 or more and a smaller discount:
  买两件二十 stays);
- a measure word heard as another character of the very same sound (tones included) right
  after a number: 一盒有30代 → 30袋, 两贯 → 两罐, 39-45马 → 39-45码, 二百二十福 → 二百二十伏;
  not where the number and the character make a word (两代, 四声), nor after 第 or a lone 一;
- 月 heard as 元 in a count of months: 保质期十八个元 → 十八个月, 两个多元 → 两个多月 (元素, 元旦 stay);
- 十二号链接 heard for 二号链接, when the stream's products are numbered, 12 is not a link
  and 2 is.

Each repair is returned as a `Correction`, so the original stays on record. The first two keep
the text's length; the link repair shortens it by one character and moves later corrections.
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an
import jieba
from pypinyin import Style, pinyin

from models import Correction

_NUMERAL = "一二两三四五六七八九十百0-9"
_PACKAGES = "盒包提箱袋瓶罐桶套件"
_UNITS = "片包个袋瓶盒抽张层支颗粒条块元克斤卷只双"
# characters read shí that Whisper writes where 十 was said
_SHI = "是事视时实石世式试市室识食拾"
_TEN_RE = re.compile(rf"(?<=[{_NUMERAL}][{_PACKAGES}])[{_SHI}](?=[{_UNITS}])")
_TI_RE = re.compile(rf"(?<=[{_NUMERAL}])[Tt](?=[{_NUMERAL}]|只要|只需|就|装|送)")
_BUY_RE = re.compile(rf"[卖埋迈麦](?=[{_NUMERAL}]+[{_PACKAGES}{_UNITS}]?送)")
_SHEETS_RE = re.compile(rf"(?<=[{_NUMERAL}])[臭仇丑愁瞅](?![\u4e00-\u9fff])")
_AND_RE = re.compile(r"(?<=[，,、\s])合(?=[一两二三四五六七八九十1-9][把个支瓶盒包袋张条双套件只片])")
_ORDER_RE = re.compile(rf"[排牌派](?=[{_NUMERAL}]+[{_PACKAGES}单])")
_ONE_RE = re.compile(r"[衣依医](?=[盒包提箱瓶罐桶套件张])")
# 月 (yuè) heard as 元 after a count of months: 保质期十八个元 → 十八个月 (N个元 is no amount of
# money; where 元 starts a word, 一个元宝, 三个元素, it stays)
_MONTH_RE = re.compile(rf"(?:(?<=[{_NUMERAL}半]个)|(?<=[{_NUMERAL}半]个多))元")
_NINE_RE = re.compile(rf"(?<=[{_NUMERAL}]块)[酒久](?=[，。！？、,.!?\s]|$)")  # 块酒心巧克力 stays
_OFFER_RE = re.compile(
    rf"(?<![{_NUMERAL}])([满买慢曼蛮])([{_NUMERAL}千]+)([减件简剪见建检捡])([{_NUMERAL}]+)(?![{_NUMERAL}]*[件个])"
)
# commerce measure words and units, by their reading as a measure word
_MEASURES = {
    "袋": "dai4", "盒": "he2", "箱": "xiang1", "瓶": "ping2", "罐": "guan4", "包": "bao1",
    "片": "pian4", "支": "zhi1", "只": "zhi1", "件": "jian4", "双": "shuang1", "套": "tao4",
    "斤": "jin1", "克": "ke4", "升": "sheng1", "块": "kuai4", "元": "yuan2", "提": "ti2",
    "桶": "tong3", "杯": "bei1", "粒": "li4", "颗": "ke1", "条": "tiao2", "张": "zhang1",
    "把": "ba3", "台": "tai2", "对": "dui4", "份": "fen4", "卷": "juan3", "根": "gen1",
    "码": "ma3", "伏": "fu2", "瓦": "wa3", "米": "mi3", "管": "guan3", "捆": "kun3",
}  # fmt: skip
_AFTER_NUMBER_RE = re.compile(rf"(?<![第{_NUMERAL}])[{_NUMERAL}]+([\u4e00-\u9fff])")
DIGIT_NUMERALS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))  # how a digit is said
_DIGIT = {c: i for i, c in enumerate("一二三四五六七八九", 1)} | {str(i): i for i in range(1, 10)}
_TEEN_LINK_RE = re.compile(r"(?<![0-9一二三四五六七八九十百])(十|1)([一二三四五六七八九1-9])号链接")


def repair_units(text: str) -> tuple[str, list[Correction]]:
    """十, 提, 买, 九, 拍, 抽, 和, 一, 月 and 满…减 where Whisper wrote a homophone or a letter; the text
    keeps its length."""
    corrections: list[Correction] = []
    chars = list(text)

    def fix(position: int, original: str, fixed: str) -> None:
        chars[position] = fixed
        corrections.append(
            Correction(original=original, corrected=fixed, position=position, reason="numeral")
        )

    for match in _ONE_RE.finditer(text):
        jieba.dt.check_initialized()
        if match.start() and jieba.dt.FREQ.get(text[match.start() - 1 : match.end()], 0) > 0:
            continue  # 上衣, 洗衣, 中医: the character ends a word
        fix(match.start(), match.group(0), "一")
    for match in _MONTH_RE.finditer(text):
        jieba.dt.check_initialized()
        word = text[match.start() : match.start() + 2]
        if len(word) < 2 or jieba.dt.FREQ.get(word, 0) == 0:
            fix(match.start(), match.group(0), "月")
    for pattern, fixed in (
        (_TEN_RE, "十"),
        (_TI_RE, "提"),
        (_BUY_RE, "买"),
        (_NINE_RE, "九"),
        (_ORDER_RE, "拍"),
        (_SHEETS_RE, "抽"),
        (_AND_RE, "和"),
    ):
        for match in pattern.finditer(text):
            fix(match.start(), match.group(0), fixed)
    for match in _AFTER_NUMBER_RE.finditer(text):
        if match.group(0)[:-1] == "一":
            continue  # 一 alone starts too many words: 一见如故, 上了一课, 一箭三连
        measure = _measure_heard(text, match.start(1), match.group(0)[:-1])
        if measure:
            fix(match.start(1), match.group(1), measure)
    for match in _OFFER_RE.finditer(text):
        if _is_offer(match.group(2), match.group(4)):
            for group, fixed in ((1, "满"), (3, "减")):
                if match.group(group) != fixed:
                    fix(match.start(group), match.group(group), fixed)
    return "".join(chars), sorted(corrections, key=lambda c: c.position)


def _measure_heard(text: str, at: int, number: str) -> str | None:
    """The one measure word that sounds exactly like `text[at]` (after `number`), or None."""
    char = text[at]
    if char in _MEASURES or char in _NUMERAL or char in "和合平":  # 一和二; 80平 (square metres)
        return None
    found = {m for m, reading in _MEASURES.items() if reading == _toned(char)}
    if len(found) != 1:
        return None
    jieba.dt.check_initialized()
    # 两代 or 四声 is a word; 45马 is not 五马, a number of several digits makes no word
    last = "" if len(number) > 1 and number.isdigit() else DIGIT_NUMERALS.get(number[-1], number[-1])
    if (last and jieba.dt.FREQ.get(last + char, 0) > 0) or jieba.dt.FREQ.get(text[at : at + 2], 0) > 0:
        return None  # 两代, 四声; 代表, 声音
    return found.pop()


@lru_cache(maxsize=4096)
def _toned(char: str) -> str:
    """The character's usual reading (是 is shi4, not also ti2)."""
    return pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0][0]


def _is_offer(threshold: str, discount: str) -> bool:
    """满 X 减 Y: a threshold of 10 or more and a smaller discount."""
    try:
        x, y = float(cn2an.cn2an(threshold, "smart")), float(cn2an.cn2an(discount, "smart"))
    except (ValueError, KeyError, IndexError):
        return False
    return x >= 10 and 0 < y < x


def fix_link_numbers(
    text: str, corrections: list[Correction], links: set[int]
) -> tuple[str, list[Correction]]:
    """十二号链接 → 二号链接 when `links` (the products' link numbers) has 2 and not 12."""
    if not links:
        return text, corrections
    for match in _TEEN_LINK_RE.finditer(text):
        unit = _DIGIT.get(match.group(2), 0)
        if not unit or 10 + unit in links or unit not in links:
            continue
        at = match.start()
        fixed = match.group(2) + "号"
        moved = [
            c.model_copy(update={"position": c.position - 1}) if c.position > at else c for c in corrections
        ]
        moved.append(
            Correction(original=match.group(0)[:-2], corrected=fixed, position=at, reason="link-number")
        )
        return text[:at] + fixed + text[match.end() - 2 :], moved  # one per utterance
    return text, corrections
