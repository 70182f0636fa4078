"""Verification of corrections by Whisper's own decoder, on the sentence's audio.

The corrector's text rules must be strict (a span that is a real word, or a two-syllable match
far from other selling talk, stays as heard), because text alone cannot tell 这是官方 from
主食罐. Whisper's decoder, teacher-forced on the sentence's own audio, gives the log-probability
of each reading: its language model of Chinese, conditioned on what it heard. A true homophone
error costs the reading little or nothing (运费鞋 → 运费险 gains 1.8 nats, 规交 → 硅胶 costs
5.1: the sound is the same, only Whisper's first guess preferred other characters), a false
one costs much (这是官 → 主食罐 19, 视频给 → 食品级 24). Much of the judgement is the language
model's: a reading Chinese text makes far likelier can pass on audio it is not the best fit
for, which is why only the corrector's own candidates (terms that sound like the span) are
ever offered.

`AcousticVerifier.accept` takes the candidates the corrector's strict rules refused
(`DomainCorrector.candidates`: commerce terms that sound like a span, and common dictionary
words that sound exactly like a non-word span, tones included: 停制 → 停滞), scores the
sentence with each applied against the sentence as it stands, and keeps those whose cost is
within `max_cost` nats (5 for a term, 2 for a dictionary word), cheapest first, never two on
overlapping characters. One short encoder pass per sentence that has candidates (the sentence's
audio plus a margin, not a padded 30 s), one decoder pass per reading. On the development
streams (the same Whisper text, re-corrected) 5 nats for terms kept 41 corrections, 36 right;
3 kept 28 (25 right), 8 kept 58 (46 right). Dictionary words at 5 nats kept 161, 92 right
(都是 → 都市); without a very common character in the span and at 2 nats, 29, 23 right.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from faster_whisper.audio import pad_or_trim
from faster_whisper.tokenizer import Tokenizer

from models import Correction
from transcribe.whisper_model import ShortEncoderWhisperModel

_FRAME_S = 0.01  # one mel frame
_MIN_ENCODER_S = 4.0


class AcousticVerifier:
    """Scores readings of one sentence against its audio with a loaded Whisper model."""

    def __init__(
        self,
        model: ShortEncoderWhisperModel,
        language: str = "zh",
        max_cost: float = 5.0,
        max_cost_dictionary: float = 2.0,
    ) -> None:
        self.model = model
        self.max_cost = max_cost
        self.max_cost_dictionary = max_cost_dictionary
        self.tokenizer = Tokenizer(model.hf_tokenizer, True, task="transcribe", language=language)

    def scores(self, audio: np.ndarray, texts: Sequence[str]) -> list[float]:
        """Log-probability of each text as the transcript of `audio` (16 kHz mono)."""
        features = pad_or_trim(self.model.feature_extractor(audio))
        frames = min(3000, max(1, int(len(audio) / 16000 / _FRAME_S)))
        with self.model.encoder_floor(_MIN_ENCODER_S):
            encoded = self.model.encode(features[np.newaxis])
        out = []
        for text in texts:
            tokens = self.tokenizer.encode(text)
            if not tokens:
                out.append(0.0)
                continue
            result = self.model.model.align(encoded, self.tokenizer.sot_sequence, [tokens], frames)[0]
            out.append(sum(math.log(max(p, 1e-12)) for p in result.text_token_probs))
        return out

    def accept(self, audio: np.ndarray, text: str, candidates: Sequence[Correction]) -> list[Correction]:
        """The candidates (positions in `text`, same length as their originals) that cost the
        reading at most `max_cost` nats each (`max_cost_dictionary` for a general word, whose
        sound alone is weaker evidence), cheapest first, none overlapping another."""
        if not candidates or len(audio) < 1600:
            return []
        readings = [_apply(text, c) for c in candidates]
        base, *scored = self.scores(audio, [text, *readings])
        taken = [False] * len(text)
        kept: list[Correction] = []
        for cost, candidate in sorted(
            zip((base - s for s in scored), candidates, strict=True), key=lambda x: x[0]
        ):
            end = candidate.position + len(candidate.corrected)
            limit = self.max_cost_dictionary if candidate.reason.startswith("dictionary") else self.max_cost
            if cost > limit or any(taken[candidate.position : end]):
                continue
            taken[candidate.position : end] = [True] * (end - candidate.position)
            kept.append(candidate)
        return sorted(kept, key=lambda c: c.position)


def _apply(text: str, c: Correction) -> str:
    return text[: c.position] + c.corrected + text[c.position + len(c.original) :]


def apply_all(text: str, corrections: Sequence[Correction]) -> str:
    """`text` with every (non-overlapping, same-length) correction written in."""
    for c in corrections:
        text = _apply(text, c)
    return text
