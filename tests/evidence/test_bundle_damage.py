"""A damaged evidence bundle is a named failure, never a crash: a CRC error, an entry that does not
decompress, a truncated file or not a ZIP at all; a name stored twice (zipfile reads the last copy,
unzip extracts the first) fails; and decompression is bounded, so a zip bomb costs no memory."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from capture.archive import StreamArchive
from capture.segmenter import PyAVSegmenter, SegmentData, open_input
from evidence import layout
from evidence.builder import EvidenceBuilder
from evidence.signer import Ed25519Signer
from evidence.verifier import BundleLimits, verify_bundle
from models import Moment, Stream
from storage.catalog import Catalog
from storage.objects import LocalStore

STARTED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, tone_video: Path) -> Path:
    """A real bundle over a recorded stream, built and signed by the evidence code."""
    root = tmp_path_factory.mktemp("ev")
    store = LocalStore(root / "store")
    stream = Stream(id="s1", merchant="m", started_at=STARTED)
    archive = StreamArchive.open(store, stream)
    with open_input(str(tone_video)) as c:
        for ev in PyAVSegmenter("s1", 4.0).run(c):
            if isinstance(ev, SegmentData):
                archive.append_segment(ev.data, ev.t0, ev.t1)
    archive.finish()
    catalog = Catalog(f"sqlite:///{root / 'catalog.sqlite3'}").load()
    builder = EvidenceBuilder(store, catalog, Ed25519Signer(root / "keys"))
    data, _ = builder.build("m", [Moment("s1", 2.0, 5.0)])
    path = root / "bundle.zip"
    path.write_bytes(data)
    assert verify_bundle(path).ok
    return path


def _cli_verify(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ONRECORD_DATA_DIR": str(path.parent / "data"), "COLUMNS": "300"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "verify", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _data_offset(path: Path, name: str) -> tuple[int, int]:
    """Where entry `name`'s stored (compressed) bytes start in the file, and how many there are."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = path.read_bytes()
    n_name, n_extra = struct.unpack("<HH", raw[info.header_offset + 26 : info.header_offset + 30])
    return info.header_offset + 30 + n_name + n_extra, info.compress_size


