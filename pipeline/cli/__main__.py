"""`python -m pipeline.cli`: the same as `onrecord`."""

from pipeline.cli import main

main()
