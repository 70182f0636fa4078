"""What issue 17 asked of search, each behaviour on its own: junk never indexed, bad queries refused
clearly, sub-word matches, question intent, neighbour context, per-script centring, English
questions over Chinese text, and fusion above each half."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from index.analyzer import has_content, intents
from index.centering import ScriptCentroids, script_of
from index.fusion import Candidates, FusionWeights, fuse
from index.hybrid import MAX_QUERY_CHARS, HybridIndex
from models import Claim, ClaimType, InputError, SearchFilters

LINES = [
    ("l1", "欢迎来到直播间，点点关注不迷路"),
    ("l2", "安装方式：免打孔，贴在墙上就行"),
    ("l3", "这款纸巾不添加荧光剂，孕婴适用"),
    ("l4", "下单后四十八小时内发货，全国包邮"),
    ("l5", "好多宝宝在问多久发货，我们先看一下颜色"),
    ("l6", "可装订张数：2-25张80g"),
    ("l7", "|---|----|"),
    ("l8", "😀😀🎉"),
    ("l9", "。。。！！"),
    ("l10", "Follow us and tap the yellow cart!"),
]


@pytest.fixture
def hashed(tmp_path: Path, hashing_embedder) -> HybridIndex:  # noqa: ANN001
    index = HybridIndex(tmp_path / "idx", hashing_embedder).load()
    index.add_texts("s1", LINES)
    return index


@pytest.fixture(scope="module")
def e5_index(tmp_path_factory: pytest.TempPathFactory, e5) -> HybridIndex:  # noqa: ANN001
    index = HybridIndex(tmp_path_factory.mktemp("e5idx"), e5).load()
    shipping = Claim(type=ClaimType.SHIPPING, quote="四十八小时内发货", value={"within_hours": 48})
    index.add_texts("s1", LINES, claims={"l4": [shipping]})
    return index


def test_text_without_letters_or_digits_is_not_indexed(hashed: HybridIndex) -> None:
    assert not has_content("|---|----|") and not has_content("😀🎉") and has_content("80g")
    assert len(hashed) == len(LINES) - 3
    for mode in ("lexical", "semantic", "hybrid"):
        hits = hashed.search("Is shipping free?", k=10, mode=mode)  # type: ignore[arg-type]
        assert {h.id for h in hits}.isdisjoint({"l7", "l8", "l9"})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ("   \t ", "empty"),
        ("😀🎉👍", "no letters or digits"),
        ("|---|----|", "no letters or digits"),
        ("发货" * 5000, f"at most {MAX_QUERY_CHARS}"),
    ],
)
def test_bad_queries_are_refused_clearly(hashed: HybridIndex, query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        hashed.search(query)
    with pytest.raises(InputError, match=message):
        hashed.search_batch(["发货", query])


def test_unknown_filters_and_modes_are_input_errors(tmp_path: Path, hashing_embedder) -> None:  # noqa: ANN001
    empty = HybridIndex(tmp_path / "empty", hashing_embedder).load()
    with pytest.raises(InputError, match="unknown claim type"):
        empty.search("发货", SearchFilters(type="bogus"))  # refused even before anything is indexed
    with pytest.raises(InputError, match="unknown search mode"):
        empty.search("发货", mode="fuzzy")  # type: ignore[arg-type]
    assert empty.search("发货", SearchFilters(stream="no-such-stream")) == []


def test_a_word_inside_a_longer_word_matches(hashed: HybridIndex) -> None:
    hits = hashed.search("抽纸机装在墙上需要打孔吗", k=3, mode="lexical")
    assert hits and hits[0].id == "l2"


def test_question_intent_names_the_claim_type() -> None:
    assert ClaimType.SHIPPING in intents("今天下单的话什么时候能发出？")
    assert ClaimType.SUITABILITY in intents("孕妇能用吗")
    assert ClaimType.SPEC in intents("一次最多能钉几张纸")
    assert ClaimType.SHIPPING in intents("Is shipping free?")
    assert intents("你好") == set()


@pytest.mark.parametrize("question", ["什么时候发货", "拍了几天能发出"])
def test_a_shipping_question_prefers_the_shipping_promise(e5_index: HybridIndex, question: str) -> None:
    hits = e5_index.search(question, k=2)
    assert hits[0].id == "l4"  # the promise, not 好多宝宝在问多久发货 (which only echoes the question)
    assert hits[0].claim is not None and hits[0].claim.type is ClaimType.SHIPPING
    default = e5_index.fusion
    try:
        e5_index.fusion = dataclasses.replace(default, intent=0.0)
        without = {h.id: h.score for h in e5_index.search(question, k=5)}
    finally:
        e5_index.fusion = default
    assert without["l4"] < hits[0].score  # it is the intent that lifts it


def test_english_questions_reach_chinese_answers(e5_index: HybridIndex) -> None:
    top = [h.id for h in e5_index.search("How many sheets can the stapler bind at once?", k=3)]
    assert "l6" in top
    top = [h.id for h in e5_index.search("Is this tissue safe for pregnant women and babies?", k=3)]
    assert "l3" in top


def test_hybrid_is_at_least_each_half_on_precise_questions(e5_index: HybridIndex) -> None:
    questions = {
        "需要在墙上打孔吗": "l2",
        "孕妇和宝宝能用这个纸巾吗": "l3",
        "包不包邮，几天发": "l4",
        "订书机能订多少张": "l6",
    }

    def reciprocal_rank(mode: str) -> float:
        total = 0.0
        for q, answer in questions.items():
            ids = [h.id for h in e5_index.search(q, k=5, mode=mode)]  # type: ignore[arg-type]
            total += 1 / (ids.index(answer) + 1) if answer in ids else 0.0
        return total / len(questions)

    hybrid = reciprocal_rank("hybrid")
    assert hybrid >= reciprocal_rank("lexical") and hybrid >= reciprocal_rank("semantic")
    assert hybrid >= 0.75


def test_a_short_sentence_takes_its_neighbours_score() -> None:
    # candidates: 0 = the question the host repeats, 1 = her short answer right after it, 2 = unrelated
    cands = Candidates(
        ids=np.array([10, 11, 12]),
        lexical=np.array([4.0, 0.0, 0.0], np.float32),
        semantic=np.array([0.9, 0.8, 0.8], np.float32),
        prev=np.array([-1, 0, -1]),
        next=np.array([1, -1, -1]),
        short=np.array([False, True, True]),
        types=[set(), {ClaimType.SUITABILITY}, set()],
    )
    scores = fuse(cands, floor=0.8, coverage=1.0, wanted=set(), w=FusionWeights())
    assert scores[1] > scores[2]  # same text score; the answer sits next to the matching question
    no_context = fuse(cands, floor=0.8, coverage=1.0, wanted=set(), w=FusionWeights(context=0.0))
    assert no_context[1] == no_context[2]
    wanted = fuse(cands, floor=0.8, coverage=1.0, wanted={ClaimType.SUITABILITY}, w=FusionWeights())
    assert wanted[1] > scores[1]  # a suitability question lifts the suitability claim


def test_english_weight_moves_to_the_vectors_when_no_word_is_known() -> None:
    cands = Candidates(
        ids=np.array([0, 1]),
        lexical=np.array([5.0, 0.0], np.float32),
        semantic=np.array([0.70, 0.75], np.float32),
        prev=np.array([-1, -1]),
        next=np.array([-1, -1]),
        short=np.array([False, False]),
        types=[set(), set()],
    )
    assert np.argmax(fuse(cands, 0.6, coverage=1.0, wanted=set(), w=FusionWeights())) == 0
    assert np.argmax(fuse(cands, 0.6, coverage=0.0, wanted=set(), w=FusionWeights())) == 1


def test_centring_removes_a_scripts_pull_and_keeps_one_script_rankings() -> None:
    rng = np.random.default_rng(0)
    latin_mean, han_mean = rng.normal(size=8), rng.normal(size=8)
    texts = ["follow us", "tap the cart", "包邮", "七天无理由"]
    vecs = np.stack(
        [latin_mean + 0.1 * rng.normal(size=8) for _ in range(2)]
        + [han_mean + 0.1 * rng.normal(size=8) for _ in range(2)]
    ).astype(np.float32)
    centroids = ScriptCentroids(8)
    centroids.add(texts, vecs)
    assert [script_of(t) for t in texts] == ["latin", "latin", "han", "han"]
    q = latin_mean.astype(np.float32)
    offsets = centroids.offsets(q, texts)
    assert offsets[0] == offsets[1] and offsets[2] == offsets[3]  # one script: the same shift for all
    centred = vecs @ q - offsets
    assert abs(centred.mean()) < abs((vecs @ q).mean())
    restored = ScriptCentroids.from_json(8, centroids.to_json())  # type: ignore[arg-type]
    assert np.allclose(restored.offsets(q, texts), offsets)


def test_centroids_survive_save_and_load(tmp_path: Path, hashing_embedder) -> None:  # noqa: ANN001
    index = HybridIndex(tmp_path / "idx", hashing_embedder).load()
    index.add_texts("s1", LINES)
    before = [h.id for h in index.search("发货包邮", k=5)]
    index.save()
    again = HybridIndex(tmp_path / "idx", hashing_embedder).load()
    assert [h.id for h in again.search("发货包邮", k=5)] == before
