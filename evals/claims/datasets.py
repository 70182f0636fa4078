"""Typed loaders for the claims evaluation sets in this folder.

Rows are TypedDicts rather than dataclasses: they are handed as they are to the scorers and, as
JSON lines, to `claims.extract_jsonl` (whose contract is `{"id", "text"}`), and the dev set file
must stay byte-identical to what `build_devset` writes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NotRequired, TypedDict

HERE = Path(__file__).parent
DEVSET = HERE / "devset.jsonl"
HELDOUT = HERE / "heldout.jsonl"
SAMPLE_ASR = HERE / "sample_asr.jsonl"
STREAMER_CHAT = HERE / "streamer_chat.jsonl"
LIVECHAT_REVIEW = HERE / "livechat_review.json"
LIVECHAT_RISK_REVIEW = HERE / "livechat_risk_review.json"


class ClaimLabel(TypedDict):
    type: str
    value: dict[str, Any]


class DevRow(TypedDict):
    """A dev set row: a source sentence ("clean") or its ASR-noised variant (id suffix "~asr")."""

    id: str
    text: str
    variant: str  # "clean" | "asr"
    category: str
    split: str  # "dev" (rules written against it) | "test"
    claims: list[ClaimLabel]
    risks: list[str]
    batch: NotRequired[str]  # rows added later, reported apart


class LabelledRow(TypedDict):
    """A guide-labelled sentence (held-out set, streamer chat): the types and risks it carries, once each."""

    text: str
    types: list[str]
    risks: list[str]
    category: str
    style: str
    note: NotRequired[str]


class SampleAsrRow(TypedDict):
    """Whisper's real output for a sample-stream sentence, with the claim types of its truth."""

    text: str
    types: list[str]


def _jsonl(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_devset(path: Path = DEVSET) -> list[DevRow]:
    """The team's dev set, in file order."""
    return _jsonl(path)


def load_heldout(path: Path = HELDOUT) -> list[LabelledRow]:
    """The independent held-out set, in file order (never train or tune on it: README.md)."""
    return _jsonl(path)


def load_streamer_chat(path: Path = STREAMER_CHAT) -> list[LabelledRow]:
    """Non-selling streamer talk (games, chat, PK), in file order: none of it carries a claim."""
    return _jsonl(path)


def load_sample_asr(path: Path = SAMPLE_ASR) -> list[SampleAsrRow]:
    """The real Whisper output of some of the sample stream's sentences, in file order."""
    return _jsonl(path)
