"""Search evaluation: a generated multi-stream corpus (products and host templates as data in
`data/`), the questions agents ask over it and over the sample stream, and their scoring."""
