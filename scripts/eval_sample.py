"""Ingest the bundled sample stream and score its claims against the ground truth (one JSON line).

    .venv/bin/python scripts/eval_sample.py [--data-dir DIR]

Per claim type: ground-truth claims, how many were found (same type, time within ±1.5 s), and
how many extracted claims match no ground-truth claim of their type (extra).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from evals.sample import score_claims
from pipeline import commands
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

TOL = 1.5


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=None, help="default: a fresh temp dir")
    args = ap.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="onrecord-eval-"))
    services = Services(Settings(data_dir=data_dir))
    samples = SAMPLE_DIR
    truth = json.loads((samples / "sample_stream.truth.json").read_text(encoding="utf-8"))
    t = time.perf_counter()
    if services.catalog.get_stream("sample") is None:
        commands.ingest(
            services, samples / "sample_stream.mp4", "sample", products_file=samples / "products.json"
        )
    elapsed = time.perf_counter() - t
    report = score_claims(services.catalog.claims(stream_id="sample"), truth, TOL)
    print(
        json.dumps(
            {"duration_s": truth.get("duration"), "ingest_s": round(elapsed, 1), **report}, ensure_ascii=False
        )
    )


if __name__ == "__main__":
    main()
