"""The data disk's ballast: written for real (not sparse), sized to the disk, released at a failed write."""

from __future__ import annotations

from pathlib import Path

from storage.reserve import MAX_RESERVE, MIN_RESERVE, DiskReserve
from tests.conftest import tmpfs_mount


def test_the_reserve_occupies_real_blocks_and_is_released(tmp_path: Path) -> None:
    reserve = DiskReserve(tmp_path / "data" / ".onrecord-reserve")
    assert reserve.hold() and reserve.held
    st = reserve.path.stat()
    assert MIN_RESERVE <= st.st_size <= MAX_RESERVE
    assert st.st_blocks * 512 >= st.st_size  # allocated, so a full disk can give it back
    assert reserve.hold()  # held already: nothing rewritten
    reserve.release()
    assert not reserve.held
    reserve.release()  # twice is harmless


def test_sizes_are_an_eighth_of_free_space_within_bounds() -> None:
    reserve = DiskReserve(Path("unused"))
    assert reserve.size_for(0) == MIN_RESERVE
    assert reserve.size_for(8 * 1024 * 1024) == 1024 * 1024
    assert reserve.size_for(10**12) == MAX_RESERVE


def test_a_disk_without_room_gets_no_reserve_and_no_error(tmp_path: Path) -> None:
    with tmpfs_mount(tmp_path / "tiny", "256k") as mount:
        (mount / "filler").write_bytes(b"x" * (256 * 1024 - 64 * 1024))
        reserve = DiskReserve(mount / ".onrecord-reserve")
        assert not reserve.hold()
        assert not reserve.held and not (mount / ".onrecord-reserve.tmp").exists()
