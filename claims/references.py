"""Reference sentences and cue words for the embedding fallback (our own phrasing).

REFERENCES describe each claim type by typical promises; NON_PROMISE are things hosts say that
promise nothing (greetings, thanks, questions, chit-chat, refusals). CUES gate which types a
clause may be assigned to at all.
"""

from __future__ import annotations

import re

from models import ClaimType

CUES: dict[ClaimType, re.Pattern[str]] = {
    ClaimType.SHIPPING: re.compile(r"发出|发走|寄出|寄走|寄给|出库|打包|快递|物流|到家|送到|收到|安排发"),
    ClaimType.RETURN_POLICY: re.compile(r"退|换货|换新|换一个"),
    ClaimType.GIFT: re.compile(r"送|赠|白给|附带|额外给|多给"),
    ClaimType.COMPENSATION: re.compile(r"赔|补偿|补发|重发"),
    ClaimType.AUTHENTICITY: re.compile(r"正品|真货|官方|授权|专柜|假货|原装"),
    ClaimType.SUITABILITY: re.compile(r"适合|都能用|都可以用|放心用|放心吃|都能吃|都能穿"),
}

REFERENCES: dict[ClaimType, list[str]] = {
    ClaimType.SHIPPING: [
        "今天下单明天就给你们发货", "我们四十八小时之内一定发出", "拍完马上给你们寄出去",
        "现货当天就发走", "付款之后仓库立刻打包发出", "明天一早快递就来拉货给你们寄走",
        "顺丰给你们寄过去", "三天之内保证送到家",
    ],
    ClaimType.RETURN_POLICY: [
        "收到不喜欢可以直接退回来", "七天之内不满意随便退", "用着不好给你退钱",
        "尺码不合适免费给你换", "有任何问题都可以找客服退掉",
    ],
    ClaimType.GIFT: [
        "下单额外再给你们送一个小礼物", "买这个我再送你一瓶", "今天拍的都有赠品送给你",
        "每一单都多给你们放一包", "拍两件白给你们一个杯子",
    ],
    ClaimType.COMPENSATION: [
        "收到坏了我们全额赔给你", "少发了给你补发", "路上压坏了包赔", "是假的赔你十倍",
    ],
    ClaimType.AUTHENTICITY: [
        "我们家都是官方正品放心买", "品牌方授权的真货", "跟专柜是一模一样的正品", "绝对不卖假货",
    ],
    ClaimType.SUITABILITY: [
        "老人小孩都能用", "敏感皮肤的姐妹也可以放心用", "孕妇也适合吃", "什么肤质都适合",
    ],
}

NON_PROMISE: list[str] = [
    "欢迎新进直播间的宝宝们", "感谢大哥送的礼物", "谢谢你的关注", "大家晚上好", "点点赞好不好",
    "你们吃饭了吗", "我今天好累啊", "哈哈哈笑死我了", "这个问题问得好", "我也不知道",
    "什么时候发货呀", "能不能退啊", "这个有赠品吗", "我们不送赠品", "这个不能退的",
    "快递还没到", "我昨天收到了一个快递", "他送了我一束花", "我朋友送我的", "退出直播间了",
    "我给你们讲个故事", "你们喜欢什么颜色", "送你们一首歌", "我送你一句话", "主播去喝口水",
    "换个话题吧", "这首歌送给你们", "谢谢大家的支持", "下次再来", "晚安家人们",
    "你们那边下雨了吗", "我也想去旅游", "刚才说到哪了", "别走开", "马上回来",
]
