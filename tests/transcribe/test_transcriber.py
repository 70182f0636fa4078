"""Real speech through the real bundled model (slow: loads Whisper base)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from models import AudioChunk, Product, Utterance
from tests.transcribe.conftest import SAMPLE, SAMPLE_TRUTH, realdata_clip
from transcribe.audio import decode_audio
from transcribe.corrected import Corrected
from transcribe.correction import DomainCorrector
from transcribe.normalize import to_simplified
from transcribe.protocol import transcribe_file
from transcribe.transcriber import FasterWhisperTranscriber

pytestmark = pytest.mark.slow
RATE = 16000


def chunks_of(audio: np.ndarray, seconds: float, stream: str = "s", t0: float = 0.0) -> Iterator[AudioChunk]:
    step = int(seconds * RATE)
    for i in range(0, len(audio), step):
        yield AudioChunk(stream, t0 + i / RATE, audio[i : i + step])


def bare(text: str) -> str:
    return "".join(c for c in to_simplified(text).lower() if c.isalnum())


def is_simplified(text: str) -> bool:
    return to_simplified(text) == text


def check_times(utterances: list[Utterance]) -> None:
    last = -1.0
    for u in utterances:
        assert u.t0 <= u.t1 and u.t0 >= last - 1e-6
        starts = [w.start for w in u.words]
        assert starts == sorted(starts) and all(w.start <= w.end for w in u.words)
        last = u.t0


@pytest.mark.parametrize("kind", ["silence", "tone", "noise"])
def test_no_text_for_silence_tone_or_noise(transcriber: Corrected, kind: str) -> None:
    rng = np.random.default_rng(0)
    t = np.arange(40 * RATE) / RATE
    audio = {
        "silence": np.zeros_like(t),
        "tone": 0.2 * np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 0.5 * t) > 0),
        "noise": 0.05 * rng.standard_normal(len(t)),
    }[kind].astype(np.float32)
    assert list(transcriber.transcribe(chunks_of(audio, 5.0))) == []


def test_real_mandarin_clip(transcriber: Corrected) -> None:
    path = realdata_clip("masr_test.wav")
    ref = "近几年不但我用书给女儿压岁也劝说亲朋不要给女儿压岁钱而改送压岁书"
    utterances = list(transcribe_file(transcriber, path, "clip", offset=50.0))
    text = "".join(u.text for u in utterances)
    assert utterances and is_simplified(text)
    assert re.search("[，。]", text)  # punctuated
    assert all(50.0 <= u.t0 <= u.t1 <= 50.0 + 8.5 for u in utterances)
    check_times(utterances)
    assert "亲朋" in text and "女儿" in text
    assert Levenshtein.distance(bare(text), ref) / len(ref) < 0.15
    assert all(u.id.startswith("clip:u") and 0 < u.confidence <= 1 for u in utterances)


def test_ids_are_stable_across_runs(transcriber: Corrected) -> None:
    path = realdata_clip("paddlespeech_zh.wav")
    first = [(u.id, u.text) for u in transcribe_file(transcriber, path, "s")]
    again = [(u.id, u.text) for u in transcribe_file(transcriber, path, "s")]
    assert first and first == again


LONG_CLIPS = {
    "masr_test.wav": "近几年不但我用书给女儿压岁也劝说亲朋不要给女儿压岁钱而改送压岁书",
    "paddlespeech_zh.wav": "我认为跑步最重要的就是给我带来了身体健康",
    "funasr_api_asr_example.wav": "欢迎大家来体验达摩院推出的语音识别模型",
    "wenet_nst_ID002.wav": "但是对他们是很大的刺激的这些事情",
    "tfasr_aishell-BAC009S0764W0121.wav": "甚至出现交易几乎停滞的情况",
    "paddlespeech_16_audio.wav": "广州医生跑北马中断比赛就心跳骤停者",
}


def _long_speech() -> tuple[np.ndarray, str]:
    # ~72 s of real speech with short pauses, said twice: several Whisper windows, dense speech
    pause = np.zeros(int(0.7 * RATE), np.float32)
    pieces, ref = [], ""
    for _ in range(2):
        for name, text in LONG_CLIPS.items():
            pieces += [decode_audio(realdata_clip(name)), pause]
            ref += text
    return np.concatenate(pieces), ref


def test_streaming_is_chunking_independent_and_loses_nothing(transcriber: Corrected) -> None:
    audio, ref = _long_speech()
    small = list(transcriber.transcribe(chunks_of(audio, 1.0)))
    big = list(transcriber.transcribe(chunks_of(audio, 30.0)))
    # chunking never changes the result: cuts depend on the audio only
    assert [(u.id, u.text) for u in small] == [(u.id, u.text) for u in big]
    check_times(small)
    ours = bare("".join(u.text for u in small))
    # nothing lost or duplicated at window boundaries (plain faster-whisper drops whole sentences here)
    assert abs(len(ours) - len(ref)) <= 0.05 * len(ref)
    assert Levenshtein.distance(ours, ref) / len(ref) < 0.15
    # (one word of each sentence that Whisper base spells the same from any window: 识别 can
    # come out 时别 when a window starts elsewhere, which is a misspelling, not a loss)
    for phrase in ("身体健康", "模型", "刺激", "北马", "情况"):
        assert ours.count(phrase) == 2, phrase
    # whole-file entry point gives the same utterances as the stream
    assert len(small) >= 10


@pytest.mark.skipif(not SAMPLE.is_file() or not SAMPLE_TRUTH.is_file(), reason="sample stream not built yet")
def test_sample_stream_promise_terms(whisper_path: str) -> None:
    truth = json.loads(SAMPLE_TRUTH.read_text(encoding="utf-8"))
    products = [Product(**p) for p in truth.get("products", [])]
    tr = Corrected(FasterWhisperTranscriber(whisper_path), DomainCorrector(products=products))
    utterances = list(transcribe_file(tr, SAMPLE, "sample"))
    text = "".join(u.text for u in utterances)
    check_times(utterances)
    assert is_simplified(text)
    for term in ("敏感肌", "包邮", "发货", "无理由"):
        if term in "".join(s["text"] for s in truth["sentences"]):
            assert term in text, term


def test_a_timeless_word_at_the_very_end_is_dropped_not_one_inside() -> None:
    from faster_whisper.transcribe import Segment, Word
    from faster_whisper.vad import SpeechTimestampsMap

    def segment(words: list[Word]) -> Segment:
        return Segment(0, 0, 0.0, 3.1, "".join(w.word for w in words), [], -0.3, 1.2, 0.01, words, 0.0)

    ts_map = SpeechTimestampsMap([{"start": 0, "end": 3 * 16000 + 1600}], 16000)
    spoken = [Word(0.0, 1.0, "这个", 0.9), Word(1.0, 2.0, "担", 0.7), Word(2.0, 2.8, "当", 0.6)]
    tail = segment([*spoken, Word(2.8, 3.06, "活", 0.2), Word(3.06, 3.06, "动", 0.9)])
    assert [w.text for w in FasterWhisperTranscriber._timed_words(tail, ts_map, 10.0, 3.1)] == [
        "这个",
        "担",
        "当",
        "活",
    ]
    inside = segment([Word(0.0, 1.0, "这个", 0.9), Word(1.0, 1.0, "担", 0.7), Word(1.0, 2.8, "当", 0.6)])
    assert (
        len(FasterWhisperTranscriber._timed_words(inside, ts_map, 10.0, 3.1)) == 3
    )  # no time, but speech goes on after it
    words = FasterWhisperTranscriber._timed_words(segment(spoken), ts_map, 10.0, 3.1)
    assert words[0].start == 10.0 and words[-1].segment_end
