"""Claims and compliance: utterances → promises (type, normalised value, quote, time, product) and risk flags.

Public API:
    ClaimExtractor(products=(), embedder=None, fallback=True)
        .extract_text(text) -> (claims, all_risks)
        .extract_utterance(utt) -> (claims, risks_attached_to_no_claim)   # keeps product flow
        .run(utterances) -> Iterator[Claim]                                # keeps product flow
    extract_jsonl(lines, extractor=None) -> Iterator[dict]                # `onrecord extract --jsonl`
    extract_text(text, extractor=None) -> dict                            # `onrecord extract --text`
    TextEmbedder: the Protocol the embedding fallback needs (index/embedder.py satisfies it).
    RISK_SPECS: each risk rule with its severity and legal/platform basis.
"""

from claims.extractor import ClaimExtractor
from claims.fallback import TextEmbedder
from claims.jsonl import extract_jsonl, extract_text
from claims.risks import RISK_SPECS

__all__ = ["RISK_SPECS", "ClaimExtractor", "TextEmbedder", "extract_jsonl", "extract_text"]
