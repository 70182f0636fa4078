"""Benchmark OnRecord's transcription against plain faster-whisper; prints one JSON line.

    .venv/bin/python scripts/bench_asr.py                       # CER on ../shared/realdata clips
    .venv/bin/python scripts/bench_asr.py --pair pipeline/sample/sample_stream.mp4 pipeline/sample/sample_stream.truth.json \
        --pair onrecord-data/cache/long_stream/long_stream.wav onrecord-data/cache/long_stream/long_stream.truth.json
    .venv/bin/python scripts/bench_asr.py --rtf-minutes 10      # + RTF on the clips looped

CER: Simplified, letters and digits only, over the labelled clips of PROVENANCE.md.
Promise-word accuracy (any media + truth pair: the sample's truth, or the long stream's from
scripts/make_long_stream.py): the sentence's `promise_words` where the truth lists them, else
the jieba words of its claim quotes, numbers normalised (a word also counts written in digits,
and a range or size with its sign: 39-45 for 三十九到四十五),
found in our text within ±2 s of the sentence. Corrections: how many were made and how many
were right (the corrected word is in the truth near that time, the original is not). Each
pair also gets the real-time factor of ours and of plain faster-whisper on its audio, one after
the other in the same run, wall clock and CPU seconds, with the seconds spent in the encoder
(a fixed 30-s pass per call), beam search and word alignment; `--live S` cuts windows as a
live stream does. The load average is reported: the machine is shared, compare within a run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import cn2an
import jieba
import numpy as np
from faster_whisper import WhisperModel
from rapidfuzz.distance import Levenshtein

from evals.asr.numbers import normalize_numbers
from models import AudioChunk, Product
from transcribe.audio import decode_audio
from transcribe.chunker import CutterOptions
from transcribe.corrected import Corrected
from transcribe.correction import DomainCorrector
from transcribe.normalize import to_simplified
from transcribe.transcriber import FasterWhisperTranscriber
from transcribe.whisper_assets import ensure_whisper_model

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def norm(text: str) -> str:
    return "".join(c for c in to_simplified(text).lower() if c.isalnum())


def labelled_clips(realdata: Path) -> dict[Path, str]:
    """Clip → reference transcript from PROVENANCE.md (UNKNOWN ones skipped)."""
    clips: dict[Path, str] = {}
    current: Path | None = None
    for line in (realdata / "PROVENANCE.md").read_text(encoding="utf-8").splitlines():
        if m := re.match(r"### `(audio_zh/[^/`]+\.wav)`", line):
            current = realdata / m.group(1)
        elif current and (m := re.match(r"- transcript: (.+)", line)):
            ref = re.sub(r"\s*\(.*$", "", m.group(1)).strip()
            if "UNKNOWN" not in ref and current.is_file():
                clips[current] = ref
            current = None
    return clips


def plain_text(model: WhisperModel, audio: np.ndarray) -> str:
    segments, _ = model.transcribe(audio, language="zh", beam_size=5)
    return "".join(s.text for s in segments)


def ours_utterances(tr: Corrected, audio: np.ndarray, stream: str = "bench") -> list:
    step = 16000 * 10
    chunks = (AudioChunk(stream, i / 16000, audio[i : i + step]) for i in range(0, len(audio), step))
    return list(tr.transcribe(chunks))


def bench_cer(model: WhisperModel, tr: Corrected, clips: dict[Path, str]) -> dict:
    rows, totals = [], {"plain": 0, "ours": 0, "chars": 0}
    for path, ref in clips.items():
        audio = decode_audio(path)
        plain = plain_text(model, audio)
        ours = "".join(u.text for u in ours_utterances(tr, audio))
        ep, eo, n = (
            Levenshtein.distance(norm(plain), norm(ref)),
            Levenshtein.distance(norm(ours), norm(ref)),
            len(norm(ref)),
        )
        totals["plain"] += ep
        totals["ours"] += eo
        totals["chars"] += n
        rows.append(
            {
                "clip": path.name,
                "ref": ref,
                "plain": to_simplified(plain),
                "ours": ours,
                "cer_plain": round(ep / n, 4),
                "cer_ours": round(eo / n, 4),
            }
        )
    return {
        "clips": rows,
        "cer_plain": round(totals["plain"] / totals["chars"], 4),
        "cer_ours": round(totals["ours"] / totals["chars"], 4),
        "ref_chars": totals["chars"],
    }


def promise_words(quote: str) -> list[str]:
    words = jieba.lcut(normalize_numbers(quote))
    return [w for w in (norm(w) for w in words) if w and (len(w) >= 2 or w.isdigit())]


def digit_form(word: str) -> str:
    """The word with every Chinese numeral run as digits (四点 → 4点, 一提 → 1提), which is how
    Whisper often writes them; `normalize_numbers` rightly leaves a lone 一 or 四 alone."""

    def convert(match: re.Match[str]) -> str:
        try:
            return str(cn2an.cn2an(match.group(0), "smart"))
        except (ValueError, KeyError, IndexError):
            return match.group(0)

    return re.sub("[零一二两三四五六七八九十百千万]+", convert, word)


def written_forms(word: str) -> set[str]:
    """The word as said and as it may be written: digits for numerals (四点 → 4点), and a range
    or size with its sign, which `norm` drops (三十九到四十五 → 39-45, 四十八乘七十四 → 48×74)."""
    digits = digit_form(word)
    return {word, digits, re.sub(r"(?<=\d)[到至乘](?=\d)", "", digits)}


def sentence_promise_words(sentence: dict) -> list[str]:
    """The sentence's own `promise_words` (the long stream's truth) where it lists them, else
    the jieba words of its claim quotes (the sample's truth)."""
    if "promise_words" in sentence:
        return [norm(normalize_numbers(w)) for w in sentence["promise_words"]]
    return [w for claim in sentence.get("claims", []) for w in promise_words(claim["quote"])]


def bench_terms(utterances: list, truth: dict, slack: float = 2.0) -> dict:
    """Promise-word accuracy and correction precision of our utterances against a truth file."""

    def near(t0: float, t1: float) -> str:
        return norm(
            normalize_numbers(
                "".join(u.text for u in utterances if u.t1 >= t0 - slack and u.t0 <= t1 + slack)
            )
        )

    total = right = 0
    missed: list[str] = []
    for sentence in truth.get("sentences", []):
        hyp = near(sentence["start"], sentence["end"])
        for word in sentence_promise_words(sentence):
            total += 1
            if any(form in hyp for form in written_forms(word)):
                right += 1
            else:
                missed.append(word)
    made = good = 0
    for u in utterances:
        ref = "".join(
            norm(s["text"])
            for s in truth.get("sentences", [])
            if s["end"] >= u.t0 - slack and s["start"] <= u.t1 + slack
        )
        for c in u.corrections:
            made += 1
            good += int(norm(c.corrected) in ref and norm(c.original) not in ref)
    raw = "".join(u.raw_text for u in utterances)
    ref_all = "".join(s["text"] for s in truth.get("sentences", []))
    ours = "".join(u.text for u in utterances)
    return {
        "promise_words": total,
        "promise_words_right": right,
        "term_accuracy": round(right / max(1, total), 4),
        "missed": missed[:30],
        "corrections_made": made,
        "corrections_right": good,
        "cer_raw": round(Levenshtein.distance(norm(raw), norm(ref_all)) / max(1, len(norm(ref_all))), 4),
        "cer_corrected": round(
            Levenshtein.distance(norm(ours), norm(ref_all)) / max(1, len(norm(ref_all))), 4
        ),
    }


class PlainUtterance:
    """A plain faster-whisper segment in the shape bench_terms reads."""

    def __init__(self, s: Any) -> None:
        self.t0, self.t1, self.raw_text, self.corrections = s.start, s.end, s.text, []
        self.text = to_simplified(s.text)


class CallTimer:
    """Stands in for a WhisperModel's CTranslate2 model and adds up the seconds and calls of
    encode (the fixed 30-s pass), generate (beam search) and align (word timestamps)."""

    def __init__(self, model: WhisperModel) -> None:
        self.owner, self.inner = model, model.model
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.cpu0 = time.process_time()
        model.model = self

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.inner, name)
        if name not in ("encode", "generate", "align", "detect_language"):
            return fn

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed

    def report(self, wall: float, seconds: float) -> dict:
        self.owner.model = self.inner
        return {
            "rtf": round(wall / seconds, 4),
            # CPU seconds (all threads) per audio second: less sensitive to a loaded machine
            "cpu_rtf": round((time.process_time() - self.cpu0) / seconds, 4),
            "seconds": {k: round(v, 1) for k, v in self.seconds.items()},
            "calls": self.calls,
        }


