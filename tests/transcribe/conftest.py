"""Shared fixtures: the real bundled model (assembled once per session) and real speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.sample import SAMPLE_DIR
from transcribe.corrected import Corrected
from transcribe.transcriber import FasterWhisperTranscriber
from transcribe.whisper_assets import ensure_whisper_model

REPO = Path(__file__).resolve().parents[2]
REALDATA = REPO.parent / "shared" / "realdata"
SAMPLE = SAMPLE_DIR / "sample_stream.mp4"
SAMPLE_TRUTH = SAMPLE_DIR / "sample_stream.truth.json"


@pytest.fixture(scope="session")
def whisper_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return ensure_whisper_model("bundled", tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def transcriber(whisper_path: str) -> Corrected:
    """The default engine with domain-term correction after it, as the pipeline builds it."""
    from transcribe.correction import DomainCorrector

    tr = Corrected(FasterWhisperTranscriber(whisper_path), DomainCorrector())
    tr.load()
    return tr


def realdata_clip(name: str) -> Path:
    path = REALDATA / "audio_zh" / name
    if not path.is_file():
        pytest.skip(f"{path} not available")
    return path
