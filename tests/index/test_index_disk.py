"""The index on a disk that fills up, and who may read it.

A save on a full disk (a real 1 MB tmpfs, filled) raises StorageError naming the file and the OS's
reason, removes its half-written snapshot and leaves the previous index the one that loads; the CLI
prints one `error:` line and exits 2. Every index file is 0600 and every folder 0700, whatever the
umask.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.hybrid import HybridIndex
from models import StorageError
from tests.conftest import tmpfs_mount


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB tmpfs mounted for this test (root only), always unmounted after."""
    with tmpfs_mount(tmp_path / "small", "1m") as mnt:
        yield mnt


def _fill(mnt: Path, leave: int) -> Path:
    """Fill the filesystem at `mnt` until only about `leave` bytes are free."""
    st = os.statvfs(mnt)
    filler = mnt / "filler"
    with filler.open("wb") as fh:
        fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
    return filler


def _texts(prefix: str, n: int) -> list[tuple[str, str]]:
    return [
        (f"{prefix}{i}", f"第{i}号链接今天下单四十八小时内发货，赠品是一片面膜，编号{prefix}{i}")
        for i in range(n)
    ]


def _tree(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}


def test_a_full_disk_is_a_storage_error_and_the_previous_index_survives(
    small_disk: Path, hashing_embedder
) -> None:
    directory = small_disk / "index"
    index = HybridIndex(directory, hashing_embedder)
    index.load().add_texts("s1", _texts("a", 20))
    index.save()
    current = (directory / "CURRENT").read_text()
    filler = _fill(small_disk, 16 << 10)

    index.add_texts("s1", _texts("b", 400))
    with pytest.raises(StorageError) as info:
        index.save()
    message = str(info.value)
    assert message.startswith(f"cannot write the search index file {directory}/")
    assert message.endswith("No space left on device")
    assert (directory / "CURRENT").read_text() == current
    assert sorted(p.name for p in directory.iterdir()) == ["CURRENT", current]  # nothing half-written

    reloaded = HybridIndex(directory, hashing_embedder).load()
    assert len(reloaded) == 20 and reloaded.search("a7 发货", k=1)

    filler.unlink()
    index.save()  # with room again, the same index saves everything it holds
    assert len(HybridIndex(directory, hashing_embedder).load()) == 420


def test_the_cli_prints_one_error_line_and_exits_2_on_a_full_index_disk(
    tmp_path: Path, small_disk: Path, e5_path: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "index").symlink_to(small_disk, target_is_directory=True)
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in _texts("c", 60))
    )
    _fill(small_disk, 8 << 10)
    env = {
        **os.environ,
        "ONRECORD_DATA_DIR": str(data),
        "ONRECORD_EMBED_MODEL": e5_path,
        "HF_HUB_OFFLINE": "1",
        "COLUMNS": "300",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "index-jsonl", str(lines), "--stream", "t1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]  # the rest: model loading
    assert len(errors) == 1 and proc.stderr.strip().endswith(errors[0])
    assert errors[0].startswith(f"error: cannot write the search index file {data / 'index'}/")
    assert "No space left on device" in errors[0] and "Traceback" not in proc.stderr
    assert [p.name for p in small_disk.iterdir()] == ["filler"]  # no snapshot left behind


def test_index_files_are_private_whatever_the_umask(tmp_path: Path, hashing_embedder) -> None:
    old = os.umask(0)
    try:
        directory = tmp_path / "deep" / "index"
        index = HybridIndex(directory, hashing_embedder)
        index.load().add_texts("s1", _texts("a", 5))
        index.save()
        index.add_texts("s1", _texts("b", 5))
        index.save()
    finally:
        os.umask(old)
    modes = _tree(tmp_path / "deep")
    assert modes.pop("index") == 0o700 and any(name.endswith("vectors.faiss") for name in modes)
    for name, mode in modes.items():
        want = 0o700 if (tmp_path / "deep" / name).is_dir() else 0o600
        assert mode == want, f"{name} is {mode:o}"
    assert stat.S_IMODE((tmp_path / "deep").stat().st_mode) == 0o700
