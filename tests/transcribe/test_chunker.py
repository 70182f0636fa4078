"""PauseCutter on real speech (Silero VAD only, no Whisper: fast)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from models import AudioChunk
from tests.transcribe.conftest import realdata_clip
from transcribe.audio import decode_audio
from transcribe.chunker import CutterOptions, PauseCutter
from transcribe.utterances import TimedWord, split_long

RATE = 16000


def chunks_of(audio: np.ndarray, seconds: float, t0: float = 0.0) -> Iterator[AudioChunk]:
    step = int(seconds * RATE)
    for i in range(0, len(audio), step):
        yield AudioChunk("s", t0 + i / RATE, audio[i : i + step])


def _two_sentences() -> tuple[np.ndarray, float]:
    first = decode_audio(realdata_clip("paddlespeech_zh.wav"))
    second = decode_audio(realdata_clip("funasr_api_asr_example.wav"))
    pause = np.zeros(int(1.0 * RATE), np.float32)
    return np.concatenate([first, pause, second, pause, first]), len(first) / RATE


def test_cuts_at_the_first_pause_once_it_holds_a_few_seconds() -> None:
    audio, first_s = _two_sentences()
    windows = list(PauseCutter(CutterOptions(min_speech_s=4.0)).run(chunks_of(audio, 1.0)))
    assert len(windows) >= 3
    # the first pause after 3 s of speech (in or right after the first sentence) ends a
    # window: it is emitted seconds after it is said, not when 28 s are held
    assert 3.0 <= windows[0].t1 <= first_s + 1.0
    # windows tile the audio: nothing lost, nothing twice
    assert windows[0].t0 == 0.0
    for a, b in zip(windows, windows[1:], strict=False):
        assert abs(a.t1 - b.t0) < 1e-6
    assert sum(len(w.samples) for w in windows) == len(audio)
    # the full-window setting still only cuts when it must
    assert len(list(PauseCutter(CutterOptions(min_speech_s=None)).run(chunks_of(audio, 1.0)))) == 1


def test_cuts_do_not_depend_on_chunk_size() -> None:
    audio, _ = _two_sentences()
    shape = [
        [(w.t0, len(w.samples), w.speech) for w in PauseCutter().run(chunks_of(audio, seconds))]
        for seconds in (0.3, 1.0, 7.0, 30.0)
    ]
    assert shape[0] == shape[1] == shape[2] == shape[3]


def test_recording_gap_starts_a_new_window_on_the_stream_clock() -> None:
    audio = decode_audio(realdata_clip("paddlespeech_zh.wav"))
    half = len(audio) // 2 // RATE * RATE
    chunks = [
        *chunks_of(audio[:half], 1.0, t0=10.0),
        *chunks_of(audio[half:], 1.0, t0=10.0 + half / RATE + 60.0),  # a minute lost
    ]
    windows = list(PauseCutter().run(chunks))
    gap_at = 10.0 + half / RATE
    assert all(w.t1 <= gap_at + 1e-6 or w.t0 >= gap_at + 60.0 - 1e-6 for w in windows)
    assert any(w.t0 == gap_at + 60.0 for w in windows)
    assert sum(len(w.samples) for w in windows) == len(audio)


def _words(spec: list[tuple[float, float, str]]) -> list[TimedWord]:
    return [TimedWord(s, e, t, 1.0) for s, e, t in spec]


def test_long_sentences_split_at_pauses_then_commas() -> None:
    # 12 s, only commas (as Whisper writes TTS speech), a 0.7 s pause at 6 s
    words = _words(
        [(0.0, 2.0, "今天，"), (2.0, 5.3, "一提十二包"), (6.0, 9.0, "每包一百抽，"), (9.0, 12.0, "包邮")]
    )
    assert [[w.text for w in g] for g in split_long([words])] == [
        ["今天，", "一提十二包"],
        ["每包一百抽，", "包邮"],
    ]
    no_pause = _words(
        [(0.0, 3.0, "今天，"), (3.0, 6.0, "一提十二包，"), (6.0, 9.0, "每包一百抽，"), (9.0, 12.0, "包邮")]
    )
    assert [len(g) for g in split_long([no_pause])] == [2, 2]
    short = _words([(0.0, 2.0, "今天，"), (3.0, 5.0, "包邮")])
    assert split_long([short]) == [short]


def test_a_short_last_piece_joins_the_one_before_and_no_words_are_lost() -> None:
    # three pauses; the last piece (0.5 s) is too short to stand alone
    words = _words(
        [
            (0.0, 3.0, "下午四点，"),
            (3.6, 6.0, "默认发圆通，"),
            (6.6, 9.0, "运输途中有破损，"),
            (9.6, 10.1, "包赔"),
        ]
    )
    groups = split_long([words])
    assert [w.text for g in groups for w in g] == [w.text for w in words]
    assert [w.text for w in groups[-1]] == ["运输途中有破损，", "包赔"]


def test_full_windows_are_cut_late_between_sentences_a_breath_apart() -> None:
    # the sample stream's host leaves 0.4 s between sentences, which the padded VAD ranges join:
    # a full window must still be cut at a pause near its end, not seconds into it (each window
    # pays Whisper's whole 30-s encoder pass)
    from tests.transcribe.conftest import SAMPLE

    audio = decode_audio(SAMPLE)[: 120 * RATE]
    windows = list(PauseCutter(CutterOptions()).run(chunks_of(audio, 10.0)))
    assert all(14.0 <= w.t1 - w.t0 <= 28.0 for w in windows[:-1])
    assert sum(len(w.samples) for w in windows) == len(audio)


def test_a_backlog_makes_live_windows_longer_until_it_is_worked_off() -> None:
    audio, _ = _two_sentences()
    prompt = list(PauseCutter(CutterOptions(min_speech_s=2.0)).run(chunks_of(audio, 1.0)))
    behind = PauseCutter(CutterOptions(min_speech_s=2.0))
    behind.backlog = lambda: 10.0  # transcription 10 s behind: wait for 10 s more speech
    late = list(behind.run(chunks_of(audio, 1.0)))
    assert len(late) < len(prompt)
    assert late[0].t1 - late[0].t0 > prompt[0].t1 - prompt[0].t0
    assert sum(len(w.samples) for w in late) == len(audio)  # still nothing lost or doubled
    # never past a full window, however far behind
    behind.backlog = lambda: 1e6
    assert behind.min_speech_s() == CutterOptions().window_s - CutterOptions().edge_s
