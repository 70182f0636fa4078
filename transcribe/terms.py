"""The commerce lexicon: the words promises are made of, which Whisper base mishears.

Written from the claim types in ARCHITECTURE.md and from the errors seen on real streams
(发货→发火, 包邮→包油, 敏感肌→敏感机, 无理由→无理游). A term carries context words when
one of its mishearings is itself an ordinary word: 发火 only becomes 发货 near 小时/今天/下单…,
never in 别发火, and `blockers` veto the correction outright.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class LexiconTerm:
    """A domain word. `context`: words one of which must be near (±10 characters) before a
    homophone that is itself a real word is replaced; `blockers`: words right before it that
    say the homophone was meant (别发火); `near_terms`: replace only where another domain term
    or product name is near (±10 characters), i.e. in selling talk, not in chat (吃吗 is
    尺码 only in 尺码偏大… talk); `before_number`: a price word, for which an amount right after
    is context enough (劝后九十九 → 券后九十九)."""

    text: str
    context: tuple[str, ...] = ()
    blockers: tuple[str, ...] = ()
    near_terms: bool = False
    before_number: bool = False


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
    # 么能/没人/万人 sound close enough to 默认 that a lone 发 or 走 near them is no evidence
    LexiconTerm("默认", ("快递", "发货", "物流", "包邮", "顺丰", "中通", "圆通", "申通", "韵达", "极兔")),
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
    # 至今 is a word: tissue talk only (至今尺寸是… → 纸巾尺寸是…)
    LexiconTerm("纸巾", ("尺寸", "抽纸", "每包", "层", "木浆", "擦手", "擦脸", "湿水")),
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

# By category of goods, written apart from the test streams by two writers from their own
# knowledge of detail pages and hosts' talk (ingredients, materials, specs, gifts, origins).
# Every one of these replaces only near another domain term: with ~950 more words, chat
# matches some by sound (都降级 → 豆浆机, 也是像 → 鸭屎香) where nobody is selling anything.
_GOODS_VOCABULARY: dict[str, str] = {
    "cosmetics_ingredients": (
        "烟酰胺 神经酰胺 玻尿酸 透明质酸钠 视黄醇 视黄醛 补骨脂酚 积雪草 积雪草苷 "
        "角鲨烷 二裂酵母 蓝铜胜肽 麦角硫因 虾青素 依克多因 水杨酸 杏仁酸 壬二酸 熊果苷 "
        "传明酸 氨甲环酸 光甘草定 红没药醇 马齿苋 重组胶原蛋白 敏感肌 痘痘肌 油痘肌 "
        "混油皮 混干皮 黄黑皮 屏障受损 屏障修护 保湿 控油 淡斑 抗初老 抗氧化 抗糖化 "
        "闭口 粉刺 毛孔粗大 法令纹 痘印 角质层 去角质 刷酸 建立耐受 精华液 爽肤水 "
        "洁面乳 卸妆膏 卸妆油 冻干粉 次抛 隔离霜 妆前乳 粉底液 遮瑕膏 定妆喷雾 睫毛膏 "
        "眼影盘 唇釉 持妆 不脱妆 不卡粉 不拔干 特证 国妆特字 人体功效 斑贴测试 无酒精 "
        "防腐剂 孕妇可用 旅行装 "
    ),
    "personal_care": (
        "氨基酸洗发水 无硅油 控油蓬松 去屑止痒 头皮屑 护发素 护发精油 沐浴露 身体乳 "
        "磨砂膏 含氟牙膏 牙结石 口气清新 漱口水 电动牙刷 冲牙器 牙线棒 洗衣液 洗衣凝珠 "
        "洗衣粉 生物酶 除螨 抑菌率 除菌 柔顺剂 留香珠 内衣洗衣液 去渍 易漂洗 抽纸 "
        "卷纸 湿厕纸 厨房纸 原生木浆 竹浆 三层加厚 可冲散 无荧光剂 绵柔 不掉屑 洗洁精 "
        "果蔬清洗 油污净 洁厕灵 管道疏通剂 除霉啫喱 次氯酸 卫生巾 安心裤 护垫 侧漏 "
        "泡沫洗手液 "
    ),
    "baby": (
        "纸尿裤 拉拉裤 尿不湿 吸水量 尿显线 弹力腰围 红屁屁 婴儿湿巾 手口湿巾 配方奶粉 "
        "婴幼儿配方 羊奶粉 水解蛋白 适度水解 乳铁蛋白 母乳低聚糖 乳清蛋白 核苷酸 "
        "配方注册 溶解度 宽口径 防胀气 吸管杯 高铁米粉 果泥 溶豆 磨牙棒 宝宝面条 "
        "食品级硅胶 双酚 环保漆 小零件 圆角设计 早教玩具 益智玩具 牙胶 安抚奶嘴 新生儿 "
        "婴幼儿 月龄 学步期 宝妈 孕妈 哺乳期 待产包 月子服 防溢乳垫 吸奶器 储奶袋 "
        "婴儿推车 安全座椅 腰凳 隔尿垫 口水巾 纱布巾 包屁衣 婴幼儿类 "
    ),
    "pets": (
        "猫粮 狗粮 全价猫粮 主食冻干 冻干 无谷配方 低敏 鲜肉含量 粗蛋白 粗脂肪 适口性 "
        "诱食剂 软便 泪痕 美毛 化毛膏 猫草 猫条 猫罐头 主食罐 幼猫 成猫 幼犬 老年犬 "
        "绝育猫 泌尿 营养膏 牛磺酸 卵磷脂 豆腐猫砂 膨润土 混合猫砂 结团 猫砂盆 猫砂铲 "
        "猫抓板 猫爬架 逗猫棒 自动喂食器 宠物饮水机 牵引绳 胸背带 猫窝 体内驱虫 "
        "体外驱虫 跳蚤 耳螨 洗耳液 浮毛 洁齿骨 铲屎官 毛孩子 "
    ),
    "food_fresh": (
        "每日坚果 夏威夷果 碧根果 巴旦木 山核桃 低温烘焙 非油炸 零添加 无蔗糖 赤藓糖醇 "
        "木糖醇 魔芋爽 风干牛肉 猪肉脯 螺蛳粉 自热火锅 原切牛排 调理牛排 谷饲 草饲 "
        "西冷 牛腱子 肥牛卷 黑猪肉 走地鸡 土鸡蛋 可生食鸡蛋 大闸蟹 阳澄湖 帝王蟹 "
        "梭子蟹 黑虎虾 北极甜虾 基围虾 小龙虾 淡干海参 三文鱼 锁鲜 蟹膏 死蟹包赔 "
        "坏果包赔 冷链运输 产地直发 现摘现发 车厘子 阳光玫瑰 赣南脐橙 烟台苹果 阿克苏 "
        "冰糖心 耙耙柑 果冻橙 金枕榴莲 猫山王 凯特芒 贵妃芒 妃子笑 糖度 单果重 "
        "五常大米 稻花香 胚芽米 即食燕麦 物理压榨 一级压榨 菜籽油 橄榄油 特级初榨 "
        "山茶油 亚麻籽油 非转基因 酿造酱油 氨基酸态氮 山西老陈醋 镇江香醋 郫县豆瓣 "
        "火锅底料 汉源花椒 食品添加剂 配料表 保质期 生产日期 营养成分表 有机认证 "
        "绿色食品 地理标志 原产地 检测报告 生产许可证 执行标准 真空包装 独立包装 "
    ),
    "supplements": (
        "蓝帽子 保健食品 固体饮料 压片糖果 代用茶 营养素补充剂 批准文号 国食健注 食健备 "
        "膳食补充剂 复合维生素 叶酸 钙镁锌 碳酸钙 柠檬酸钙 液体钙 乳矿物盐 深海鱼油 "
        "磷虾油 辅酶 原花青素 叶黄素 叶黄素酯 玉米黄质 益生菌 益生元 后生元 活菌数 "
        "双歧杆菌 鼠李糖乳杆菌 低聚果糖 膳食纤维 果蔬酵素 蛋白粉 分离乳清蛋白 大豆蛋白 "
        "胶原蛋白肽 小分子肽 即食燕窝 鲜炖燕窝 燕窝酸 阿胶糕 西洋参 灵芝孢子粉 铁皮石斛 "
        "宁夏枸杞 若羌灰枣 黑芝麻丸 药食同源 代餐奶昔 左旋肉碱 褪黑素 软骨素 适宜人群 "
        "不适宜人群 "
    ),
    "tea_wine": (
        "西湖龙井 明前茶 碧螺春 信阳毛尖 黄山毛峰 六安瓜片 太平猴魁 安吉白茶 福鼎白茶 "
        "白毫银针 老白茶 普洱生茶 普洱熟茶 古树茶 老班章 勐海 大红袍 武夷岩茶 正山小种 "
        "金骏眉 祁门红茶 安溪铁观音 凤凰单丛 鸭屎香 茉莉花茶 安化黑茶 茯砖 六堡茶 "
        "小青柑 新会陈皮 原叶茶 核心产区 一芽一叶 焙火 阿拉比卡 冻干咖啡 冷萃 挂耳咖啡 "
        "耶加雪菲 蜜处理 植脂末 非浓缩还原 酱香型 浓香型 清香型 茅台镇 赤水河 大曲坤沙 "
        "纯粮酿造 固态发酵 酒精度 糯高粱 窖藏 绍兴黄酒 赤霞珠 原瓶进口 橡木桶 起泡酒 "
        "单一麦芽 精酿啤酒 空杯留香 不上头 "
    ),
    "apparel": (
        "纯棉 精梳棉 长绒棉 新疆棉 莫代尔 冰丝 天丝 醋酸面料 桑蚕丝 真丝 山羊绒 "
        "羊毛衫 美利奴羊毛 涤纶 锦纶 氨纶 聚酯纤维 雪纺 针织衫 华夫格 灯芯绒 摇粒绒 "
        "白鸭绒 白鹅绒 充绒量 含绒量 蓬松度 廓形 落肩 收腰 阔腿裤 直筒裤 偏大一码 "
        "偏小一码 均码 胸围 腰围 臀围 无钢圈 可拆卸胸垫 无痕内裤 抑菌裆 吸湿排汗 "
        "不起球 不缩水 平铺晾干 防晒衣 双针走线 "
    ),
    "shoes_bags": (
        "头层牛皮 二层皮 小羊皮 漆皮 反绒皮 翻毛皮 超纤皮 飞织鞋面 鞋楦 鞋舌 粗跟 "
        "细跟 坡跟 橡胶底 牛筋底 大底 中底 防滑底 耐磨 缓震 回弹 内增高 宽楦 脚背高 "
        "正码 五金件 肩带 斜挎包 托特包 双肩包 内衬 隔层 卡位 手工缝线 包边油 防泼水 "
        "万向轮 拉杆箱 登机箱 密码锁 海关锁 铝框箱 行李箱 磨脚 开胶 防尘袋 鞋撑 "
    ),
    "sports_outdoor": (
        "跑步鞋 碳板 竞速跑鞋 压缩裤 速干衣 冲锋衣 软壳 硬壳 防风 防水透气 透湿量 "
        "抓绒衣 登山杖 徒步鞋 帐篷 天幕 睡袋 防潮垫 充气垫 露营车 折叠椅 蛋卷桌 "
        "卡式炉 营地灯 头灯 户外电源 速开帐 地钉 风绳 铝合金杆 碳素杆 瑜伽垫 健身环 "
        "弹力带 壶铃 泡沫轴 护膝 护腕 运动内衣 高强度 跑步机 动感单车 划船机 骑行服 "
        "头盔 防晒指数 "
    ),
    "home_textiles": (
        "四件套 三件套 床笠 枕芯 乳胶枕 记忆棉 蚕丝被 羽绒被 大豆纤维 夏凉被 空调被 "
        "春秋被 被芯 支数 高支高密 贡缎 水洗棉 色牢度 活性印染 独立弹簧 椰棕 床褥 "
        "冰丝凉席 藤席 浴巾 吸水性 不掉毛 收纳箱 真空压缩袋 防滑衣架 置物架 免打孔 "
        "平板拖把 旋转拖把 洗地机 扫地机器人 除螨仪 粘毛器 除垢 遮光率 防水床笠 加厚款 "
        "一米五 一米八 两米二 "
    ),
    "kitchen_appliances": (
        "不粘锅 奶锅 铸铁锅 珐琅锅 三层钢 复合底 食品级 不锈钢 三零四不锈钢 麦饭石涂层 "
        "陶瓷涂层 无涂层 少油烟 电磁炉 燃气灶 明火通用 空气炸锅 电饭煲 电压力锅 破壁机 "
        "料理机 榨汁机 豆浆机 绞肉机 电烤箱 蒸烤一体机 微波炉 电热水壶 养生壶 保温杯 "
        "焖烧杯 净水器 滤芯 洗碗机 消毒柜 油烟机 额定功率 大容量 预约功能 智能菜单 "
        "可视窗 内胆 球釜内胆 砧板 防干烧 自动断电 分贝 纯铜电机 转速 "
    ),
    "electronics": (
        "数据线 快充 闪充 充电头 氮化镓 充电宝 移动电源 毫安 电芯 无线充 磁吸 手机壳 "
        "钢化膜 防窥膜 全屏覆盖 防摔 气囊 蓝牙耳机 主动降噪 入耳式 半入耳 骨传导 续航 "
        "充电仓 低延迟 通话降噪 防水等级 蓝牙版本 读卡器 内存卡 固态硬盘 移动硬盘 "
        "读写速度 扩展坞 转接头 编织线 机械键盘 青轴 红轴 无线鼠标 手写笔 智能手表 "
        "运行内存 处理器 分辨率 刷新率 散热器 充满自停 "
    ),
    "books_learning": (
        "绘本 点读笔 点读书 早教机 故事机 识字卡 认知卡片 洞洞书 翻翻书 立体书 撕不烂 "
        "练字帖 凹槽字帖 控笔训练 中性笔 按动笔 荧光笔 马克笔 水彩笔 油画棒 彩铅 "
        "自动铅笔 橡皮擦 文具盒 笔袋 护脊书包 活页本 错题本 练习册 教辅 注音版 彩图版 "
        "铜版纸 胶版纸 护眼纸 大豆油墨 环保油墨 拼图 磁力片 益智玩具 学习机 英语启蒙 "
        "分级阅读 思维训练 数学启蒙 正版图书 "
    ),
    "jewellery": (
        "足金 千足金 万足金 古法金 硬金 金含量 克重 工费 克价 一口价 以旧换新 足银 "
        "九二五银 镀金 铂金 玫瑰金 和田玉 翡翠 冰种 糯种 玻璃种 水头 飘花 满绿 籽料 "
        "山料 羊脂玉 手镯 圈口 手串 吊坠 耳钉 戒圈 指圈 淡水珍珠 海水珍珠 南洋珠 "
        "光泽度 莫桑石 净度 切工 克拉 鉴定证书 国检 激光刻字 蜜蜡 琥珀 碧玺 不氧化 "
    ),
    "car": (
        "全包围脚垫 座椅套 腰靠 方向盘套 行车记录仪 车载充电器 车载支架 车载香薰 "
        "车载冰箱 车载吸尘器 洗车液 高压水枪 镀晶 镀膜 打蜡 玻璃水 雨刮器 防冻液 "
        "全合成机油 胎压监测 打气泵 应急启动电源 搭电线 遮阳挡 隐私帘 隔热膜 车衣 "
        "后备箱收纳 挪车牌 倒车影像 车型专用 原车位 即插即用 点烟器 安全锤 安全座椅 "
        "氛围灯 除甲醛 划痕修复 补漆笔 防爆膜 "
    ),
    "after_sales_logistics_price": (
        "七天无理由 退货包运费 运费险 仅退款 退货退款 破损包赔 假一赔十 假一赔三 "
        "正品保障 质检报告 检测报告 合格证 防伪码 防伪标 防伪查询 溯源码 报关单 保税仓 "
        "跨境直邮 现货 现货秒发 包邮 偏远地区 不包邮 补运费 云仓 中转站 揽收 运单号 "
        "催发货 限时秒杀 拍一发二 买一送一 第二件半价 优惠券 店铺券 平台券 优惠叠加 "
        "到手价 券后价 日常价 划线价 直播间专享 粉丝价 福利价 全网最低价 价格保护 "
        "退差价 小黄车 一号链接 上链接 改地址 质保 开发票 电子发票 分期免息 先用后付 "
        "极速退款 延迟发货 漏发 错发 二次销售 原包装 新疆 西藏 内蒙古 青海 宁夏 甘肃 "
        "海南 港澳台 黑龙江 云南 贵州 广西 江浙沪 江浙沪皖 偏远山区 "
    ),
}

_WRITTEN = {t.text for t in COMMERCE_LEXICON}  # a term written above keeps its context words
COMMERCE_LEXICON += tuple(
    LexiconTerm(word, near_terms=len(word) == 2)
    for word in dict.fromkeys(w for words in _VOCABULARY.values() for w in words.split())
    if word not in _WRITTEN
)
_WRITTEN |= {t.text for t in COMMERCE_LEXICON}
COMMERCE_LEXICON += tuple(
    LexiconTerm(word, near_terms=True)
    for word in dict.fromkeys(w for words in _GOODS_VOCABULARY.values() for w in words.split())
    if word not in _WRITTEN
)

# Price words an amount follows (券后九十九, 立减三十, 到手价一百二十九): the amount is their context
_PRICE_WORDS = frozenset(
    "券后 券后价 立减 直降 再返 返现 到手价 原价 日常价 划线价 活动价 专柜价 福利价 粉丝价 "
    "秒杀价 满减".split()
)
_WRITTEN = {t.text for t in COMMERCE_LEXICON}
COMMERCE_LEXICON = tuple(
    replace(t, before_number=True) if t.text in _PRICE_WORDS else t for t in COMMERCE_LEXICON
) + tuple(LexiconTerm(w, near_terms=True, before_number=True) for w in sorted(_PRICE_WORDS - _WRITTEN))

# Words of live streams that jieba's dictionary (older than the platforms) does not know: a span
# that is one of them is a real word, and a term that sounds like it needs context (抖音 is not
# 痘印 misheard)
KNOWN_WORDS = frozenset(
    "抖音 快手 淘宝 天猫 拼多多 京东 小红书 微信 微博 视频号 直播间 主播 公屏 灯牌 粉丝团 小黄车 "
    "连麦 点赞 下播 开播 刷屏 福袋 榜一 上榜 私信 弹幕 网红 带货 种草 拔草 秒杀 团购 闪购".split()
)