def _entry(path: Path, prefix: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return next(n for n in zf.namelist() if n.startswith(prefix))


def _damage(src: Path, dst: Path, change: Callable[[bytearray], None]) -> Path:
    raw = bytearray(src.read_bytes())
    change(raw)
    dst.write_bytes(bytes(raw))
    return dst


def test_a_flipped_byte_in_a_stored_clip_is_a_crc_error_by_name(bundle: Path, tmp_path: Path) -> None:
    clip = _entry(bundle, layout.CLIPS)
    start, size = _data_offset(bundle, clip)
    bad = _damage(
        bundle, tmp_path / "bundle.zip", lambda b: b.__setitem__(start + size // 2, b[start + size // 2] ^ 1)
    )
    check = verify_bundle(bad)
    assert not check.ok
    assert f"{bad}: entry {clip} is corrupt (CRC mismatch)" in check.failures, check.failures

    proc = _cli_verify(bad)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED" in proc.stdout and f"entry {clip} is corrupt (CRC mismatch)" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_deflated_entry_that_does_not_decompress_is_named(bundle: Path, tmp_path: Path) -> None:
    start, size = _data_offset(bundle, layout.README)
    bad = _damage(
        bundle, tmp_path / "b.zip", lambda b: b.__setitem__(slice(start, start + size), b"\xff" * size)
    )
    check = verify_bundle(bad)
    assert not check.ok
    assert any(f.startswith(f"{bad}: entry {layout.README} is corrupt (") for f in check.failures), (
        check.failures
    )


def test_a_damaged_manifest_entry_is_named(bundle: Path, tmp_path: Path) -> None:
    start, size = _data_offset(bundle, layout.MANIFEST)
    bad = _damage(bundle, tmp_path / "b.zip", lambda b: b.__setitem__(slice(start, start + 8), b"\xff" * 8))
    check = verify_bundle(bad)
    assert not check.ok and check.failures[0].startswith(f"{bad}: entry {layout.MANIFEST} is corrupt (")


@pytest.mark.parametrize(
    "change",
    [lambda raw: raw[: len(raw) // 2], lambda raw: raw[:-30], lambda raw: b"PK\x03\x04 not a zip really"],
    ids=["truncated", "end-record-cut", "not-a-zip"],
)
def test_a_file_that_is_not_a_whole_zip_fails_by_name(bundle: Path, tmp_path: Path, change) -> None:
    bad = tmp_path / "bundle.zip"
    bad.write_bytes(change(bundle.read_bytes()))
    check = verify_bundle(bad)
    assert not check.ok and check.failures[0].startswith(f"{bad}: ")
    proc = _cli_verify(bad)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert str(bad) in proc.stdout


def test_a_missing_bundle_file_is_bad_input(tmp_path: Path) -> None:
    proc = _cli_verify(tmp_path / "nope.zip")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"error: {tmp_path / 'nope.zip'}: no such bundle file"]


def _with_forged_first_copy(src: Path, dst: Path) -> str:
    """A ZIP holding a forged copy of a clip *before* the genuine one, under the same name."""
    clip = _entry(src, layout.CLIPS)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        zout.writestr(clip, b"forged clip an unzip user would see")
        for info in zin.infolist():
            with pytest.warns(UserWarning, match="Duplicate name") if info.filename == clip else _nothing():
                zout.writestr(info, zin.read(info))
    return clip


class _nothing:  # noqa: N801 - a null context manager named for how it reads
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_name_stored_twice_fails(bundle: Path, tmp_path: Path) -> None:
    clip = _with_forged_first_copy(bundle, tmp_path / "dup.zip")
    check = verify_bundle(tmp_path / "dup.zip")
    assert not check.ok
    assert any(f"entry {clip} appears more than once" in f for f in check.failures), check.failures


def _with_bomb(src: Path, dst: Path, megabytes: int) -> str:
    """The bundle with its clip replaced by `megabytes` MB of zeros (deflated to a few hundred kB)."""
    clip = _entry(src, layout.CLIPS)
    zero = bytes(1 << 20)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename != clip:
                zout.writestr(info, zin.read(info))
                continue
            big = zipfile.ZipInfo(clip)
            big.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(big, "w", force_zip64=True) as fh:
                for _ in range(megabytes):
                    fh.write(zero)
    return clip


def test_declared_sizes_past_the_limits_fail_before_anything_is_decompressed(
    bundle: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.zip"
    clip = _with_bomb(bundle, bomb, 64)
    check = verify_bundle(bomb, limits=BundleLimits(entry_bytes=32 << 20))
    assert not check.ok
    assert check.failures == [
        f"{bomb}: entry {clip} declares {64 << 20} bytes uncompressed, more than the limit of {32 << 20}"
    ]
    check = verify_bundle(bomb, limits=BundleLimits(total_bytes=48 << 20))
    assert not check.ok and "more than the limit of" in check.failures[0]


MEASURE = """
import sys
from pathlib import Path
from evidence.verifier import verify_bundle
check = verify_bundle(Path(sys.argv[1]))
# VmHWM: this process's peak RSS since exec (ru_maxrss would start from the forking parent's)
hwm = next(ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
print(int(check.ok), int(hwm.split()[1]) // 1024)
"""


def test_a_large_entry_is_hashed_as_a_stream_not_held_in_memory(bundle: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    _with_bomb(bundle, bomb, 400)
    assert bomb.stat().st_size < 8 << 20
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, str(bomb)], capture_output=True, text=True, timeout=120, check=True
    )
    ok, peak_mb = (int(v) for v in proc.stdout.split())
    assert ok == 0  # the clip's hash does not match the signed manifest
    assert peak_mb < 300, f"verifying a 400 MB entry peaked at {peak_mb} MB"
