"""HybridIndex: hits fully populated, filters, prev/next, persistence, live adds, bad input."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from index.hybrid import HybridIndex
from models import (
    Claim,
    ClaimType,
    InputError,
    Product,
    Risk,
    RiskRule,
    SearchFilters,
    SearchIndexError,
    Utterance,
)

START = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)
LINES = [
    "欢迎来到直播间，点点关注。",
    "这款玻尿酸面膜一盒十片。",
    "敏感肌也能用，孕妇也可以放心用。",
    "下单再送一片同款面膜。",
    "下单后四十八小时内发货，全国包邮。",
    "这是全网最低价。",
    "好，面膜就讲到这里。",
]


def _stream(sid: str, lines: list[str] = LINES, offset: float = 0.0) -> tuple[list[Utterance], list[Claim]]:
    utts = [
        Utterance(id=f"{sid}-u{i}", stream_id=sid, t0=offset + 5.0 * i, t1=offset + 5.0 * i + 4, text=t)
        for i, t in enumerate(lines)
    ]
    claims = [
        Claim(
            id=f"{sid}-c1",
            stream_id=sid,
            utterance_id=f"{sid}-u3",
            type=ClaimType.GIFT,
            quote="下单再送一片同款面膜",
            value={"item": "面膜", "quantity": 1},
            product="p1",
            t0=15,
            t1=19,
        ),
        Claim(
            id=f"{sid}-c2",
            stream_id=sid,
            utterance_id=f"{sid}-u4",
            type=ClaimType.SHIPPING,
            quote="四十八小时内发货",
            value={"within_hours": 48},
            product="p1",
            t0=20,
            t1=24,
        ),
        Claim(
            id=f"{sid}-c3",
            stream_id=sid,
            utterance_id=f"{sid}-u4",
            type=ClaimType.SHIPPING,
            quote="全国包邮",
            value={"free_shipping": True},
            product="p1",
            t0=20,
            t1=24,
        ),
        Claim(
            id=f"{sid}-c4",
            stream_id=sid,
            utterance_id=f"{sid}-u5",
            type=ClaimType.PRICE,
            quote="全网最低价",
            value={"discount": "全网最低"},
            product="p1",
            t0=25,
            t1=29,
            risks=[Risk(rule=RiskRule.ABSOLUTE_TERM, quote="全网最低")],
        ),
    ]
    return utts, claims


@pytest.fixture
def index(tmp_path: Path, hashing_embedder) -> HybridIndex:  # noqa: ANN001
    idx = HybridIndex(tmp_path / "index", hashing_embedder).load()
    products = [Product(id="p1", name="玻尿酸补水面膜", aliases=["面膜"])]
    for sid, merchant, day in (("s1", "shop-a", 0), ("s2", "shop-b", 1)):
        utts, claims = _stream(sid)
        idx.add_utterances(
            utts, claims, merchant=merchant, started_at=START + timedelta(days=day), products=products
        )
    return idx


def test_hit_is_fully_populated(index: HybridIndex) -> None:
    hit = index.search("赠品是什么", SearchFilters(stream="s1"), k=3)[0]
    assert (hit.id, hit.stream, hit.t0, hit.t1) == ("s1-u3", "s1", 15.0, 19.0)
    assert hit.quote == "下单再送一片同款面膜。"
    assert hit.at == START + timedelta(seconds=15)
    assert hit.prev == "敏感肌也能用，孕妇也可以放心用。" and hit.next == "下单后四十八小时内发货，全国包邮。"
    assert hit.claim is not None and hit.claim.type == ClaimType.GIFT and hit.claim.value["quantity"] == 1
    assert hit.product == "p1" and hit.score > 0 and hit.clip_url == ""


def test_the_claim_the_question_is_about_is_picked(index: HybridIndex) -> None:
    hit = index.search("包邮吗", SearchFilters(stream="s1"), k=1, mode="lexical")[0]
    assert hit.id == "s1-u4" and hit.claim is not None and hit.claim.quote == "全国包邮"
    hit = index.search("几个小时发货", SearchFilters(stream="s1"), k=1, mode="lexical")[0]
    assert hit.claim is not None and hit.claim.quote == "四十八小时内发货"


def test_first_and_last_utterances_have_one_neighbour(index: HybridIndex) -> None:
    first = index.search("欢迎来到直播间", SearchFilters(stream="s2"), k=1, mode="lexical")[0]
    assert first.id == "s2-u0" and first.prev is None and first.next == LINES[1]
    last = index.search("面膜就讲到这里", SearchFilters(stream="s2"), k=1, mode="lexical")[0]
    assert last.id == "s2-u6" and last.next is None


@pytest.mark.parametrize("mode", ["lexical", "semantic", "hybrid"])
def test_filters(index: HybridIndex, mode: str) -> None:
    def ids(f: SearchFilters) -> set[tuple[str, str]]:
        return {(h.stream, h.id) for h in index.search("面膜 发货 包邮 最低价", f, k=50, mode=mode)}  # type: ignore[arg-type]

    assert {s for s, _ in ids(SearchFilters(stream="s2"))} == {"s2"}
    assert {s for s, _ in ids(SearchFilters(merchant="shop-a"))} == {"s1"}
    assert ids(SearchFilters(type="shipping")) == {("s1", "s1-u4"), ("s2", "s2-u4")}
    assert ids(SearchFilters(risky=True)) == {("s1", "s1-u5"), ("s2", "s2-u5")}
    assert ids(SearchFilters(product="nope")) == set()
    day2 = ids(SearchFilters(t_from=START + timedelta(days=1), t_to=START + timedelta(days=1, seconds=12)))
    assert day2 == {("s2", "s2-u0"), ("s2", "s2-u1"), ("s2", "s2-u2")} & day2 and day2 <= {
        ("s2", "s2-u0"),
        ("s2", "s2-u1"),
        ("s2", "s2-u2"),
    }
    assert ids(SearchFilters(stream="s1", type="gift")) == {("s1", "s1-u3")}


def test_unknown_claim_type_is_reported(index: HybridIndex) -> None:
    with pytest.raises(InputError, match="unknown claim type"):
        index.search("面膜", SearchFilters(type="bogus"))


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_blank_query_is_an_input_error(index: HybridIndex, query: str) -> None:
    with pytest.raises(InputError, match="empty"):
        index.search(query)


def test_persistence_round_trip(index: HybridIndex, hashing_embedder) -> None:  # noqa: ANN001
    before = [(h.id, h.stream, round(h.score, 5), h.claim) for h in index.search("全国包邮", k=5)]
    index.save()
    index.save()  # saving again replaces the snapshot
    assert len(list(index.directory.glob("snap-*"))) == 1
    reloaded = HybridIndex(index.directory, hashing_embedder).load()
    assert len(reloaded) == len(index) == 2 * len(LINES)
    after = [(h.id, h.stream, round(h.score, 5), h.claim) for h in reloaded.search("全国包邮", k=5)]
    assert after == before
    hit = reloaded.search("赠品", SearchFilters(stream="s1"), k=1)[0]
    assert hit.at == START + timedelta(seconds=15) and hit.prev == LINES[2]
    # adds after a reload continue the same stream (product carried, started_at remembered)
    reloaded.add_utterances(
        [Utterance(id="s1-u7", stream_id="s1", t0=40, t1=44, text="最后再说一遍，买就送面膜。")]
    )
    hit = reloaded.search("最后再说一遍", SearchFilters(stream="s1"), k=1, mode="lexical")[0]
    assert hit.id == "s1-u7" and hit.at == START + timedelta(seconds=40) and hit.prev == LINES[6]


def test_an_index_built_with_another_model_is_refused(index: HybridIndex) -> None:
    index.save()

    class Other:
        name, dim = "some-other-model", 64

    with pytest.raises(SearchIndexError, match="rebuild"):
        HybridIndex(index.directory, Other()).load()  # type: ignore[arg-type]


def test_readding_an_utterance_replaces_it(index: HybridIndex) -> None:
    n = len(index)
    utts, claims = _stream("s1")
    index.add_utterances(utts[3:4], [], merchant="shop-a")  # claims re-extracted: none now
    assert len(index) == n
    hits = index.search("下单再送一片同款面膜", SearchFilters(stream="s1"), k=10)
    assert [h.id for h in hits].count("s1-u3") == 1
    assert next(h for h in hits if h.id == "s1-u3").claim is None
    assert index.search("赠品", SearchFilters(stream="s1", type="gift"), k=5) == []


def test_rebuild_replaces_everything(index: HybridIndex) -> None:
    utts, claims = _stream("s9")
    assert index.rebuild([(utts, claims, "shop-z", START)]) == len(LINES)
    assert {h.stream for h in index.search("面膜", k=20)} == {"s9"}
    assert (index.directory / "CURRENT").is_file()


def test_add_texts_hits_carry_the_given_ids(tmp_path: Path, hashing_embedder) -> None:  # noqa: ANN001
    idx = HybridIndex(tmp_path / "i", hashing_embedder)
    idx.add_texts(
        "corpus",
        [("a1", "今天拍明天发，默认发圆通。"), ("a2", "这款保温杯可以保温十二个小时。"), ("a3", " ")],
    )
    hits = idx.search("发什么快递", k=2)
    assert (
        hits[0].id == "a1" and hits[0].stream == "corpus" and hits[0].next == "这款保温杯可以保温十二个小时。"
    )
    assert len(idx) == 2


def test_utterances_are_searchable_while_a_recording_is_indexed(tmp_path: Path, hashing_embedder) -> None:  # noqa: ANN001
    idx = HybridIndex(tmp_path / "live", hashing_embedder).load()
    batches, lockstep = 30, 10
    added, searched = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def record() -> None:
        try:
            for b in range(batches):
                utts = [
                    Utterance(
                        id=f"u{b}-{i}",
                        stream_id="live",
                        t0=b * 10 + i,
                        t1=b * 10 + i + 1,
                        text=f"第{b}批第{i}句，下单送赠品{b}号。",
                    )
                    for i in range(5)
                ]
                idx.add_utterances(utts, started_at=START)
                if b < lockstep:  # first batches: hand over to the searcher after each one
                    added.set()
                    assert searched.wait(30)
                    searched.clear()
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)
            added.set()

    writer = threading.Thread(target=record)
    writer.start()
    for b in range(lockstep):  # each batch is searchable as soon as add_utterances returns
        assert added.wait(30) and not errors
        added.clear()
        hits = idx.search(f"赠品{b}号", k=5, mode="lexical")
        assert {h.id for h in hits} >= {f"u{b}-{i}" for i in range(5)}
        searched.set()
    seen = []
    while writer.is_alive():  # then searches run while adds go on
        hits = idx.search("下单送赠品", k=5)
        seen.append(len(idx))
        assert all(h.stream == "live" and h.quote for h in hits)
    writer.join()
    assert not errors
    assert len(idx) == batches * 5 and seen == sorted(seen)
    hit = next(h for h in idx.search("赠品29号", k=5, mode="lexical") if h.id == "u29-4")
    assert hit.prev == "第29批第3句，下单送赠品29号。" and hit.next is None


def test_remove_stream(index: HybridIndex, hashing_embedder) -> None:  # noqa: ANN001
    assert index.remove_stream("s1") == len(LINES)
    assert index.remove_stream("s1") == 0
    assert {h.stream for h in index.search("面膜 包邮", k=20)} == {"s2"}
    index.save()
    reloaded = HybridIndex(index.directory, hashing_embedder).load()
    assert len(reloaded) == len(LINES)
    utts, claims = _stream("s1")
    reloaded.add_utterances(utts, claims, started_at=START)  # re-ingest after removal
    assert {h.stream for h in reloaded.search("面膜 包邮", k=20)} == {"s1", "s2"}
