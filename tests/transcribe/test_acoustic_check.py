"""Acoustic verification of corrections: the real bundled Whisper model on the sample's speech."""

from __future__ import annotations

import numpy as np
import pytest

from models import Correction
from tests.transcribe.conftest import SAMPLE, realdata_clip
from transcribe.acoustic_check import AcousticVerifier, apply_all
from transcribe.audio import decode_audio
from transcribe.corrected import Corrected
from transcribe.correction import DomainCorrector
from transcribe.transcriber import DecodeOptions, FasterWhisperTranscriber

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SAMPLE.is_file(), reason="sample stream not built yet"),
]
RATE = 16000
# the sample says 下单后四十八小时内发货，全国包邮。 from 65.8 s to 70.3 s
SAID = "下单后四十八小时内发货，全国包邮。"


@pytest.fixture(scope="module")
def sentence_audio() -> np.ndarray:
    audio = decode_audio(SAMPLE)
    return audio[int(65.6 * RATE) : int(70.5 * RATE)]


@pytest.fixture(scope="module")
def verifier(transcriber: Corrected) -> AcousticVerifier:
    assert isinstance(transcriber.inner, FasterWhisperTranscriber)
    return AcousticVerifier(transcriber.inner.load())


def test_what_was_said_scores_above_what_was_not(
    verifier: AcousticVerifier, sentence_audio: np.ndarray
) -> None:
    said, other = verifier.scores(sentence_audio, [SAID, "今天晚上八点开播，大家记得来看。"])
    assert said > other + 20


def test_a_homophone_repair_is_kept_a_wrong_one_is_not(
    verifier: AcousticVerifier, sentence_audio: np.ndarray
) -> None:
    heard = "下单后四十八小时内发货，全国包油。"
    right = Correction(
        original="包油", corrected="包邮", position=heard.index("包油"), reason="pinyin-verified"
    )
    wrong = Correction(
        original="发货", corrected="主播", position=heard.index("发货"), reason="pinyin-verified"
    )
    kept = verifier.accept(sentence_audio, heard, [wrong, right])
    assert kept == [right]
    assert apply_all(heard, kept) == SAID


def test_overlapping_candidates_keep_only_the_cheapest(
    verifier: AcousticVerifier, sentence_audio: np.ndarray
) -> None:
    heard = "下单后四十八小时内发货，全国包油。"
    at = heard.index("包油")
    right = Correction(original="包油", corrected="包邮", position=at, reason="pinyin-verified")
    also = Correction(original="国包", corrected="国宝", position=at - 1, reason="pinyin-verified")
    kept = verifier.accept(sentence_audio, heard, [also, right])
    assert right in kept and len(kept) == 1


def test_candidates_are_what_the_text_rules_refused() -> None:
    corrector = DomainCorrector()
    text, corrections = corrector.correct("不合脚也不用担心，包退包换，还送运费鞋。")
    assert text == "不合脚也不用担心，包退包换，还送运费鞋。"  # 鞋 is a word: text alone cannot tell
    candidates = corrector.candidates(text, corrections)
    assert [(c.original, c.corrected) for c in candidates] == [("运费鞋", "运费险")]
    # terms already written and spans already corrected are not offered again
    assert corrector.candidates("全国包邮，运费险我们出。") == []
    # a numeral is never bent into another syllable
    assert all(c.corrected != "一号链接" for c in corrector.candidates("下面看4号链接。"))
    # a non-word that sounds exactly (tones too) like a commoner word is offered as such; a span
    # with a very common character (是, 的) never is: 都是 is no mishearing of 都市
    heard = "甚至出现交易几乎停制的情况。"
    offered = {(c.original, c.corrected, c.reason) for c in corrector.candidates(heard)}
    assert ("停制", "停滞", "dictionary-verified") in offered
    assert not any(c.corrected == "都市" for c in corrector.candidates("所有商品都是顺丰包邮。"))


def test_a_dictionary_word_needs_the_audio_to_agree(verifier: AcousticVerifier) -> None:
    """A real recording (AISHELL) says 甚至出现交易几乎停滞的情况; Whisper writes 停制."""
    audio = decode_audio(realdata_clip("tfasr_aishell-BAC009S0764W0121.wav"))
    heard = "甚至出现交易几乎停制的情况。"
    fix = Correction(
        original="停制", corrected="停滞", position=heard.index("停制"), reason="dictionary-verified"
    )
    far = Correction(
        original="情况", corrected="青筐", position=heard.index("情况"), reason="dictionary-verified"
    )
    assert verifier.accept(audio, heard, [fix, far]) == [fix]


def test_the_transcriber_verifies_against_the_sentence_audio(whisper_path: str) -> None:
    """Through the transcriber: what the text rules refuse (运费鞋: 鞋 is a word) is kept once
    the sentence's audio (the sample says 不过我们送运费险，退货不花钱。) supports it, and
    recorded as verified; verification off, the text stays as heard."""
    tr = Corrected(FasterWhisperTranscriber(whisper_path), DomainCorrector())
    audio = decode_audio(SAMPLE)[int(131.5 * RATE) : int(135.7 * RATE)]
    heard = "不过我们送运费鞋，退货不花钱。"
    assert tr.correct(heard) == (heard, [])
    text, corrections = tr.correct(heard, audio_of=lambda: audio)
    assert text == "不过我们送运费险，退货不花钱。"
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [
        ("运费鞋", "运费险", "pinyin-verified")
    ]
    off = Corrected(FasterWhisperTranscriber(whisper_path, decode=DecodeOptions(verify_max_cost=None)), DomainCorrector())
    assert off.correct(heard, audio_of=lambda: audio) == (heard, [])
