"""Compliance risk rules, each with its legal or platform-rule basis.

The lexicons are our own, written from the text of the 中华人民共和国广告法 (2021 revision)
and the platform's published rules, not copied from any third-party list:
- 第九条第三项 forbids "国家级、最高级、最佳等用语" → absolute_term (superlatives, 第一, 唯一, 顶级).
- 第十七条: outside medical/drug/device ads, no disease-treatment functions and no medical terms
  → medical_claim (治疗, 根治, 消炎, 降血压, 抗癌, 排毒 ...).
- 第四条 (no false or misleading content), 第二十八条第二款第二项 (performance/function not as
  stated), and the bans on efficacy assertions/guarantees in 第十六条第一款第二项 and
  第十八条第一款第一项 → efficacy_guarantee (保证有效, 无效退款, 三天见效, 永不反弹, 无副作用).
- 反不正当竞争法 第八条 and 规范促销行为暂行规定 第六条 (no false promotional information), with the
  platform's rules on 虚假宣传 → false_urgency (最后一天, 仅剩N单, 秒没, 马上涨价, 错过再等一年).
- 抖音电商 rules against 引导站外交易/私下交易 → off_platform (加微信, 私下转账, 去淘宝拍).

Each rule also has its *strong* words, which name price, sales rank, refunds or trade themselves
(全网最低, 销量第一, 无效退款, 私下交易); every other match is everyday Chinese as well (绝对,
最好, 最后10秒, 治愈, 加微信) and counts only in a selling context (claims/risk_context.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claims.quantities import NUM
from claims.risk_context import counts
from models import Risk, RiskRule, Severity


@dataclass(frozen=True)
class RiskSpec:
    rule: RiskRule
    severity: Severity
    basis: str
    pattern: re.Pattern[str]
    strong: re.Pattern[str]  # matches that need no selling context


_ABSOLUTE = (
    r"最(?:好|佳|优|强|高级|低价|便宜|大牌|牛|新款|先进|安全|有效|受欢迎|划算|实惠|值|全|棒|火|畅销|热销|正宗|顶级|高端|专业|好用|好吃|舒服|保湿|白|香|纯|低)"
    r"|(?:全网|全国|全球|世界|行业|销量|排名|品类|国内|同类)第一|第一品牌|no\.?1|top ?1|销量冠军|冠军产品"
    r"|国家级|世界级|全球级|最高级|顶级|极品|极致|独家|唯一|首个|首选|首家|史无前例|前无古人|绝无仅有|(?<![\d十百千万亿])万能"
    r"|100%|百分之百|百分百|绝对|王牌|无敌|完美|终极|顶尖|至尊|遥遥领先|全网最低|史上最"
)
_MEDICAL = (
    r"治疗|治愈|根治|疗效|药效|消炎|抗炎|抗病毒|杀死病毒|降血压|降血糖|降血脂|降三高|防癌|抗癌|抗肿瘤|包治"
    r"|治(?:好|疗)?(?:痘痘|湿疹|失眠|脱发|便秘|胃病|关节炎|颈椎病|鼻炎|皮炎|糖尿病|高血压|感冒|咳嗽|妇科病)"
    r"|药用|(?<!相)处方|医用级|排毒|活血化瘀|止痛|止痒|止咳|消肿|增强免疫力|提高免疫力|调节免疫|调理内分泌|补肾|壮阳"
    r"|修复(?:受损)?细胞|细胞再生|祛湿排毒|预防(?:疾病|癌症|感冒|新冠)|替代药物|比吃药还|医生推荐|专家推荐"
)
_GUARANTEE = (
    r"(?:保证|包|确保|一定|肯定|百分百|100%|绝对)(?:能|会|可以|让你)?(?:有效|见效|瘦下来|瘦|变白|白回来|长高|祛除|消失|治好|去掉)"
    r"|无效(?:全额)?退款|不(?:见效|有效)(?:就|全额)?(?:退|赔)|立竿见影|立刻见效|马上见效|当天见效|一次见效"
    rf"|{NUM}天(?:就能|就|即可|内)?(?:见效|瘦|美白|白)"
    r"|永不反弹|不反弹|无副作用|零副作用|没有(?:任何)?副作用|零风险|彻底(?:根除|解决|告别|消除)|一用就(?:好|白|瘦)|用完就(?:白|瘦)"
)
_URGENCY = (
    rf"最后一天|最后{NUM}(?:单|件|个|份|波|分钟|秒|套|盒)|最后一波|最后机会|仅此一次|(?:仅|只|就)剩(?:最后)?{NUM}?(?:单|件|个|份|套|盒)?"
    r"|秒没|手慢无|马上(?:就)?下架|即将下架|随时下架|马上(?:就)?涨价|明天(?:就)?(?:恢复原价|涨价)|错过(?:今天)?(?:再|就)?(?:等一年|没有了|没了)"
    r"|再不(?:抢|买|拍)就没(?:了|有了)|倒计时|抢完就没|库存告急|今天不(?:买|拍)明天就没|限量(?:抢购)?|只有今天|过了今天就没"
)
_OFF_PLATFORM = (
    r"加(?:我|一下|个|主播|我的)?(?:的)?(?:微信|vx|v信|wx|薇信|威信|v(?!i)|qq|企鹅|私人号|小号)"
    r"|(?:私信|私聊|私下)(?:我|主播)?(?:下单|交易|转账|买|拿货|联系|付款)|私下交易|线下交易|站外(?:交易|下单|购买)"
    r"|(?:微信|支付宝|银行卡)(?:上)?(?:转账|付款|支付|收款|联系)|扫(?:我的)?(?:二维码|码)(?:加|付款|下单)"
    r"|去(?:淘宝|拼多多|闲鱼|某宝|某多多|tb|pdd)(?:上)?(?:买|下单|拍|搜)|主页(?:有)?(?:联系方式|微信)|看我主页(?:加|联系)|加群|进群|私我下单"
)

_ABSOLUTE_STRONG = (
    r"全网最低|最低价|史上最低|最(?:便宜|划算|实惠|畅销|热销|大牌)|全网第一|(?:销量|行业|品类|同类)第一"
    r"|第一品牌|销量冠军|冠军产品"
)
_MEDICAL_STRONG = r"(?!)"  # disease words are also everyday talk about people's health
_GUARANTEE_STRONG = rf"无效(?:全额)?退款|不(?:见效|有效)(?:就|全额)?(?:退|赔)|{NUM}天(?:就能|就|即可|内)?见效"
_URGENCY_STRONG = (
    rf"最后{NUM}(?:单|套|盒)|(?:仅|只|就)剩(?:最后)?{NUM}(?:单|套|盒)|秒没|手慢无|下架|涨价|恢复原价"
    r"|错过(?:今天)?(?:再|就)?(?:等一年|没有了|没了)|再不(?:抢|买|拍)就没|抢完就没|库存告急|今天不(?:买|拍)明天就没|限量抢购"
)
_OFF_PLATFORM_STRONG = (
    r"(?:私信|私聊|私下)(?:我|主播)?(?:下单|交易|转账|买|拿货|付款)|私下交易|线下交易|站外(?:交易|下单|购买)"
    r"|(?:微信|支付宝|银行卡)(?:上)?(?:转账|付款|支付|收款)|扫(?:我的)?(?:二维码|码)(?:付款|下单)"
    r"|去(?:淘宝|拼多多|闲鱼|某宝|某多多|tb|pdd)(?:上)?(?:买|下单|拍)|私我下单"
)


def _spec(rule: RiskRule, severity: Severity, basis: str, words: str, strong: str) -> RiskSpec:
    return RiskSpec(rule, severity, basis, re.compile(words), re.compile(strong))


RISK_SPECS: tuple[RiskSpec, ...] = (
    _spec(RiskRule.ABSOLUTE_TERM, Severity.MEDIUM,
          "广告法 第九条第三项（不得使用国家级、最高级、最佳等用语）", _ABSOLUTE, _ABSOLUTE_STRONG),
    _spec(RiskRule.MEDICAL_CLAIM, Severity.HIGH,
          "广告法 第十七条（非医疗、药品、医疗器械广告不得涉及疾病治疗功能或使用医疗用语）", _MEDICAL, _MEDICAL_STRONG),
    _spec(RiskRule.EFFICACY_GUARANTEE, Severity.HIGH,
          "广告法 第四条、第二十八条第二款第二项（虚假或引人误解的功能表述）；第十六条第一款第二项、第十八条第一款第一项（功效断言或保证）",
          _GUARANTEE, _GUARANTEE_STRONG),
    _spec(RiskRule.FALSE_URGENCY, Severity.MEDIUM,
          "反不正当竞争法 第八条、规范促销行为暂行规定 第六条（虚假或引人误解的促销信息）；抖音电商 虚假宣传规则",
          _URGENCY, _URGENCY_STRONG),
    _spec(RiskRule.OFF_PLATFORM, Severity.HIGH,
          "抖音电商 平台规则：禁止引导用户站外交易、私下交易（加微信、私下转账等）", _OFF_PLATFORM, _OFF_PLATFORM_STRONG),
)

# Every plain-word alternative of the risk lexicons, for the pinyin repairer (最后 from 罪后).
VOCABULARY = tuple(sorted({w for src in (_ABSOLUTE, _MEDICAL, _GUARANTEE, _URGENCY, _OFF_PLATFORM)
                           for w in re.split(r"[|()?:]", src) if re.fullmatch(r"[\u4e00-\u9fff]{3,6}", w)}))

# Phrases that contain a risk word but are ordinary speech (最后一件事, 第一次, 绝对不会骗你 ...)
_BENIGN = re.compile(r"最好(?:是|还是|不要|别|先|早|晚|多|少|提前|赶紧|快)|绝对不|百分百确定|最低(?:消费|温度|配置)|有没有(?:任何)?副作用")


@dataclass(frozen=True)
class RiskHit:
    risk: Risk
    start: int
    end: int


def find_risks(canonical: str, original: str, anchors: Sequence[tuple[int, int]] = ()) -> list[RiskHit]:
    """Risk matches a reviewer should see, in order; quotes are cut from `original` at the same span.

    `anchors` are spans of the text known to be selling (rule claims, product mentions); strong
    risk words are added to them. A weak risk word counts only in a selling context (see
    claims/risk_context.py)."""
    benign = [(m.start(), m.end()) for m in _BENIGN.finditer(canonical)]
    matches = [(spec, m, spec.strong.search(canonical, m.start(), m.end()) is not None)
               for spec in RISK_SPECS for m in spec.pattern.finditer(canonical)
               if m.end() > m.start() and not any(s <= m.start() < e for s, e in benign)]
    selling = [*anchors, *((m.start(), m.end()) for _, m, strong in matches if strong)]
    hits: list[RiskHit] = []
    for spec, m, strong in matches:
        if counts(canonical, m.start(), m.end(), strong, selling):
            risk = Risk(rule=spec.rule, quote=original[m.start() : m.end()], severity=spec.severity, basis=spec.basis)
            hits.append(RiskHit(risk, m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits
