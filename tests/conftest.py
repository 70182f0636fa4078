"""Shared fixtures: real media made with ffmpeg, a LocalStore in a temp folder, isolated settings."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def tmpfs_mount(where: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of `size` (e.g. "1m") mounted at `where` for a full-disk test, always unmounted;
    skips where mounting is not permitted (needs root or CAP_SYS_ADMIN)."""
    where.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        pytest.skip("no mount command here: the full-disk test needs a real small filesystem")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database on 127.0.0.1:5432 (trust auth), dropped afterwards; skips without one."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    name = f"onrecord_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
    except sqlalchemy.exc.OperationalError:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def make_media(
    path: Path, seconds: float = 12.0, *, video: bool = True, audio: bool = True, gop: int = 30, fps: int = 15
) -> Path:
    """A test-pattern + tone MP4 (H.264 with a keyframe every `gop` frames, AAC), via ffmpeg."""
    args = ["ffmpeg", "-v", "error", "-y"]
    if video:
        args += ["-f", "lavfi", "-i", f"testsrc2=size=160x90:rate={fps}"]
    if audio:
        args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000"]
    args += ["-t", str(seconds)]
    if video:
        args += [
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            str(gop),
            "-keyint_min",
            str(gop),
            "-sc_threshold",
            "0",
            "-pix_fmt",
            "yuv420p",
        ]
    if audio:
        args += ["-c:a", "aac", "-b:a", "32k"]
    subprocess.run([*args, str(path)], check=True)
    return path


@pytest.fixture(scope="session")
def tone_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_media(tmp_path_factory.mktemp("media") / "tone.mp4", 12.0)


@pytest.fixture(scope="session")
def silent_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_media(tmp_path_factory.mktemp("media") / "video_only.mp4", 4.0, audio=False)


@pytest.fixture
def local_store(tmp_path: Path):
    from storage.objects import LocalStore

    return LocalStore(tmp_path / "store")
