"""What surrounds a rule match: its clause, negation, questions and hedges, conditions.

A match is a promise only if it is asserted: 不支持七天无理由 negates the return guarantee,
敏感肌能不能用 asks rather than promises, 可能明天发 hedges. Conditions (下单, 满200, 前100名,
今晚) are read from the clause around the match and kept as a canonical string: tokens in
order of appearance joined by a space, numbers in Arabic digits (e.g. "今晚 满200元").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from claims.quantities import NUM, to_number

_CLAUSE_END = re.compile(r"[，。！？；,.!?;\n]|(?<=[吗呢吧])(?=\s|$)|\s{1,}")

# A negator immediately before the trigger, optionally followed by short fillers
# (不支持七天无理由, 不送赠品, 这个不是正品, 没有运费险). Content words between the negator and
# the trigger (不满意包退, 不错包邮) are conditions or praise, not negation.
_NEG_BEFORE = re.compile(
    r"(?:不|没有?|无|非|别|未|拒绝)"
    r"(?:是|会|能|可以|再|给|包括|支持|提供|享受|参加|参与|了|也|都|要|带|含|额外|赠|想|用)?"
    r"(?:是|会|能|可以|再|给|包括|支持|提供|享受|参加|参与|了|也|都|要|带|含|额外)?"
    rf"(?:{NUM}天(?:的)?)?$"
)
_NEG_AFTER = re.compile(
    r"^[的哦啊了]?(?:是|也|都)?(?:不(?:支持|行|包|送|退|换|能|可以|提供|参与|享受|给|赔|了)"
    r"|没有|没得|除外|不存在|是假的)"
)
_QUESTION = re.compile(
    r"能不能|可不可以|有没有|是不是|会不会|行不行|要不要|支不支持|包不包|送不送|退不退|发不发|"
    r"多久|什么时候|几天|怎么|为什么|为啥|哪个|哪里|多少钱|吗[？?]?$|吗(?=[，,\s])|[？?]"
)
# A span that asks rather than tells (for the classifier's windows): an interrogative or a final
# 吗/？, but not the host's rhetorical tags 是不是 / 对不对 / 对吧 (划算是不是 still promises).
_ASKS = re.compile(
    r"能不能|可不可以|有没有|会不会|行不行|支不支持|包不包|送不送|退不退|发不发|多久|什么时候|几天[能到发]|怎么样|"
    r"为什么|为啥|哪个|哪里|多少钱|吗[？?！!。，,\s]*$|[？?][\s]*$|^[^，,。]{0,6}问"
)
_HEDGE = re.compile(r"(?:可能|也许|大概|好像|说不定|尽量|争取|估计)")
# doubt withdraws the promise (不一定今天发, 看情况): not a claim at all
_DOUBT = re.compile(r"(?:不一定|不确定|看情况|不保证|不敢保证|没法保证|保证不了)")
# Not the speaker's own offer, whatever the words: explaining a word (五折的意思), guessing about
# someone else's things (也是三万一个月的吧), or narrating the speaker's own past (我之前买了…).
_META = re.compile(r"的意思|意思是|意思就是|是什么意思")
_GUESS = re.compile(r"的吧[啊呀哈～~]*$")
_NARRATIVE = re.compile(
    r"我(?:自己)?(?:之前|以前|本来|当时|那时候|上次|昨天|前两天|小时候)"
    r"|我(?:也|还|就|都|又)?(?:买了|买过|试过|吃过|穿过|想买)"
    # ASR drops the subject: 买了一身… is still a purchase told, unless it is an order
    # condition (买了一件就送…)
    r"|(?<![只凡要])买了一?(?:身|件|条|双|套)(?![^，。！？\s]{0,4}?(?:就|都|的话))"
)

_ORDER_CONDITIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"满({NUM})(?:元|块|块钱)?(?![\d件单瓶盒个])"), "满{}元"),
    (re.compile(rf"满({NUM})(?:件|单|瓶|盒|个)"), "满{}件"),
    (re.compile(rf"前({NUM})(?:名|位|单|个|个人)"), "前{}名"),
    (re.compile(rf"(?<!再)买({NUM})(?:件|瓶|盒|个|套|单|份)?(?=送|赠|再送|加送|还送)"), "买{}"),
    (re.compile(r"今晚|今天晚上"), "今晚"),
    (re.compile(r"今天(?!晚上)|今日"), "今天"),
    (re.compile(r"下单|拍下|拍的|拍一|购买|下了单|买就|只要买|凡是买|买了"), "下单"),
    (re.compile(r"关注|粉丝团|点个关注"), "关注"),
)
_EVENT_CONDITIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"过敏|烂脸|红肿"), "过敏"),
    (re.compile(r"不满意"), "不满意"),
    (re.compile(r"不喜欢"), "不喜欢"),
    (re.compile(r"不合适|不合身|尺码不对"), "不合适"),
    (re.compile(r"破损|破了|碎了|摔坏|压坏"), "破损"),
    (re.compile(r"质量问题|有问题|坏了|坏的|故障"), "质量问题"),
    (re.compile(r"坏果|烂果|坏了一个"), "坏果"),
    (re.compile(r"少件|缺件|少发|漏发|少一|少了"), "少件"),
    (re.compile(r"漏液|漏了"), "漏液"),
    (re.compile(r"假货|假一|是假的|假的"), "假货"),
    (re.compile(r"变质|过期"), "变质"),
)


@dataclass(frozen=True)
class Clause:
    start: int
    end: int


def clauses(text: str) -> list[Clause]:
    """Split on punctuation and spaces (ASR often drops punctuation; spaces then mark pauses)."""
    out: list[Clause] = []
    start = 0
    for m in _CLAUSE_END.finditer(text):
        if m.end() > start and m.start() > start:
            out.append(Clause(start, m.start()))
        start = max(start, m.end())
    if start < len(text):
        out.append(Clause(start, len(text)))
    return out or [Clause(0, len(text))]


def clause_at(parts: list[Clause], pos: int) -> Clause:
    """The clause holding `pos` (parts in order, as `clauses` gives them); else the last one."""
    i = bisect.bisect_right(parts, pos, key=lambda c: c.start) - 1
    if 0 <= i < len(parts) and parts[i].start <= pos < parts[i].end:
        return parts[i]
    return parts[-1]


def is_negated(text: str, clause: Clause, start: int, end: int) -> bool:
    before = text[max(clause.start, start - 6) : start]
    after = text[end : clause.end]
    return bool(_NEG_BEFORE.search(before) or _NEG_AFTER.match(after))


def is_unasserted(text: str, clause: Clause, start: int, end: int) -> bool:
    """The clause around the match asks (能不能用?), explains a word, guesses, or narrates the
    speaker's own past (我之前买了) instead of promising."""
    region = text[max(clause.start, start - 8) : min(clause.end, end + 4)]
    tail = text[end : min(len(text), clause.end + 1)]
    if _QUESTION.search(region) or re.match(r"^[^，。！,.!]{0,4}[吗？?]", tail):
        return True
    body = text[clause.start : clause.end]
    if _DOUBT.search(text[max(clause.start, start - 6) : start]):
        return True
    return bool(_META.search(body) or _GUESS.search(body) or _NARRATIVE.search(text[clause.start : start]))


def asks(span: str) -> bool:
    """The span (a clause or a run of them) is a question, or reports one (有宝宝问多久发货)."""
    return bool(_ASKS.search(span.strip()))


def is_hedged(text: str, clause: Clause, start: int) -> bool:
    """A hedge just before the match (可能明天发, 大概三天到): still a claim a buyer relies on (the
    guide), kept with a lower confidence."""
    return bool(_HEDGE.search(text[max(clause.start, start - 6) : start]))


def _scan(text: str, table: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, fmt in table:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if m.groups():
                n = to_number(m.group(1))
                if n is None:
                    continue
                token = fmt.format(n)
            else:
                token = fmt
            if all(tok != token for _, tok in found):
                found.append((m.start(), token))
    found.sort()
    return " ".join(tok for _, tok in found) or None


def order_condition(text: str) -> str | None:
    """Canonical order conditions in `text` (下单, 满200元, 满2件, 前100名, 买2, 今晚, 今天, 关注)."""
    return _scan(text, _ORDER_CONDITIONS)


def event_condition(text: str) -> str | None:
    """Canonical triggering events for returns/compensation (过敏, 破损, 不满意, 质量问题, ...)."""
    return _scan(text, _EVENT_CONDITIONS)
