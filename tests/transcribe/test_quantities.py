"""Misheard quantities and accent folds in the domain corrector (text only, no model)."""

from __future__ import annotations

import pytest

from transcribe.correction import DomainCorrector
from transcribe.quantities import repair_units


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("一盒视片，每片有精华液。", "一盒十片，每片有精华液。"),
        ("一箱是个，每个一百克。", "一箱十个，每个一百克。"),
        ("1T12包，每包100抽。", "1提12包，每包100抽。"),
        ("今天一T只要29块9。", "今天一提只要29块9。"),
        ("今天卖一盒送一盒。", "今天买一盒送一盒。"),
        ("埋三箱送一箱。", "买三箱送一箱。"),
        ("今天一箱39块酒，两箱包邮。", "今天一箱39块九，两箱包邮。"),
        ("再领一张券，买一百件二十。", "再领一张券，满一百减二十。"),  # 满…减… heard as 买…件…
        ("满两百简三十，可以一起拍。", "满两百减三十，可以一起拍。"),
        ("慢199剪20。", "满199减20。"),
        ("排两件再打九折。", "拍两件再打九折。"),
        ("1提12包，每包100臭，纸巾尺寸", "1提12包，每包100抽，纸巾尺寸"),
        (
            "再送一个杯套，合一把杯刷。",
            "再送一个杯套，和一把杯刷。",
        ),  # 和 heard as 合 before a count  # 拍 (to order) heard as 排
        ("今天买衣盒送衣盒，再领衣张券。", "今天买一盒送一盒，再领一张券。"),
        # a measure word heard as a character of the same sound and tone, after a number
        ("1盒有30代，每袋25克。", "1盒有30袋，每袋25克。"),
        ("一盒两贯，总共500克。", "一盒两罐，总共500克。"),
        ("男款39-45马。", "男款39-45码。"),
        ("是不是二百二十福的？", "是不是二百二十伏的？"),
        # not quantities: left as they are
        ("两代人都爱吃。", "两代人都爱吃。"),  # 两代 is a word
        ("第3代产品。", "第3代产品。"),
        ("他叫了两声。", "他叫了两声。"),  # 声 is no measure word of that tone
        ("一见如故。", "一见如故。"),  # a lone 一 starts too many words
        ("房子有80平。", "房子有80平。"),  # square metres
        ("1号和2号链接。", "1号和2号链接。"),
        ("买两件二十。", "买两件二十。"),  # a threshold under 10 is no spend-and-save offer
        ("买一百件二十件。", "买一百件二十件。"),
        ("排两个小时的队。", "排两个小时的队。"),
        ("一百臭豆腐。", "一百臭豆腐。"),
        ("我们合二为一。", "我们合二为一。"),
        ("上衣套装，毛衣包邮。", "上衣套装，毛衣包邮。"),
        ("洗衣凝珠一盒。", "洗衣凝珠一盒。"),
        ("我们卖一盒，赚一块钱。", "我们卖一盒，赚一块钱。"),
        ("喝了两块酒心巧克力。", "喝了两块酒心巧克力。"),
        ("这一盒是新款。", "这一盒是新款。"),
        ("这个是片装的。", "这个是片装的。"),
        ("1T硬盘，2T内存。", "1T硬盘，2T内存。"),
        ("T恤两件。", "T恤两件。"),
    ],
)
def test_units_repaired_only_between_numbers_and_units(heard: str, meant: str) -> None:
    fixed, corrections = repair_units(heard)
    assert fixed == meant
    assert all(c.reason == "numeral" and heard[c.position] == c.original for c in corrections)


def test_corrector_keeps_the_original_quantity_on_record() -> None:
    text, corrections = DomainCorrector().correct("一盒视片。")
    assert text == "一盒十片。"
    assert [(c.original, c.corrected, c.position) for c in corrections] == [("视", "十", 2)]


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("香搬组和学生党都适合用。", "上班族和学生党都适合用。"),  # shang heard as xiang
        ("默认发圆通。", "默认发圆通。"),
        ("磨刃发圆通。", "默认发圆通。"),
        ("家里有小包包的，也可以用。", "家里有小宝宝的，也可以用。"),
        # a bag stays a bag
        ("这个包包很能装。", "这个包包很能装。"),
        ("想家了。", "想家了。"),
    ],
)
def test_accent_and_context_corrections(heard: str, meant: str) -> None:
    assert DomainCorrector().correct(heard)[0] == meant


def test_months_heard_as_yuan() -> None:
    assert repair_units("保质期十八个元")[0] == "保质期十八个月"
    assert repair_units("吃了两个多元，")[0] == "吃了两个多月，"
    assert repair_units("18个元")[0] == "18个月"
    for kept in ("三个元素", "第一个元旦", "一个元宝"):  # 元 starts a word
        assert repair_units(kept)[0] == kept
