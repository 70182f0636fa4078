"""Claims and compliance: utterances → promises (type, normalised value, quote, time, product) and risk flags.

Public API:
    ClaimExtractor(products=(), embedder=None, classifier=None, learned=True, threshold=0.5)
        .extract_text(text) -> (claims, all_risks)
        .extract_texts(texts, vectors=None) -> [(claims, all_risks)]            # one classifier batch
        .extract_utterance(utt, vector=None) -> (claims, risks_attached_to_no_claim)   # keeps product flow
        .run(utterances) -> Iterator[Claim]                                     # keeps product flow
    ClaimClassifier: the learned per-label scores (claims/classifier.py); LABELS its label order.
    extract_jsonl(lines, extractor=None) -> Iterator[dict]                     # `onrecord extract --jsonl`
    extract_text(text, extractor=None) -> dict                                 # `onrecord extract --text`
    TextEmbedder: the Protocol the classifier needs for sentence vectors (index/embedder.py satisfies it).
    RISK_SPECS: each risk rule with its severity and legal/platform basis.

Where things live: one module per claim type in `claims/types/` (its rules and open value model),
risk rules in `claims/risks.py` (words in `lexicon/data/`), the learned model in
`claims/classifier.py` (trained by `scripts/train_claims.py` from `claims/training/`).
"""

from claims.classifier import LABELS, ClaimClassifier
from claims.extractor import ClaimExtractor, TextEmbedder
from claims.jsonl import extract_jsonl, extract_rows, extract_text
from claims.risks import RISK_SPECS

__all__ = ["LABELS", "RISK_SPECS", "ClaimClassifier", "ClaimExtractor", "TextEmbedder", "extract_jsonl", "extract_rows",
           "extract_text"]
