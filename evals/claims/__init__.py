"""Claims evaluation: the team's dev set (`devset.jsonl`, built from `source.txt` by
`build_devset`), the independent held-out set (`heldout.jsonl`, see README.md), the Whisper
output of some sample-stream sentences (`sample_asr.jsonl`), the readings of real livechat claims
and risk flags (`livechat_*review.json`, ids only), their loaders (`datasets`), and the scorers
(`scoring`, `review`)."""
