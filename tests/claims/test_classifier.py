"""The learned classifier: committed weights match the training data, scores are calibrated
probabilities, and it finds claims no rule lists (with the real e5 vectors and without)."""

from __future__ import annotations

import numpy as np
import pytest

from claims import LABELS, ClaimClassifier, ClaimExtractor
from claims.classifier import TRAINING, data_hash

CLF = ClaimClassifier().load()


def test_weights_were_trained_on_the_committed_data() -> None:
    assert CLF.meta["data_sha256"] == data_hash(TRAINING.glob("*.jsonl")), (
        "claims/training/ changed since the weights were trained: run `make train-claims`"
    )


def test_scores_are_probabilities_per_label() -> None:
    p = CLF.predict(["下单送一片面膜", "今天天气真好", ""])
    assert p.shape == (3, len(LABELS)) and np.all((p >= 0) & (p <= 1))
    assert CLF.predict([]).shape == (0, len(LABELS))


OPEN = [("适合烧烤店打包生蚝", "suitability"), ("一卷四百节", "spec"), ("泡沫丰富，很容易冲洗干净", "efficacy"),
        ("前两名下单直接免单", "gift"), ("拍下之后仓库当天就给你打包寄走", "shipping"),
        ("这套茶具是景德镇手工拉坯的", "spec"), ("办公室家里都能放，不占地方", "suitability")]


@pytest.fixture(scope="module")
def with_vectors(tmp_path_factory: pytest.TempPathFactory) -> ClaimExtractor:
    from index.e5_assets import ensure_e5_model
    from index.embedder import SentenceTransformerEmbedder

    path = ensure_e5_model("bundled", tmp_path_factory.mktemp("models"))
    return ClaimExtractor(embedder=SentenceTransformerEmbedder(path, num_threads=2))


def _found(ex: ClaimExtractor) -> int:
    return sum(t in {c.type.value for c in ex.extract_text(text)[0]} for text, t in OPEN)


def test_open_phrasings_without_rules_ngrams_alone() -> None:
    assert _found(ClaimExtractor()) >= len(OPEN) - 3


@pytest.mark.slow
def test_open_phrasings_without_rules_with_vectors(with_vectors: ClaimExtractor) -> None:
    """Phrasings no rule lists, found by the full model (n-grams and the e5 vector): a recall floor,
    since retraining moves single scores."""
    assert _found(with_vectors) >= len(OPEN) - 1


QUIET = ["谢谢大哥送的嘉年华", "你们那边下雨了吗", "点点关注不迷路", "PK最后十秒了冲冲冲", "这款不支持七天无理由退货",
         "能不能退啊宝宝们问", "不包邮的哈，偏远地区自己补运费"]


@pytest.mark.slow
@pytest.mark.parametrize("text", QUIET)
def test_chat_and_negations_stay_quiet(with_vectors: ClaimExtractor, text: str) -> None:
    claims, risks = with_vectors.extract_text(text)
    assert not [c for c in claims if c.type.value in ("gift", "return_policy")], claims
    assert not risks, risks


def test_classifier_claims_carry_their_score_and_method() -> None:
    assert ClaimExtractor(learned=False).extract_text("适合烧烤店打包生蚝")[0] == []  # no rule knows it
    claims, _ = ClaimExtractor().extract_text("适合烧烤店打包生蚝")
    c = next(c for c in claims if c.type.value == "suitability")
    assert c.method == "classifier" and 0.5 <= c.confidence <= 1.0
    assert c.value == {"audience": "烧烤店打包生蚝"}


def test_hedged_promise_is_kept_with_lower_confidence() -> None:
    plain, _ = ClaimExtractor(learned=False).extract_text("今天就能发货")
    hedged, _ = ClaimExtractor(learned=False).extract_text("大概今天就能发货")
    assert [c.type.value for c in hedged] == ["shipping"]
    assert hedged[0].confidence < plain[0].confidence


def test_packed_weights_keep_every_weight_within_half_a_mu_law_step() -> None:
    from claims.classifier import MU_A, pack_weights, unpack_weights

    rng = np.random.default_rng(0)
    w = rng.standard_t(2, size=(3, 5000)).astype(np.float32)  # heavy tails, as fitted weights have
    w[:, ::7] = 0.0
    codes, top = pack_weights(w)
    back = unpack_weights(codes, top)
    assert codes.dtype == np.int8 and back.shape == w.shape
    assert np.all(back[:, ::7] == 0.0)  # an unused feature stays exactly 0
    step = np.log1p(top / MU_A) / 127
    bound = (MU_A + np.abs(w)) * np.expm1(step[:, None] / 2) + 1e-6
    assert np.all(np.abs(back - w) <= bound)
    assert np.all(np.sign(back) * np.sign(w) >= 0)  # never the opposite sign (tiny ones may become 0)
