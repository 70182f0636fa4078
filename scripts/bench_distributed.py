"""Distributed-mode benchmark: a backlog of recorded streams (whole copies of the 205-s sample, as
many as `--minutes` needs) through the in-process pipeline, then through 1 and 2 `onrecord worker
--queues asr` processes (one transcription thread each, plus one capture and one index worker).

Reported: wall seconds of each run (from the first submission to the last stream indexed; workers
are started and their models loaded before the clock starts), the 2-vs-1 speed-up, the overhead of
the distributed mode against in-process, and the CPU seconds each run used (its worker processes'
user+sys, also per worker, or this process's for in-process) so that a noisy shared machine can be told apart from
real overhead; load averages before and after each run. The assembled models are shared by all runs.
Needs Redis (127.0.0.1:6379, DB 14 is flushed) and PostgreSQL (trust auth); the store is a local
folder (the tests cover S3). Prints one JSON line.

    .venv/bin/python scripts/bench_distributed.py [--minutes 30]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import redis
import sqlalchemy

from pipeline.distributed import tasks
from pipeline.distributed.app import make_celery
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services, load_products
from pipeline.session import SessionRunner, new_stream
from pipeline.settings import Settings
from storage.work import WorkLedger

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = SAMPLE_DIR / "sample_stream.mp4"
PRODUCTS = SAMPLE_DIR / "products.json"
SAMPLE_S = 204.9
BROKER = "redis://127.0.0.1:6379/14"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
TICK = os.sysconf("SC_CLK_TCK")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _data_dir(tmp: Path, name: str) -> Path:
    """A data dir whose models folder is the shared one (assembled once, by the first run)."""
    d = tmp / name
    d.mkdir()
    (d / "models").symlink_to(tmp / "models", target_is_directory=True)
    return d


def in_process(files: list[Path], tmp: Path) -> dict[str, Any]:
    settings = Settings(
        data_dir=_data_dir(tmp, "inproc"),
        whisper_threads=1,
        broker_url=None,
        database_url=None,
        store_url=None,
    )
    services = Services(settings)
    products = load_products(PRODUCTS)
    services.transcriber(products).load()  # loading models is not timed, as workers load them at start
    services.embedder.load()
    load0, cpu0, t = _load(), _self_cpu(), time.perf_counter()
    for f in files:
        SessionRunner(services, new_stream(f.stem, source=str(f), merchant="m"), products).ingest_file(f)
    return {"wall_s": time.perf_counter() - t, "cpu_s": _self_cpu() - cpu0, "load": [load0, _load()]}


def _self_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _proc_cpu(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / TICK


def _start_workers(env: dict[str, str], asr_workers: int) -> list[subprocess.Popen[bytes]]:
    onrecord = str(Path(sys.executable).with_name("onrecord"))
    return [
        subprocess.Popen(
            [onrecord, "worker", "-Q", q, "--loglevel", "error"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for q in ["capture", "index", *["asr"] * asr_workers]
    ]


def _wait_ready(app: Any, n: int, procs: list[subprocess.Popen[bytes]]) -> None:
    """Until all n workers answer a ping: the CLI loads a worker's models before it consumes."""
    deadline = time.monotonic() + 600
    while len(app.control.ping(timeout=1.0)) < n:
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            raise SystemExit("a worker did not start")


def _finished(ledger: WorkLedger, n: int) -> bool:
    rows = ledger.progress()
    return len(rows) == n and all(
        p.capture_done and p.asr_t >= p.audio_end - 0.01 and p.indexed_t >= p.audio_end - 0.01 for p in rows
    )


