"""Fixtures for the pipeline tests that run the real `onrecord` command on real speech."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.sample import SAMPLE_DIR

SAMPLES = SAMPLE_DIR
ONRECORD = [sys.executable, "-m", "pipeline.cli"]


@pytest.fixture(scope="session")
def model_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for `onrecord` subprocesses: the bundled models assembled once, outside any data
    dir (so a data dir can sit on a tiny disk), offline."""
    from index.e5_assets import ensure_e5_model
    from transcribe.whisper_assets import ensure_whisper_model

    models = Path(os.environ.get("ONRECORD_TEST_MODELS_DIR", tmp_path_factory.mktemp("models")))
    return {
        **os.environ,
        "ONRECORD_WHISPER_MODEL": ensure_whisper_model("bundled", models),
        "ONRECORD_EMBED_MODEL": ensure_e5_model("bundled", models),
        "HF_HUB_OFFLINE": "1",
        "COLUMNS": "200",
    }


@pytest.fixture(scope="session")
def sample_cut(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 40 s of the sample stream (stream copy): two of Whisper's 28-s windows of real speech."""
    out = tmp_path_factory.mktemp("cut") / "sample40.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(SAMPLES / "sample_stream.mp4"), "-t", "40", "-c", "copy", str(out)],
        check=True,
    )
    return out
