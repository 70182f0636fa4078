"""Soak: a live stream recorded by the distributed workers for `--minutes`, the API under load from a
separate process all the while, and the asr worker SIGKILLed (and started again) `--kills` times.

Real parts throughout: nginx with the RTMP module, an ffmpeg publisher looping the sample in real
time, Redis (127.0.0.1:6379, DB 13 is flushed), PostgreSQL (trust auth; a throwaway database),
`onrecord worker` processes for the capture, asr and index queues, and `onrecord serve`. The load
process asks what agents ask (search, the stream list, a stream's claims) as fast as its
`--clients` threads can, and counts the answers by status.

Reported (one JSON line): requests and 5xx by route; utterances lost (recorded audio never
transcribed: ledger windows not done, transcribed seconds short of captured seconds) and duplicated
(the same utterance twice by time overlap); catalog vs index utterances for the stream; the
archive's `verify` result; resident memory of the API and each worker over the run (first sample
after warm-up, last, peak, last/first). Speed and memory are reported, never asserted.

    .venv/bin/python scripts/soak.py [--minutes 30] [--kills 2] [--clients 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.sample import SAMPLE_DIR

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = SAMPLE_DIR / "sample_stream.mp4"
PRODUCTS = SAMPLE_DIR / "products.json"
BROKER = "redis://127.0.0.1:6379/13"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
STREAM, MERCHANT = "soak", "soak-shop"
QUESTIONS = [
    "送什么赠品",
    "多久发货",
    "敏感肌能用吗",
    "可以退货吗",
    "多少钱",
    "包邮吗",
    "保质期多久",
    "有没有优惠",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def tree_rss_mb(pid: int) -> float | None:
    """A process and its children (a prefork worker's pool, uvicorn's workers)."""
    own = rss_mb(pid)
    if own is None:
        return None
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return round(own + sum(rss_mb(int(k)) or 0.0 for k in kids), 1)


# the load process ------------------------------------------------------------------------------
def load_main(url: str, key: str, seconds: float, clients: int, out: Path) -> None:
    """Runs in its own process: ask the API what agents ask until `seconds` pass; counts by route."""
    import httpx

    counts: dict[str, Counter[int]] = {}
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as http:
            while time.monotonic() < deadline:
                route, params = rng.choice(
                    [
                        ("/v1/search", {"q": rng.choice(QUESTIONS)}),
                        ("/v1/search", {"q": rng.choice(QUESTIONS), "stream": STREAM}),
                        ("/v1/streams", {}),
                        (f"/v1/streams/{STREAM}/claims", {}),
                    ]
                )
                try:
                    code = http.get(route, params=params).status_code
                except httpx.HTTPError as exc:
                    with lock:
                        errors[type(exc).__name__] += 1
                    time.sleep(0.5)
                    continue
                with lock:
                    counts.setdefault(route.replace(STREAM, "{id}"), Counter())[code] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.write_text(
        json.dumps({"by_route": {r: dict(c) for r, c in counts.items()}, "transport_errors": dict(errors)})
    )


# the deployment ---------------------------------------------------------------------------------
class Deployment:
    """Every process of the soak, started in a temporary folder and stopped at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: list[subprocess.Popen[bytes]] = []
        self.db = f"onrecord_soak_{uuid.uuid4().hex[:8]}"
        data = tmp / "data"
        data.mkdir()
        models = ROOT / "onrecord-data" / "models"
        if models.is_dir():  # the models `make demo` assembled: not assembled again
            (data / "models").symlink_to(models, target_is_directory=True)
        self.env = {
            **os.environ,
            "ONRECORD_BROKER_URL": BROKER,
            "ONRECORD_DATABASE_URL": f"{PG}/{self.db}",
            "ONRECORD_DATA_DIR": str(data),
            "ONRECORD_STORE_URL": f"file://{data / 'store'}",
            "ONRECORD_MERCHANT": MERCHANT,
            "ONRECORD_WHISPER_THREADS": "1",
            "HF_HUB_OFFLINE": "1",
        }
        self.onrecord = str(Path(sys.executable).with_name("onrecord"))

    def spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        fh = (self.tmp / f"{log}.log").open("ab")
        proc = subprocess.Popen(args, env=self.env, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
        self.procs.append(proc)
        return proc

    def start_services(self) -> None:
        import redis
        import sqlalchemy

        admin = sqlalchemy.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {self.db}")
        admin.dispose()
        redis.Redis.from_url(BROKER).flushdb()

    def start_rtmp(self) -> str:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        root = self.tmp / "nginx"
        root.mkdir()
        port = free_port()
        conf = root / "nginx.conf"
        conf.write_text(
            f"daemon off;\nmaster_process off;\npid {root}/nginx.pid;\nerror_log {root}/error.log info;\n"
            f"load_module {RTMP_MODULE};\nevents {{ worker_connections 256; }}\n"
            f"rtmp {{ server {{ listen 127.0.0.1:{port}; chunk_size 4096;\n"
            "  application live { live on; idle_streams off; record off; } } }\n"
        )
        self.spawn([nginx, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")], "nginx")
        _wait(lambda: _listening(port), 15, "nginx-rtmp")
        url = f"rtmp://127.0.0.1:{port}/live/{STREAM}"
        self.spawn(
            [
                "ffmpeg",
                "-v",
                "error",
                "-re",
                "-stream_loop",
                "-1",
                "-i",
                str(SAMPLE),
                "-c",
                "copy",
                "-f",
                "flv",
                url,
            ],
            "ffmpeg",
        )
        return url

    def worker(self, queue: str) -> subprocess.Popen[bytes]:
        return self.spawn([self.onrecord, "worker", "-Q", queue, "--loglevel", "warning"], f"worker-{queue}")

    def api(self, port: int) -> subprocess.Popen[bytes]:
        return self.spawn([self.onrecord, "serve", "--port", str(port)], "api")

    def stop(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        import sqlalchemy

        admin = sqlalchemy.create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        admin.dispose()


def running(ledger: Any) -> bool:
    """A window of the stream is being transcribed right now."""
    return any(w["status"] == "running" for w in ledger.windows(STREAM))


def trend(samples: list[float], points: int = 8) -> list[float]:
    """The samples at `points` evenly spaced moments of the run (memory over time, not only its ends)."""
    if len(samples) <= points:
        return samples
    return [samples[round(i * (len(samples) - 1) / (points - 1))] for i in range(points)]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(predicate: Any, timeout: float, what: str, every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"soak: timed out waiting for {what}")
        time.sleep(every)


def _healthy(port: int) -> bool:
    import httpx

    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def soak(args: argparse.Namespace) -> dict[str, Any]:
    from capture.verify import verify_stream
    from models import Role
    from pipeline.distributed import tasks
    from pipeline.distributed.app import make_celery
    from pipeline.services import Services
    from pipeline.settings import Settings
    from storage.accounts import AccountsCatalog
    from storage.work import WorkLedger

    with tempfile.TemporaryDirectory(prefix="onrecord-soak-") as d:
        dep = Deployment(Path(d))
        try:
            dep.start_services()
            settings = Settings(
                data_dir=Path(dep.env["ONRECORD_DATA_DIR"]),
                database_url=dep.env["ONRECORD_DATABASE_URL"],
                broker_url=BROKER,
                store_url=dep.env["ONRECORD_STORE_URL"],
                merchant=MERCHANT,
            )
            services = Services(settings)
            ledger = WorkLedger(services.catalog.engine).load()
            key = AccountsCatalog(services.catalog).create_key(Role.AGENT, MERCHANT, "soak").key
            rtmp = dep.start_rtmp()
            workers = {q: dep.worker(q) for q in ("capture", "index", "asr")}
            api_port = free_port()
            api = dep.api(api_port)
            _wait(lambda: _healthy(api_port), 120, "the API")
            app = make_celery(settings)
            _wait(lambda: len(app.control.ping(timeout=1.0)) >= 3, 600, "the workers")

            seconds = args.minutes * 60
            tasks.submit(app, STREAM, rtmp, products_file=PRODUCTS, merchant=MERCHANT, duration_s=seconds)
            load_out = dep.tmp / "load.json"
            load = subprocess.Popen(
                [sys.executable, __file__, "--load", f"http://127.0.0.1:{api_port}", key, str(seconds),
                 str(args.clients), str(load_out)],
                cwd=ROOT,
            )  # fmt: skip
            t0 = time.monotonic()
            kills_at = [seconds * (i + 1) / (args.kills + 1) for i in range(args.kills)]
            memory: dict[str, list[float]] = {"api": [], **{f"worker-{q}": [] for q in workers}}
            events: list[dict[str, Any]] = []
            sampled = float("-inf")
            while load.poll() is None:
                elapsed = time.monotonic() - t0
                if kills_at and elapsed >= kills_at[0] and (running(ledger) or elapsed >= kills_at[0] + 60):
                    kills_at.pop(0)  # killed mid-window (waiting up to a minute for one to be running)
                    victim, mid_window = workers["asr"], running(ledger)
                    os.kill(victim.pid, signal.SIGKILL)
                    victim.wait()
                    workers["asr"] = dep.worker("asr")
                    events.append(
                        {
                            "t_s": round(elapsed, 1),
                            "event": "asr worker SIGKILLed and restarted",
                            "mid_window": mid_window,
                        }
                    )
                if elapsed >= args.warmup_s and elapsed - sampled >= args.sample_s:
                    sampled = elapsed
                    for name, proc in [("api", api), *((f"worker-{q}", p) for q, p in workers.items())]:
                        mb = tree_rss_mb(proc.pid)
                        if mb is not None and not (
                            name == "worker-asr" and events and elapsed - events[-1]["t_s"] < args.warmup_s
                        ):
                            memory[name].append(mb)
                time.sleep(1.0)

            def done() -> bool:
                p = next((p for p in ledger.progress() if p.stream_id == STREAM), None)
                return (
                    p is not None
                    and p.capture_done
                    and p.asr_t >= p.audio_end - 0.01
                    and p.indexed_t >= p.asr_t - 0.01
                )

            _wait(done, args.drain_s, "the stream to be transcribed and indexed", every=2)
            progress = next(p for p in ledger.progress() if p.stream_id == STREAM)
            windows = ledger.windows(STREAM)
            utts = services.catalog.utterances(STREAM)
            duplicated = sum(1 for a, b in zip(utts, utts[1:], strict=False) if b.t0 < a.t1 - 0.5)
            indexed = services.index.load().doc_ids(STREAM)
            report = verify_stream(services.store, STREAM)
            loaded = json.loads(load_out.read_text())
            return {
                "minutes": args.minutes,
                "kills": events,
                "requests": sum(sum(c.values()) for c in loaded["by_route"].values()),
                "http_5xx": sum(
                    n for c in loaded["by_route"].values() for code, n in c.items() if int(code) >= 500
                ),
                "by_route": loaded["by_route"],
                "transport_errors": loaded["transport_errors"],
                "captured_s": round(progress.audio_end, 1),
                "transcribed_s": round(progress.asr_t, 1),
                "windows": len(windows),
                "windows_not_done": sum(1 for w in windows if w["status"] != "done"),
                "windows_redone": sum(1 for w in windows if w["attempts"] > 1),
                "utterances": len(utts),
                "utterances_duplicated": duplicated,
                "utterances_indexed": len(indexed),
                "catalog_not_indexed": len({u.id for u in utts} - indexed),
                "verify_ok": report.ok,
                "verify_gaps": len(report.gaps),
                "memory_mb": {
                    name: {
                        "first": s[0],
                        "last": s[-1],
                        "peak": max(s),
                        "last_over_first": round(s[-1] / s[0], 3),
                        "over_time": trend(s),
                    }
                    for name, s in memory.items()
                    if s
                },  # fmt: skip
                "loadavg": [round(x, 2) for x in os.getloadavg()],
            }
        finally:
            dep.stop()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        _, _, url, key, seconds, clients, out = sys.argv
        load_main(url, key, float(seconds), int(clients), Path(out))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--kills", type=int, default=2, help="times the asr worker is SIGKILLed")
    ap.add_argument("--clients", type=int, default=2, help="threads in the load process")
    ap.add_argument("--warmup-s", type=float, default=90.0, help="memory is sampled after this")
    ap.add_argument("--sample-s", type=float, default=10.0)
    ap.add_argument("--drain-s", type=float, default=900.0, help="how long the backlog may take after")
    print(json.dumps(soak(ap.parse_args())))


if __name__ == "__main__":
    main()