def distributed(files: list[Path], tmp: Path, asr_workers: int) -> dict[str, Any]:
    db = f"onrecord_bench_{uuid.uuid4().hex[:8]}"
    admin = sqlalchemy.create_engine(f"{PG}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {db}")
    redis.Redis.from_url(BROKER).flushdb()
    data = _data_dir(tmp, f"dist{asr_workers}")
    env = {
        **os.environ,
        "ONRECORD_BROKER_URL": BROKER,
        "ONRECORD_DATABASE_URL": f"{PG}/{db}",
        "ONRECORD_DATA_DIR": str(data),
        "ONRECORD_WHISPER_THREADS": "1",
        "ONRECORD_STORE_URL": f"file://{data / 'store'}",
        "HF_HUB_OFFLINE": "1",
    }
    settings = Settings(
        data_dir=data,
        database_url=env["ONRECORD_DATABASE_URL"],
        broker_url=BROKER,
        store_url=env["ONRECORD_STORE_URL"],
        whisper_threads=1,
    )
    services = Services(settings)
    ledger = WorkLedger(services.catalog.engine).load()
    app = make_celery(settings)
    procs = _start_workers(env, asr_workers)
    try:
        _wait_ready(app, len(procs), procs)
        pids = [p.pid for p in procs]
        load0, t = _load(), time.perf_counter()
        cpu0 = {pid: _proc_cpu([pid]) for pid in pids}
        for f in files:
            tasks.submit(app, f.stem, str(f), products_file=PRODUCTS)
        while not _finished(ledger, len(files)):
            time.sleep(0.5)  # polling the ledger for the end of the run
        wall = time.perf_counter() - t
        roles = ["capture", "index", *[f"asr{i}" for i in range(asr_workers)]]
        by_role = {
            role: round(_proc_cpu([pid]) - cpu0[pid], 1) for role, pid in zip(roles, pids, strict=True)
        }
        return {
            "wall_s": wall,
            "cpu_s": sum(by_role.values()),
            "cpu_by_worker": by_role,
            "load": [load0, _load()],
        }
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
        services.catalog.engine.dispose()
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def _backlog(tmp: Path, minutes: float) -> list[Path]:
    """Whole copies of the sample (links to it, each a stream of its own), >= `minutes` of audio."""
    files = []
    for i in range(max(1, math.ceil(minutes * 60 / SAMPLE_S))):
        f = tmp / f"room{i:02d}.mp4"
        f.symlink_to(SAMPLE)
        files.append(f)
    return files


def _report(
    files: list[Path], base: dict[str, Any], one: dict[str, Any], two: dict[str, Any]
) -> dict[str, Any]:
    audio_s = SAMPLE_S * len(files)
    return {
        "backlog_audio_s": round(audio_s, 1),
        "backlog_min": round(audio_s / 60, 1),
        "streams": len(files),
        "cpus": os.cpu_count(),
        "in_process_s": round(base["wall_s"], 1),
        "one_worker_s": round(one["wall_s"], 1),
        "two_workers_s": round(two["wall_s"], 1),
        "speedup_2_vs_1": round(one["wall_s"] / two["wall_s"], 2),
        "overhead_vs_in_process": round(one["wall_s"] / base["wall_s"] - 1, 3),
        "cpu_s": {
            "in_process": round(base["cpu_s"], 1),
            "one_worker": round(one["cpu_s"], 1),
            "two_workers": round(two["cpu_s"], 1),
        },
        "cpu_by_worker": {"one_worker": one["cpu_by_worker"], "two_workers": two["cpu_by_worker"]},
        "cpu_overhead_vs_in_process": round(one["cpu_s"] / base["cpu_s"] - 1, 3),
        "rtf_one_worker": round(one["wall_s"] / audio_s, 3),
        "loadavg": {
            "in_process": base["load"],
            "one_worker": one["load"],
            "two_workers": two["load"],
            "end": _load(),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30.0, help="backlog of at least this much audio")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "models").mkdir()
        files = _backlog(tmp, args.minutes)
        base = in_process(files, tmp)
        one = distributed(files, tmp, 1)
        two = distributed(files, tmp, 2)
        print(json.dumps(_report(files, base, one, two)))


if __name__ == "__main__":
    main()