def bench_pair(model: WhisperModel | None, tr: Corrected, media: str, truth: dict) -> dict:
    """Promise words and corrections of ours vs plain on one media + truth pair, and the real-time
    factor of each on that audio (with where the time went), one after the other."""
    audio = decode_audio(media)
    seconds = len(audio) / 16000
    timer, t = CallTimer(tr.load()), time.perf_counter()
    utterances = ours_utterances(tr, audio)
    ours = timer.report(time.perf_counter() - t, seconds)
    row = {"media": media, "audio_s": round(seconds, 1), **bench_terms(utterances, truth)}
    row |= {"rtf_ours": ours}
    if model is None:
        return row | {"loadavg": [round(x, 2) for x in os.getloadavg()]}
    timer, t = CallTimer(model), time.perf_counter()
    segments, _ = model.transcribe(audio, language="zh", beam_size=5)
    plain_utterances = [PlainUtterance(s) for s in segments]
    plain = timer.report(time.perf_counter() - t, seconds)
    row["term_accuracy_plain"] = bench_terms(plain_utterances, truth)["term_accuracy"]
    row |= {"rtf_plain": plain, "loadavg": [round(x, 2) for x in os.getloadavg()]}
    return row


def stream_transcriber(path: str, truth: dict, threads: int, **options: Any) -> Corrected:
    """Our transcriber for one stream: the corrector knows the products its truth file names."""
    products = [Product(**p) for p in truth.get("products", [])]
    corrector = DomainCorrector(products=products)
    return Corrected(FasterWhisperTranscriber(path, cpu_threads=threads, hotwords=corrector.terms, **options), corrector)


