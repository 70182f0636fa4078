"""Distributed-mode benchmark: a backlog of recorded streams (copies of the sample, >= 30 min of
audio in all) through 1 and then 2 `onrecord worker --queues asr` processes (one transcription
thread each, plus one capture and one index worker), against the in-process pipeline on the same
files. Needs Redis (127.0.0.1:6379, DB 14 is flushed) and PostgreSQL (trust auth); the store is a
local folder (the store is not the bottleneck; the tests cover S3). Prints one JSON line.

    .venv/bin/python scripts/bench_distributed.py [--copies 9]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
import sqlalchemy

from pipeline import tasks
from pipeline.celery_app import make_celery
from pipeline.services import Services, load_products
from pipeline.session import SessionRunner, new_stream
from pipeline.settings import Settings
from storage.work import WorkLedger

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "sample_stream.mp4"
PRODUCTS = ROOT / "samples" / "products.json"
BROKER = "redis://127.0.0.1:6379/14"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def in_process(files: list[Path], tmp: Path) -> float:
    env_threads = Settings(data_dir=tmp / "inproc", whisper_threads=1, broker_url=None, database_url=None,
                           store_url=None)
    services = Services(env_threads)
    products = load_products(PRODUCTS)
    services.transcriber(products).load()  # model loading is not timed, as workers load at start
    t = time.perf_counter()
    for f in files:
        SessionRunner(services, new_stream(f.stem, source=str(f), merchant="m"), products).ingest_file(f)
    return time.perf_counter() - t


def distributed(files: list[Path], tmp: Path, asr_workers: int) -> float:
    db = f"onrecord_bench_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(f"{PG}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {db}")
    redis.Redis.from_url(BROKER).flushdb()
    env = {**os.environ, "ONRECORD_BROKER_URL": BROKER, "ONRECORD_DATABASE_URL": f"{PG}/{db}",
           "ONRECORD_DATA_DIR": str(tmp / f"dist{asr_workers}"), "ONRECORD_WHISPER_THREADS": "1",
           "ONRECORD_STORE_URL": f"file://{tmp / f'dist{asr_workers}' / 'store'}", "HF_HUB_OFFLINE": "1"}
    os.environ.update(env)
    settings = Settings()
    services = Services(settings)
    ledger = WorkLedger(services.catalog.engine).load()
    onrecord = str(Path(sys.executable).with_name("onrecord"))
    procs = [subprocess.Popen([onrecord, "worker", "-Q", q, "--loglevel", "error"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for q in ["capture", "index", *["asr"] * asr_workers]]
    try:
        time.sleep(20)  # let every worker load its models: startup is not what is measured
        app = make_celery(settings)
        t = time.perf_counter()
        for f in files:
            tasks.submit(app, f.stem, str(f), products_file=PRODUCTS)
        while True:
            rows = {p.stream_id: p for p in ledger.progress()}
            if len(rows) == len(files) and all(
                p.capture_done and p.indexed_t >= p.audio_end - 0.01 and p.asr_t >= p.audio_end - 0.01
                for p in rows.values()
            ):
                return time.perf_counter() - t
            time.sleep(0.5)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        services.catalog.engine.dispose()
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--copies", type=int, default=9, help="streams in the backlog (205 s of audio each)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        files = []
        for i in range(args.copies):
            f = tmp / f"room{i:02d}.mp4"
            f.symlink_to(SAMPLE)
            files.append(f)
        audio_s = 204.9 * len(files)
        base = in_process(files, tmp)
        one = distributed(files, tmp, 1)
        two = distributed(files, tmp, 2)
    print(json.dumps({
        "backlog_audio_s": round(audio_s, 1), "streams": len(files), "cpus": os.cpu_count(),
        "in_process_s": round(base, 1), "one_worker_s": round(one, 1), "two_workers_s": round(two, 1),
        "speedup_2_vs_1": round(one / two, 2), "overhead_vs_in_process": round(one / base - 1, 3),
        "rtf_one_worker": round(one / audio_s, 3),
    }))


if __name__ == "__main__":
    main()
