"""The bundled sample stream, shipped as package data so that an installed `onrecord demo` works
without a source checkout: the recording (made by scripts/make_sample_stream.py), its products and
its truth (sentences, times and claims, for the evaluations). Paths only: nothing is read here."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SAMPLE_DIR = Path(str(files(__name__)))
SAMPLE_STREAM = SAMPLE_DIR / "sample_stream.mp4"
SAMPLE_PRODUCTS = SAMPLE_DIR / "products.json"
SAMPLE_TRUTH = SAMPLE_DIR / "sample_stream.truth.json"
