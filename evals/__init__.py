"""Evaluation data and scoring: every labelled set OnRecord is measured on, with a small typed
loader per set, and the scorers that compare the stages' output with it.

- `evals.search`: the generated live-commerce corpus, the agents' questions over it and the
  sample stream, and recall@5 / MRR@10 per search mode (`scripts/eval_search.py`, the search
  quality gate); plus the precise questions over the real commerce_dev corpus.
- `evals.claims`: the team's claims dev set (built from `source.txt`), the independent held-out
  set, the readings of real livechat claims and risk flags, and the claim scorers
  (`scripts/eval_claims.py`, the claims quality gate).
- `evals.sample`: claims extracted from the bundled sample stream scored against its truth file
  (`scripts/eval_sample.py`, the walking-skeleton test).
- `evals.asr`: the text normalisation the ASR benchmarks compare transcripts with.

Product code never imports this package; scripts and tests do.
"""
