"""The composition root shares one Whisper model among every transcriber it builds."""

from __future__ import annotations

from pathlib import Path

from pipeline.services import Services
from pipeline.settings import Settings
from transcribe.transcriber import FasterWhisperTranscriber


def test_transcribers_share_one_model_and_live_ones_cut_sooner(tmp_path: Path) -> None:
    services = Services(Settings(data_dir=tmp_path / "data", live_min_speech_s=3.5))
    file_t = services.transcriber()
    live_t = services.transcriber(live=True)
    assert file_t is not live_t and file_t.load() is live_t.load()
    assert isinstance(live_t.inner, FasterWhisperTranscriber) and isinstance(file_t.inner, FasterWhisperTranscriber)
    assert live_t.inner.cutter.options.min_speech_s == 3.5
    assert file_t.inner.cutter.options.min_speech_s != 3.5
