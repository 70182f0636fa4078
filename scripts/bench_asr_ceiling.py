"""How far text correction could take promise-word accuracy with this acoustic model; one JSON line.

    .venv/bin/python scripts/bench_asr_ceiling.py \\
        --pair onrecord-data/cache/heldout3_baker/long_stream.wav onrecord-data/cache/heldout3_baker/long_stream.truth.json

For every promise word our transcriber misses (as `bench_asr.py` counts them), two questions:

- *within reach of a lexicon*: is the word's toneless pinyin (numerals read out) in the pinyin of
  what Whisper wrote near the sentence? Then a corrector that knew the word, and trusted the
  context, could restore it. *Within loose reach*: the same with the confusable initials and
  finals folded together as the corrector folds them (z/zh, n/l, in/ing, …: 宁下 for 零下 is
  in loose reach, 保持 for 保质 is not). If not, Whisper heard other syllables, and no text
  rule can restore the word without guessing.
- *within reach of decoding*: re-decode the sentence's audio alone (±0.3 s, the Simplified
  prompt) and keep Whisper's 5 beam hypotheses and 5 samples at temperature 0.7: does any of
  them, as written or after our corrector, hold the word? Then an n-best or sampling rescorer
  could find it.

The ceilings are (right + misses within reach) / promise words (the last: loose reach or
decoding). They bound what vocabulary and rescoring can add on top of this Whisper model;
above them only a better acoustic model helps.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import Any

import cn2an
import numpy as np

# bench_asr is the sibling script: run as `python scripts/bench_asr_ceiling.py`, scripts/ is sys.path[0]
from bench_asr import (
    norm,
    ours_utterances,
    sentence_promise_words,
    stream_transcriber,
    written_forms,
)
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer
from pypinyin import lazy_pinyin

from evals.asr.numbers import normalize_numbers
from transcribe.audio import decode_audio
from transcribe.corrected import Corrected
from transcribe.normalize import to_simplified
from transcribe.pinyin_match import _canonical
from transcribe.whisper_assets import ensure_whisper_model

SR = 16000
PROMPT = "以下是普通话直播带货的句子，使用简体中文。"


def toneless(text: str) -> str:
    """Pinyin without tones, digits read as Chinese numerals, everything else dropped."""
    try:
        text = cn2an.transform(text, "an2cn")
    except (ValueError, KeyError, IndexError):
        pass
    han = "".join(re.findall(r"[\u4e00-\u9fff]", text))
    return " ".join(lazy_pinyin(han)) + " "


def folded(text: str) -> str:
    """`toneless`, each syllable folded as the corrector folds confusable sounds."""
    return " ".join(_canonical(s) for s in toneless(text).split()) + " "


def found(word: str, text: str) -> bool:
    hyp = norm(normalize_numbers(text))
    return any(form in hyp for form in written_forms(word))


class Hypotheses:
    """Whisper's n-best and sampled readings of one stretch of audio."""

    def __init__(self, tr: Corrected, n: int = 5) -> None:
        self.model = tr.load()
        self.n = n
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, True, task="transcribe", language="zh")
        previous = self.tokenizer.encode(" " + PROMPT)
        self.prompt = self.model.get_prompt(self.tokenizer, previous, without_timestamps=True)

    def __call__(self, audio: np.ndarray) -> list[str]:
        features = pad_or_trim(self.model.feature_extractor(audio))
        encoded = self.model.encode(features[np.newaxis])
        texts: list[str] = []
        beam = self.model.model.generate(
            encoded, [self.prompt], beam_size=self.n, num_hypotheses=self.n, max_length=224
        )[0]
        texts += [self.tokenizer.decode(ids) for ids in beam.sequences_ids]
        for _ in range(self.n):
            sample = self.model.model.generate(
                encoded, [self.prompt], beam_size=1, sampling_topk=0, sampling_temperature=0.7, max_length=224
            )[0]
            texts += [self.tokenizer.decode(ids) for ids in sample.sequences_ids]
        return [to_simplified(t) for t in texts]


def ceiling(tr: Corrected, media: str, truth: dict, slack: float = 2.0) -> dict[str, Any]:
    audio = decode_audio(media)
    utterances = ours_utterances(tr, audio)
    corrector = tr.corrector
    hypotheses = Hypotheses(tr)
    total = right = lexicon = loose = decoding = 0
    misses: list[dict[str, Any]] = []
    for sentence in truth.get("sentences", []):
        t0, t1 = sentence["start"], sentence["end"]
        near = [u for u in utterances if u.t1 >= t0 - slack and u.t0 <= t1 + slack]
        ours = "".join(u.text for u in near)
        raw = "".join(u.raw_text for u in near)
        words = sentence_promise_words(sentence)
        todo = [w for w in words if not found(w, ours)]
        total += len(words)
        right += len(words) - len(todo)
        if not todo:
            continue
        span = audio[max(0, int((t0 - 0.3) * SR)) : int((t1 + 0.3) * SR)]
        texts = hypotheses(span)
        corrected = [corrector.correct(t)[0] if corrector else t for t in texts]
        for word in todo:
            in_pinyin = toneless(word) in toneless(raw) or toneless(word) in toneless(ours)
            in_loose = in_pinyin or folded(word) in folded(raw) or folded(word) in folded(ours)
            in_nbest = any(found(word, t) for t in texts + corrected)
            lexicon += in_pinyin
            loose += in_loose
            decoding += in_loose or in_nbest
            misses.append(
                {"word": word, "heard": norm(ours), "pinyin": in_pinyin, "loose": in_loose, "nbest": in_nbest}
            )
    return {
        "media": media,
        "promise_words": total,
        "right": right,
        "term_accuracy": round(right / max(1, total), 4),
        "ceiling_lexicon": round((right + lexicon) / max(1, total), 4),
        "ceiling_lexicon_loose": round((right + loose) / max(1, total), 4),
        "ceiling_loose_or_decoding": round((right + decoding) / max(1, total), 4),
        "missed": len(misses),
        "missed_within_lexicon_reach": lexicon,
        "missed_within_loose_reach": loose,
        "missed_within_loose_or_decoding_reach": decoding,
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="bundled")
    parser.add_argument("--models-dir", type=Path, default=Path("onrecord-data/models"))
    parser.add_argument("--pair", nargs=2, action="append", metavar=("MEDIA", "TRUTH"), required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--show-misses", action="store_true", help="list every miss (reads the errors)")
    args = parser.parse_args(argv)
    path = ensure_whisper_model(args.model, args.models_dir)
    rows = []
    for media, truth_file in args.pair:
        truth = json.loads(Path(truth_file).read_text(encoding="utf-8"))
        row = ceiling(stream_transcriber(path, truth, args.threads), media, truth)
        if not args.show_misses:
            row.pop("misses")
        rows.append(row)
    print(json.dumps({"pairs": rows, "loadavg": [round(x, 2) for x in os.getloadavg()]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
