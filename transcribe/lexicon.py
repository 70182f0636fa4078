"""The commerce lexicon: the words promises are made of, which Whisper base mishears.

Written from the claim types in ARCHITECTURE.md and from the errors seen on real streams
(发货→发火, 包邮→包油, 敏感肌→敏感机, 无理由→无理游). A term carries context words when
one of its mishearings is itself an ordinary word: 发火 only becomes 发货 near 小时/今天/下单…,
never in 别发火, and `blockers` veto the correction outright.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LexiconTerm:
    """A domain word. `context`: words one of which must be near (±10 characters) before a
    homophone that is itself a real word is replaced; `blockers`: words right before it that
    say the homophone was meant (别发火); `near_terms`: replace only where another domain term
    or product name is near (±10 characters), i.e. in selling talk, not in chat (吃吗 is
    尺码 only in 尺码偏大… talk)."""

    text: str
    context: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()
    near_terms: bool = False


_SHIPPING_CONTEXT = (
    "小时",
    "天",
    "今天",
    "明天",
    "后天",
    "当天",
    "下单",
    "拍下",
    "拍",
    "付款",
    "内",
    "顺丰",
    "快递",
    "仓库",
    "统一",
    "现货",
    "预售",
    "马上",
    "尽快",
    "给你们",
    "给大家",
    "宝宝们",
    "家人们",
    "包邮",
    "48",
    "24",
    "72",
    "物流",
    "订单",
    "号",
    "前",
    "按顺序",
)
_SKIN_CONTEXT = (
    "面膜",
    "皮肤",
    "精华",
    "肌",
    "脸",
    "保湿",
    "补水",
    "滋润",
    "水润",
    "敷",
    "干",
    "油",
    "护肤",
    "涂",
)
_SPOT_CONTEXT = ("长", "治疗", "祛", "闭口", "粉刺", "痘印", "脸上", "额头", "冒", "爆")
_AUDIENCE_CONTEXT = (
    "可以用",
    "能用",
    "放心",
    "可用",
    "适用",
    "适合",
    "使用",
    "哺乳",
    "也可以",
    "人群",
    "都能",
)
_COURIER_CONTEXT = ("发", "快递", "默认", "走", "发货", "物流", "包邮")
_WARRANTY_CONTEXT = ("年", "个月", "换新", "质量", "免费", "售后", "维修")
_LINK_CONTEXT = ("号", "拍", "点", "上", "车", "下方", "左下角", "购物", "小黄车", "进")

COMMERCE_LEXICON: tuple[LexiconTerm, ...] = (
    # shipping
    LexiconTerm("发货", _SHIPPING_CONTEXT, blockers=("别", "不要", "乱", "生气", "脾气", "冲", "对我", "朝")),
    LexiconTerm(
        "包邮",
        ("全国", "偏远", "免费", "运费", "新疆", "西藏", "地区", "除了", "除外", "江浙沪", "港澳台")
        + ("顺丰", "商品", "拍", "下单", "两件", "两箱", "两盒", "三件", "三包"),
    ),
    # 顺风 (a tail wind) is an ordinary word: near shipping words only (包油: 包邮 misheard too)
    LexiconTerm(
        "顺丰", (*_COURIER_CONTEXT, "包油", "发出", "寄", "换", "次日", "第二天"), blockers=("一路", "帆")
    ),
    LexiconTerm("圆通", _COURIER_CONTEXT),
    LexiconTerm("中通", _COURIER_CONTEXT),
    LexiconTerm("申通", _COURIER_CONTEXT),
    LexiconTerm("韵达", _COURIER_CONTEXT),
    LexiconTerm("极兔", _COURIER_CONTEXT),
    LexiconTerm("京东物流"),
    LexiconTerm("默认", _COURIER_CONTEXT),
    LexiconTerm("当天", ("发货", "发", "下单", "前", "点前", "内")),
    LexiconTerm("当天发货"),
    LexiconTerm("全国", ("包邮", "发货", "联保", "销量", "通用")),
    LexiconTerm("同城"),
    LexiconTerm("次日达"),
    LexiconTerm("当天发"),
    LexiconTerm("现货"),
    LexiconTerm("预售"),
    LexiconTerm("快递"),
    LexiconTerm("物流"),
    # return policy, compensation
    LexiconTerm("无理由", ("七天", "天", "退", "换", "支持")),
    LexiconTerm("七天无理由"),
    LexiconTerm("无理由退货"),
    LexiconTerm("无理由退换"),
    LexiconTerm("退货"),
    LexiconTerm("退换"),
    LexiconTerm("包退"),
    LexiconTerm("包换"),
    LexiconTerm("运费险"),
    LexiconTerm("售后"),
    LexiconTerm("过敏包退"),
    LexiconTerm("不满意包退"),
    LexiconTerm("假一赔十"),
    LexiconTerm("假一赔三"),
    LexiconTerm("破损包赔"),
    LexiconTerm("坏果包赔"),
    LexiconTerm("包赔"),
    LexiconTerm("理赔"),
    # gifts, price
    LexiconTerm("赠品"),
    LexiconTerm("赠送"),
    LexiconTerm("买一送一"),
    LexiconTerm("下单"),
    LexiconTerm("拍下"),
    LexiconTerm("拍一发二"),
    LexiconTerm("秒杀"),
    LexiconTerm("到手价"),
    LexiconTerm("优惠券"),
    LexiconTerm("领券"),
    LexiconTerm("满减"),
    LexiconTerm("半价", ("第二件", "第2件", "两件")),
    LexiconTerm("优惠", ("更多", "最后", "分钟", "活动", "价格", "力度", "给", "福利", "只剩", "下单", "券")),
    LexiconTerm("专柜价"),
    LexiconTerm("全网", ("最低", "最便宜", "销量", "第一", "同款", "最")),
    LexiconTerm("福袋"),
    LexiconTerm("福利"),
    LexiconTerm("直播间"),
    LexiconTerm("小黄车"),
    LexiconTerm("购物车"),
    LexiconTerm("链接", _LINK_CONTEXT),
    LexiconTerm("库存"),
    LexiconTerm("补货"),
    LexiconTerm("上架"),
    LexiconTerm("限量"),
    LexiconTerm("原价"),
    LexiconTerm("全网最低"),
    LexiconTerm("打包袋"),
    LexiconTerm("面膜"),
    # authenticity
    LexiconTerm("正品"),
    LexiconTerm("正品保证"),
    LexiconTerm("品牌授权"),
    LexiconTerm("厂家直销"),
    LexiconTerm("官方旗舰店"),
    LexiconTerm("专柜"),
    LexiconTerm("正品", ("保证", "我们", "都是", "放心", "授权", "假")),
    LexiconTerm("质保", _WARRANTY_CONTEXT),
    LexiconTerm("保修", _WARRANTY_CONTEXT),
    LexiconTerm("拆封", ("后", "退", "不支持", "无理由", "包装", "没有")),
    LexiconTerm("主播", ("家里", "自己", "微信", "喝", "用了", "推荐", "给你们", "亲自")),
    LexiconTerm("过敏", ("用着", "皮肤", "包退", "敏感", "红", "痒")),
    LexiconTerm("防伪码"),
    # suitability, efficacy, spec
    LexiconTerm("敏感肌"),
    LexiconTerm("孕妇", _AUDIENCE_CONTEXT),
    LexiconTerm("孕妇可用"),
    # 包包 (a bag) sounds the same: near children or use, not after 这个/款
    LexiconTerm(
        "宝宝",
        ("小", "家里", "婴儿", "孩子", "孕妇", "宝妈", "用", "吃", "穿"),
        blockers=("个", "款", "只", "买"),
    ),
    LexiconTerm("学生党"),
    LexiconTerm("上班族"),
    LexiconTerm("老人", _AUDIENCE_CONTEXT),
    LexiconTerm("适合", ("用", "人群", "肤质", "皮肤", "肌", "宝宝", "孕妇", "学生", "上班")),
    LexiconTerm("婴幼儿"),
    LexiconTerm("油皮"),
    LexiconTerm("干皮"),
    LexiconTerm("混油皮"),
    LexiconTerm("高温消毒"),
    LexiconTerm("不易断裂"),
    LexiconTerm("防水", ("手机", "表", "杯", "包", "级", "不怕", "材质", "面料")),
    LexiconTerm("防漏", ("密封", "杯", "盖", "不会", "洒", "漏", "倒", "包里")),
    LexiconTerm("保温", ("杯", "小时", "烫", "热", "冷", "效果", "个")),
    LexiconTerm("保温杯"),
    LexiconTerm("杯套"),
    LexiconTerm("杯刷"),
    LexiconTerm("杯盖"),
    LexiconTerm("杯身", ("不锈钢", "材质", "保温杯", "杯盖", "容量", "内胆")),
    # 方形 (square) is a word: only after 也可以/都可以/大家 (孕妇也可以放心用)
    LexiconTerm("放心", ("也可以", "都可以", "都能", "也能", "大家", "买", "拍")),
    LexiconTerm("不易破"),
    LexiconTerm("补水", _SKIN_CONTEXT),
    LexiconTerm("保湿", _SKIN_CONTEXT),
    LexiconTerm("美白", _SKIN_CONTEXT),
    LexiconTerm("祛痘", _SKIN_CONTEXT),
    LexiconTerm("痘痘", _SPOT_CONTEXT),
    LexiconTerm("见效", ("一盒", "马上", "立刻", "很快", "几天", "一周", "用了")),
    LexiconTerm("百分百", ("有效", "正品", "满意", "好评", "纯", "保证")),
    LexiconTerm("精华液"),
    LexiconTerm("不锈钢"),
    LexiconTerm("保质期"),
    LexiconTerm("木浆"),
    LexiconTerm("原生木浆"),
    LexiconTerm("无荧光剂"),
    LexiconTerm("抽纸"),
    LexiconTerm("成分"),
    LexiconTerm("玻尿酸"),
    LexiconTerm("烟酰胺"),
    LexiconTerm("精华"),
)

# The wider vocabulary of what hosts sell and promise, by category, written from the platforms'
# after-sales rules (七日无理由退货, 运费险, 价保), product-detail pages' attribute lists and
# food/cosmetics labelling terms. A term replaces only a span that is not a word itself and
# sounds the same on every syllable (前收 → 签收, 争笼 → 蒸笼), or, from three syllables, one
# that differs by one folded initial or final (寒容量 → 含绒量); a two-character one only near
# another domain term (`near_terms`): alone, two syllables match too much chat (点呀 → 电压).
_VOCABULARY: dict[str, str] = {
    "after_sales": (
        "签收 拒收 验货 开箱验货 当面检查 上门取件 上门退换 货到付款 先用后付 退货运费 退款 全额退款 "
        "仅退款 退货退款 换货 补发 漏发 少发 错发 赔付 包退包换 破损包换 坏一赔一 假一罚十 保价 价保 "
        "退差价 以旧换新 换新 免费换新 全国联保 联保 延保 维修 就近维修 客服 售后无忧"
    ),
    "authenticity": (
        "质检 检测报告 质检报告 防伪 溯源码 授权 官方授权 旗舰店 自营 原装 进口 保税仓 海外直邮 "
        "产地直发 产地直供 源头工厂 工厂直发 专柜同款 官方正品"
    ),
    "logistics": (
        "冷链 冷链配送 冰袋 泡沫箱 加厚纸箱 偏远地区 江浙沪 港澳台 隔日达 揽收 邮政 德邦 仓库 "
        "定金 尾款 付款 发出 现货秒发 付款后"
    ),
    "price": (
        "加购 粉丝团 灯牌 限购 返现 返款 再返 立减 直降 券后价 券后 划线价 日常价 活动价 折扣 "
        "打折 加送 买赠 第二件半价 买二送一 专属优惠券 粉丝专属 新人专享 开票 发票"
    ),
    "materials": (
        "纯棉 全棉 莫代尔 真丝 桑蚕丝 羊毛 羊绒 美利奴 涤纶 锦纶 氨纶 冰丝 天丝 亚麻 牛皮 头层牛皮 "
        "真皮 硅胶 食品级硅胶 食品级 铝合金 钛合金 陶瓷 高硼硅 实木 竹纤维 竹炭 乳胶 记忆棉 羽绒 "
        "白鸭绒 白鹅绒 灰鸭绒 含绒量 充绒量 蓬松度 面料 不粘 不粘锅 涂层 麦饭石 铸铁"
    ),
    "features": (
        "容量 功率 电压 毫安 毫安时 续航 快充 充电仓 蓝牙 降噪 主动降噪 防汗 防泼水 防风 防晒 防滑 "
        "耐磨 透气 速干 保暖 加厚 加绒 抗菌 除菌 除螨 除菌率 抑菌 防霉 防蛀 不起球 不掉色 不缩水 "
        "不变形 不掉毛 不钻绒 不沾油 机洗 手洗 可以机洗 尺码 码数 偏大 偏小 拍大一码 均码 净含量 "
        "规格 型号 色差 一键 预约 定时 智能 持久 持久留香 留香"
    ),
    "food": (
        "零添加 无添加 蔗糖 白砂糖 代糖 糖浆 防腐剂 添加剂 香精 色素 反式脂肪酸 配料表 配料 "
        "生产日期 新货 现烤 现做 现摘 现摘现发 冷冻 冷藏 解冻 常温 真空包装 独立包装 有机 有机认证 "
        "绿色食品 地理标志 原产地 膨大剂 催熟剂 农药残留 农残 检测合格 甜度 糖度 果径 单果 烂果 "
        "漏气 胀袋 营养 蛋白质 膳食纤维 低脂 低卡 无糖 控糖 果仁"
    ),
    "audience": "糖尿病 哺乳期 一岁以下 过敏体质 小朋友 儿童 宝妈 痘肌 混干皮 孕期",
    "cosmetics": (
        "淡斑 抗老 抗皱 紧致 提亮 修护 舒缓 控油 收缩毛孔 去角质 隔离 遮瑕 无酒精 温和 不刺激 "
        "无刺激 烂脸 泛红 屏障 视黄醇 胶原蛋白 氨基酸 面霜 乳液 爽肤水 洗面奶 眼霜 防晒霜"
    ),
    "goods": (
        "蒸笼 蒸架 锅盖 刀具 菜刀 砧板 挂钩 收纳 置物架 保鲜盒 保鲜膜 垃圾袋 卷纸 湿巾 洗衣液 "
        "柔顺剂 消毒液 空气炸锅 电热水壶 破壁机 榨汁机 吸尘器 扫地机 加湿器 取暖器 枕头 枕套 "
        "四件套 床单 被套 浴巾 保护套 保护壳 钢化膜 数据线 充电器 充电宝 移动电源 手套 木勺"
    ),
}

_WRITTEN = {t.text for t in COMMERCE_LEXICON}  # a term written above keeps its context words
COMMERCE_LEXICON += tuple(
    LexiconTerm(word, near_terms=len(word) == 2)
    for word in dict.fromkeys(w for words in _VOCABULARY.values() for w in words.split())
    if word not in _WRITTEN
)
