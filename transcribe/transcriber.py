"""The streaming speech-to-text stage: AudioChunks in, Utterances on the stream clock out.

    chunks ─ PauseCutter (Silero VAD, cut at pauses) ─ speech-only audio per window
           ─ faster-whisper (previous text as prompt, word timestamps, fallback and guards)
           ─ hallucination / loop filter ─ sentences ─ Simplified, punctuated, corrected Utterances

Memory is one window of audio plus the last few sentences of text, however long the stream.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper.vad import SpeechTimestampsMap
from rapidfuzz import fuzz

from models import AudioChunk, ConfigError, Correction, TranscriptionError, Utterance
from transcribe.acoustic_check import AcousticVerifier
from transcribe.chunker import CutterOptions, PauseCutter, SpeechWindow
from transcribe.coverage import first_gap, first_word_start, shift_segment
from transcribe.normalize import clean_text, is_hallucination, is_repetition_loop
from transcribe.protocol import Reviser, WindowState
from transcribe.utterances import (
    TimedWord,
    build_utterance,
    monotonic,
    punctuate_segment_ends,
    split_long,
    split_sentences,
)
from transcribe.whisper_model import ShortEncoderWhisperModel

_HALF_WIDTH = str.maketrans("，。！？：；", ",.!?:;")


@dataclass(frozen=True)
class DecodeOptions:
    """faster-whisper decoding settings and the guards against invented text."""

    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6)  # fallback when a guard below trips
    compression_ratio_threshold: float = 2.4  # above: a repetition loop
    log_prob_threshold: float = -1.0  # below: a guess
    no_speech_threshold: float = 0.6  # above (with a low log-prob): silence
    hallucination_silence_threshold: float | None = 2.0
    initial_prompt: str | None = None  # prepended to the previous text; None: previous text only
    context_chars: int = 80  # how much previous text is handed to the next window
    use_hotwords: bool = False  # put the lexicon in Whisper's hotwords (measured: hurts, off)
    max_segment_no_speech: float = 0.8  # drop a segment Whisper itself thinks is not speech
    min_uncovered_s: float = 1.5  # speech left after Whisper's last word that is decoded again
    max_redecodes: int = 4
    tail_s: float = 1.0  # audio left after a segment ending this close to the end is not read again
    # audio shorter than this is read in one pass without timestamp tokens: with them, Whisper
    # re-reads the silent tail of a short input (repeating the prompt, then falling back through
    # every temperature), several times the compute of the speech itself
    no_timestamps_below_s: float = 0.0  # measured: 12 s helps TTS speed but costs real-speech CER
    # feed a window's own earlier segments back as prompt when Whisper reads it in several
    # passes; off: on short windows the pass over the silent tail repeated the prompt
    condition_within_window: bool = False
    max_chars_per_s: float = 12.0
    # new tokens allowed per second of audio (+16): beam search on a short window can otherwise
    # run to Whisper's 448-token limit on a loop before a guard throws it away. None: no bound
    max_tokens_per_s: float | None = 12.0
    # encode only the audio (+2 s), at least this many seconds, instead of a padded 30 s
    # (ShortEncoderWhisperModel). None: always 30 s
    short_encoder_s: float | None = None
    merge_gap_s: float = 0.6  # segments closer than this, without a full stop, are one sentence
    max_utterance_s: float = 8.0  # a longer sentence is split at pauses (then commas)
    split_pause_s: float = 0.5  # a pause between words this long may end an over-long sentence
    # corrections the corrector's text rules refuse are tried against the sentence's audio
    # (check_readings, acoustic_check.py) and kept where Whisper's decoder finds them as likely, within this many nats;
    # None: text rules only
    verify_max_cost: float | None = 5.0


class FasterWhisperTranscriber:
    """Streaming Mandarin/English transcription with faster-whisper: the default
    WindowedTranscriber, with the AcousticCheck capability (transcribe/protocol.py).

    `model`: a faster-whisper size name, hub id or local folder (`ensure_whisper_model` gives
    the bundled one). The constructor only stores settings; `load()` (or first use) loads.
    `hotwords`: terms for Whisper's hotwords when `decode.use_hotwords`; `backlog`: the live
    transcription backlog in seconds, which makes the cutter hold more speech before an early cut.
    """

    def __init__(
        self,
        model: str,
        device: str = "cpu",
        compute_type: str = "int8",
        cpu_threads: int = 2,
        beam_size: int = 5,
        language: str | None = "zh",
        decode: DecodeOptions | None = None,
        cutter: CutterOptions | None = None,
        hotwords: Sequence[str] | None = None,
        backlog: Callable[[], float] | None = None,
    ) -> None:
        self.model_spec = model
        self.device = device
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.beam_size = beam_size
        self.language = language
        self.hotwords = list(hotwords) if hotwords is not None else None
        self.decode = decode or DecodeOptions()
        self.cutter = PauseCutter(cutter)
        self.cutter.backlog = backlog
        self._model: ShortEncoderWhisperModel | None = None
        self._acoustic: AcousticVerifier | None = None
        self._lock = threading.Lock()

    def load(self) -> ShortEncoderWhisperModel:
        """Load the model (once). Raises ConfigError when the model cannot be loaded."""
        with self._lock:
            if self._model is None:
                try:
                    self._model = ShortEncoderWhisperModel(
                        self.model_spec,
                        device=self.device,
                        compute_type=self.compute_type,
                        cpu_threads=self.cpu_threads,
                    )
                except (RuntimeError, ValueError, OSError) as exc:
                    raise ConfigError(
                        f"whisper model {self.model_spec!r} could not be loaded: {exc}"
                    ) from exc
            return self._model

    def share_model(self, other: FasterWhisperTranscriber) -> FasterWhisperTranscriber:
        """Use `other`'s model (loading it if needed) instead of a copy of one's own: many streams in one
        process then hold the weights once, and CTranslate2 queues their calls one after another
        instead of running one `cpu_threads` pool per stream on the same cores. Returns self."""
        model = other.load()
        with self._lock:
            self._model = model
        return self

    @property
    def context_chars(self) -> int:
        return self.decode.context_chars

    @property
    def window_s(self) -> float:
        return self.cutter.options.window_s

    def windows(self, chunks: Iterable[AudioChunk]) -> Iterator[SpeechWindow]:
        """The stream cut at pauses into speech windows (Silero VAD)."""
        return self.cutter.run(chunks)

    def transcribe(self, chunks: Iterable[AudioChunk], revise: Reviser | None = None) -> Iterator[Utterance]:
        """The streaming generator: cut at pauses, transcribe each window with the previous
        text as context, yield Utterances in time order."""
        state = WindowState()
        for window in self.cutter.run(chunks):
            yield from self.transcribe_window(window, state, revise)

    def transcribe_window(
        self, window: SpeechWindow, state: WindowState, revise: Reviser | None = None
    ) -> list[Utterance]:
        """One window's utterances, carrying `state` (context, ids, last utterance) to the next.

        `transcribe()` calls this for each window; a distributed worker calls it with the state it
        restored, so both give the same utterances with the same ids."""
        if not window.speech:
            state.context = ""  # a long pause or music: the next topic need not follow this one
            return []
        out: list[Utterance] = []
        for utterance in self._transcribe_window(self.load(), window, state.context, revise):
            if utterance.t0 < state.last_t1 - 0.05 and utterance.text in state.last_text:
                continue  # the same words decoded twice (a re-decode of an overlapping stretch)
            state.last_t1, state.last_text = utterance.t1, utterance.text
            if utterance.id in state.seen:  # two sentences in the same millisecond: keep ids unique
                utterance = utterance.model_copy(update={"id": f"{utterance.id}-{len(state.seen)}"})
            state.seen.add(utterance.id)
            state.context = (state.context + utterance.text)[-self.decode.context_chars :]
            out.append(utterance)
        if len(state.seen) > 64:
            state.seen = set(sorted(state.seen)[-16:])
        return out

    def _transcribe_window(
        self, model: ShortEncoderWhisperModel, window: SpeechWindow, context: str, revise: Reviser | None
    ) -> Iterator[Utterance]:
        chunks = [{"start": s, "end": e} for s, e in window.speech]
        audio = np.concatenate([window.samples[s:e] for s, e in window.speech])
        ts_map = SpeechTimestampsMap(chunks, window.sample_rate)
        try:
            segments = self._decode_covering(model, audio, context, window.sample_rate)
        except (RuntimeError, ValueError) as exc:
            raise TranscriptionError(f"stream {window.stream_id} at {window.t0:.2f}s: {exc}") from exc
        words: list[TimedWord] = []
        previous = ""
        for segment in segments:
            if not self._keep(segment, previous):
                continue
            previous = segment.text
            words += self._timed_words(segment, ts_map, window.t0, len(audio) / window.sample_rate)
        # re-decoded stretches interleave with the first pass: word times give the order
        words = punctuate_segment_ends(sorted(words, key=lambda w: w.start), self.decode.merge_gap_s)
        d = self.decode
        sentences = split_long(
            split_sentences(monotonic(words, window.t0)), d.max_utterance_s, d.split_pause_s
        )
        before = context  # the text said before this window, then each sentence's own
        for sentence in sentences:
            audio_of = partial(_sentence_audio, window, sentence)
            fix = None if revise is None else partial(revise, before=before, audio_of=audio_of)
            utterance = build_utterance(window.stream_id, sentence, fix)
            if utterance is not None:
                before = utterance.text
                yield utterance

    def _decode_covering(
        self, model: ShortEncoderWhisperModel, audio: np.ndarray, context: str, rate: int
    ) -> list[Any]:
        """Whisper's segments for `audio`, with the speech it skipped decoded separately.

        After a sentence that ends without a timestamp Whisper jumps to the end of its 30-s
        input, which on dense live speech silently drops whole sentences. The audio here is
        speech only (the cutter removed the pauses), so a stretch of it with no word is
        skipped speech: each such stretch is decoded on its own and merged back in order."""
        segments = self._decode(model, audio, context, rate, 0.0, len(audio) / rate)
        tried: set[tuple[float, float]] = set()
        for _ in range(self.decode.max_redecodes):
            gap = first_gap(segments, len(audio) / rate, self.decode.min_uncovered_s, tried)
            if gap is None or gap[1] - gap[0] >= 0.9 * len(audio) / rate:
                # nothing to add, or the gap is (nearly) the whole audio: the same decode again
                break
            tried.add(gap)
            segments = sorted(
                segments + self._decode(model, audio, context, rate, *gap), key=first_word_start
            )
        return segments

    def _decode(
        self,
        model: ShortEncoderWhisperModel,
        audio: np.ndarray,
        context: str,
        rate: int,
        t0: float,
        t1: float,
    ) -> list[Any]:
        piece = audio[int(t0 * rate) : int(t1 * rate)]
        kwargs = self._transcribe_kwargs(context)
        d = self.decode
        seconds = len(piece) / rate
        kwargs["without_timestamps"] = seconds < d.no_timestamps_below_s
        if d.max_tokens_per_s is not None:
            kwargs["max_new_tokens"] = min(200, int(16 + d.max_tokens_per_s * seconds))
        # temperature fallback samples: a fixed seed per call keeps re-runs (and any chunking
        # of the same audio) giving the same text
        ctranslate2.set_random_seed(0)
        out = []
        with model.encoder_floor(d.short_encoder_s):
            pieces, _ = model.transcribe(piece, **kwargs)
            for segment in pieces:  # a generator: each further pass runs only when asked for
                out.append(shift_segment(segment, t0))
                if segment.end >= seconds - d.tail_s:
                    # the rest is the pause the cutter cut in: another pass would pay a whole
                    # encoder pass, and then fall back through every temperature inventing text
                    break
        return out

    def check_readings(self, audio: np.ndarray, text: str, candidates: Sequence[Correction]) -> list[Correction]:
        """The candidate readings Whisper's decoder finds within `decode.verify_max_cost` nats of
        the sentence as it stands (acoustic_check.py); none when `verify_max_cost` is None."""
        if self.decode.verify_max_cost is None:
            return []
        return self._verifier().accept(audio, text, candidates)

    def _verifier(self) -> AcousticVerifier:
        model = self.load()
        if self._acoustic is None or self._acoustic.model is not model:
            self._acoustic = AcousticVerifier(
                model, self.language or "zh", self.decode.verify_max_cost or 0.0
            )
        return self._acoustic

    def _transcribe_kwargs(self, context: str) -> dict[str, Any]:
        d = self.decode
        # the prompt is written the way Whisper writes (half-width marks): full-width ones in
        # the prompt lead it to emit broken multi-byte punctuation
        prompt = ((d.initial_prompt or "") + context.translate(_HALF_WIDTH)).strip() or None
        hotwords = None
        if d.use_hotwords and self.hotwords is not None:
            hotwords = " ".join(self.hotwords[:60])
        return {
            "language": self.language,
            "beam_size": self.beam_size,
            "temperature": list(d.temperature),
            "compression_ratio_threshold": d.compression_ratio_threshold,
            "log_prob_threshold": d.log_prob_threshold,
            "no_speech_threshold": d.no_speech_threshold,
            "condition_on_previous_text": d.condition_within_window,
            "initial_prompt": prompt,
            "hotwords": hotwords,
            "word_timestamps": True,
            "hallucination_silence_threshold": d.hallucination_silence_threshold,
            "vad_filter": False,  # the PauseCutter already kept only speech
        }

    def _keep(self, segment: Any, previous: str) -> bool:
        """Guards beyond faster-whisper's own: phantom subtitle lines, loops, repeats."""
        text = clean_text(segment.text)
        if not text or is_hallucination(text):
            return False
        if segment.compression_ratio > self.decode.compression_ratio_threshold or is_repetition_loop(text):
            return False
        if segment.no_speech_prob > self.decode.max_segment_no_speech and segment.avg_logprob < -0.5:
            return False
        # nobody says 12 characters a second: text crammed into a moment was invented
        if len(text) > 6 and len(text) / max(0.05, segment.end - segment.start) > self.decode.max_chars_per_s:
            return False
        # Whisper re-reading the tail of a window repeats the segment before it
        return not (previous and len(text) >= 4 and fuzz.ratio(text, clean_text(previous)) >= 90)

    @staticmethod
    def _timed_words(segment: Any, ts_map: SpeechTimestampsMap, t0: float, audio_s: float) -> list[TimedWord]:
        words = list(segment.words or [])
        # a word the aligner gave no time at all, at the very end of the audio, has no speech under
        # it: Whisper ran on past the end (男人最起码的这个担当 + 活动)
        while len(words) > 1 and words[-1].end - words[-1].start < 0.01 and words[-1].end >= audio_s - 0.1:
            words.pop()
        if not words:  # no alignment: the segment as one word
            start = ts_map.get_original_time(segment.start)
            end = ts_map.get_original_time(segment.end, is_end=True)
            return [TimedWord(t0 + start, t0 + end, segment.text, 1.0, segment.avg_logprob, True)]
        out = []
        for w in words:
            index = ts_map.get_chunk_index(w.start)
            start = ts_map.get_original_time(w.start, index)
            end = ts_map.get_original_time(w.end, index, is_end=True)
            out.append(TimedWord(t0 + start, t0 + end, w.word, w.probability, segment.avg_logprob))
        last = out[-1]
        out[-1] = TimedWord(last.start, last.end, last.text, last.probability, last.logprob, True)
        return out


def _sentence_audio(window: SpeechWindow, sentence: list[TimedWord], margin_s: float = 0.2) -> np.ndarray:
    """The window's samples under a sentence's words (stream clock), with a margin each side."""
    rate = window.sample_rate
    start = int((sentence[0].start - window.t0 - margin_s) * rate)
    end = int((max(w.end for w in sentence) - window.t0 + margin_s) * rate)
    return window.samples[max(0, start) : max(0, end)]