def bench_livechat(path: Path, n: int) -> dict:
    """How often the corrector (no products) changes real streamer speech: it should rarely."""
    corrector = DomainCorrector()
    lines = made = 0
    examples: list[str] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if lines >= n:
                break
            text = json.loads(line).get("streamer_response_asr") or ""
            if not text:
                continue
            lines += 1
            fixed, corrections = corrector.correct(to_simplified(text))
            made += len(corrections)
            examples += [f"{c.original}→{c.corrected} ({c.reason}): {text[:40]}" for c in corrections]
    return {"lines": lines, "corrections": made, "examples": examples[:40]}


def bench_rtf(model: WhisperModel, tr: Corrected, audio: np.ndarray) -> dict:
    seconds = len(audio) / 16000
    t = time.perf_counter()
    plain_text(model, audio)
    plain = time.perf_counter() - t
    t = time.perf_counter()
    n = len(ours_utterances(tr, audio))
    ours = time.perf_counter() - t
    return {
        "audio_s": round(seconds, 1),
        "rtf_plain": round(plain / seconds, 4),
        "rtf_ours": round(ours / seconds, 4),
        "utterances": n,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def looped_audio(clips: list[Path], minutes: float) -> np.ndarray:
    pieces, total, gap = [], 0, np.zeros(int(0.6 * 16000), np.float32)
    audios = [decode_audio(p) for p in clips]
    while total < minutes * 60 * 16000:
        for a in audios:
            pieces += [a, gap]
            total += len(a) + len(gap)
    return np.concatenate(pieces)[: int(minutes * 60 * 16000)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="bundled")
    parser.add_argument("--models-dir", type=Path, default=Path("onrecord-data/models"))
    parser.add_argument("--realdata", type=Path, default=REALDATA)
    parser.add_argument("--pair", nargs=2, action="append", metavar=("MEDIA", "TRUTH"), default=[])
    parser.add_argument("--rtf-media", type=Path, help="long media for the RTF run (default: clips looped)")
    parser.add_argument("--rtf-minutes", type=float, default=0.0, help="RTF on this many minutes (0: skip)")
    parser.add_argument(
        "--livechat", type=int, default=3000, help="corrector check on N livechat lines (0: skip)"
    )
    parser.add_argument("--no-cer", action="store_true", help="skip the labelled-clip CER")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--hotwords", action="store_true", help="also pass the lexicon as Whisper hotwords")
    parser.add_argument(
        "--live", type=float, metavar="S", help="cut windows as a live stream does, after S s of speech"
    )
    parser.add_argument("--beam", type=int, default=5, help="our beam size (plain stays at 5)")
    parser.add_argument(
        "--max-tokens-per-s", type=float, help="bound new tokens per second of audio (DecodeOptions)"
    )
    parser.add_argument(
        "--short-encoder-s", type=float, help="encode the audio + 2 s, at least S s (DecodeOptions)"
    )
    parser.add_argument("--no-plain", action="store_true", help="pairs: skip plain faster-whisper")
    parser.add_argument(
        "--no-verify", action="store_true", help="text rules only: no check of corrections against the audio"
    )
    args = parser.parse_args(argv)

    from transcribe.transcriber import DecodeOptions

    path = ensure_whisper_model(args.model, args.models_dir)
    model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=args.threads)
    result: dict = {
        "model": args.model,
        "threads": args.threads,
        "hotwords": args.hotwords,
        "live": args.live,
    }
    result["loadavg_start"] = [round(x, 2) for x in os.getloadavg()]
    clips = labelled_clips(args.realdata) if (args.realdata / "PROVENANCE.md").is_file() else {}
    decode = DecodeOptions(
        verify_max_cost=None if args.no_verify else DecodeOptions.verify_max_cost,
        use_hotwords=args.hotwords,
        max_tokens_per_s=args.max_tokens_per_s,
        short_encoder_s=args.short_encoder_s,
    )
    result |= {"beam": args.beam, "decode": {k: v for k, v in vars(decode).items() if k != "temperature"}}
    corrector = DomainCorrector()
    engine = FasterWhisperTranscriber(
        path, cpu_threads=args.threads, beam_size=args.beam, decode=decode, hotwords=corrector.terms
    )
    tr = Corrected(engine, corrector)
    livechat = args.realdata / "livechat" / "dev_data.jsonl"
    if args.livechat and livechat.is_file():
        result["livechat"] = bench_livechat(livechat, args.livechat)
    if clips and not args.no_cer:
        result["cer"] = bench_cer(model, tr, clips)
    result["pairs"] = []
    for media, truth_file in args.pair:
        truth = json.loads(Path(truth_file).read_text(encoding="utf-8"))
        stream_tr = stream_transcriber(
            path,
            truth,
            args.threads,
            beam_size=args.beam,
            decode=decode,
            cutter=CutterOptions(min_speech_s=args.live) if args.live else None,
        )
        result["pairs"].append(bench_pair(None if args.no_plain else model, stream_tr, media, truth))
    if args.rtf_minutes or args.rtf_media:
        audio = (
            decode_audio(args.rtf_media) if args.rtf_media else looped_audio(list(clips), args.rtf_minutes)
        )
        if args.rtf_minutes:
            audio = audio[: int(args.rtf_minutes * 60 * 16000)]
        result["rtf"] = bench_rtf(model, tr, audio)
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
