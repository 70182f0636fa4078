"""BM25 over jieba words and character bigrams works on Chinese without spaces."""

from __future__ import annotations

from pathlib import Path

from index.analyzer import JiebaAnalyzer
from index.bm25 import BM25Index

DOCS = [
    "下单后四十八小时内发货，全国包邮。",
    "敏感肌也能用，孕妇也可以放心用。",
    "这个锅炒菜不粘，少油烟。",
    "七天无理由退货，用着过敏也包退。",
    "欢迎新来的宝宝点点关注。",
]


def _index(analyzer: JiebaAnalyzer, docs: list[str]) -> BM25Index:
    index = BM25Index(["words", "bigrams"])
    index.add([{"words": analyzer.words(d), "bigrams": analyzer.bigrams(d)} for d in docs])
    return index


def _top(index: BM25Index, analyzer: JiebaAnalyzer, query: str, bigram_weight: float = 0.3) -> int:
    scores = index.scores(
        {
            "words": [(w, 1.0) for w in analyzer.words(query)],
            "bigrams": [(b, bigram_weight) for b in analyzer.bigrams(query)],
        }
    )
    assert scores.max() > 0
    return int(scores.argmax())


def test_whitespace_splitting_fails_where_jieba_works() -> None:
    analyzer = JiebaAnalyzer()
    assert len("敏感肌也能用，孕妇也可以放心用。".split()) == 1  # what a naive tokenizer sees
    assert {"敏感肌", "孕妇"} <= set(analyzer.words(DOCS[1]))
    index = _index(analyzer, DOCS)
    assert _top(index, analyzer, "孕妇能用吗") == 1
    assert _top(index, analyzer, "多久发货") == 0
    assert _top(index, analyzer, "过敏了可以退吗") == 3


def test_bigrams_catch_an_asr_variant() -> None:
    analyzer = JiebaAnalyzer()
    index = _index(analyzer, DOCS)
    # ASR wrote 敏感机 for 敏感肌: no jieba word in common, the bigram 敏感 still matches
    query_words = set(analyzer.words("敏感机能用吗"))
    assert "敏感肌" not in query_words
    assert _top(index, analyzer, "敏感机能用吗", bigram_weight=1.0) == 1
    assert _top(index, analyzer, "无理游退货") == 3


def test_incremental_adds_and_round_trip(tmp_path: Path) -> None:
    analyzer = JiebaAnalyzer()
    index = _index(analyzer, DOCS[:2])
    index.add([{"words": analyzer.words(d), "bigrams": analyzer.bigrams(d)} for d in DOCS[2:]])
    assert len(index) == len(DOCS)
    before = index.scores({"words": [("包邮", 1.0), ("退货", 1.0)], "bigrams": [("不粘", 0.3)]})
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    after = loaded.scores({"words": [("包邮", 1.0), ("退货", 1.0)], "bigrams": [("不粘", 0.3)]})
    assert len(loaded) == len(DOCS)
    assert before.tolist() == after.tolist()


def test_glossary_maps_agent_words_to_host_words() -> None:
    own, expanded = JiebaAnalyzer().query_words("赠品是什么")
    assert own == ["赠品"] and "送" in expanded
    own, expanded = JiebaAnalyzer().query_words("did she promise free shipping on the tissues")
    assert "包邮" in expanded
    # product names across languages are the embedding model's job, not a glossary's
    assert "纸巾" not in expanded
