"""Shared fixtures: real media made with ffmpeg, a LocalStore in a temp folder, isolated settings."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


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
