"""Live-capture benchmark: prints one JSON line.

    cpu_per_stream_pct   CPU of one core per recorded stream (stream copy, no transcription),
                         measured with getrusage over N streams published in real time over RTMP
    concurrent_streams   how many streams this machine records with transcription on and keeps
                         up (no audio dropped, lag at the end <= --max-lag)
    claim_latency_s      end of the spoken sentence (truth file) -> the claim returned by search
    long_run             lag at the end of a --long-s run of the sample looped

Needs nginx with the RTMP module and ffmpeg (as the tests). Example:

    .venv/bin/python scripts/bench_capture.py --seconds 60 --max-streams 6 --long-s 1800
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from capture.reconnect import Backoff
from capture.recorder import LiveRecorder, RecorderConfig
from models import SearchFilters, Stream
from pipeline.live import LiveResult, LiveSession
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services, load_products
from pipeline.session import new_stream
from pipeline.settings import Settings
from storage.objects import LocalStore

ROOT = Path(__file__).resolve().parent.parent

SAMPLES = Path(os.environ.get("ONRECORD_SAMPLE_DIR") or SAMPLE_DIR)
CONFIG = RecorderConfig(segment_s=4.0, read_timeout_s=5.0, backoff=Backoff(0.2, 2.0, 1.0, 30.0))


def start_nginx(work: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = work / "nginx.conf"
    conf.write_text(
        f"daemon off;\nmaster_process off;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
        "load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;\nevents { worker_connections 512; }\n"
        f"rtmp {{ server {{ listen 127.0.0.1:{port}; application live {{ live on; idle_streams off; }} }} }}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = subprocess.Popen([nginx, "-p", str(work), "-c", str(conf), "-e", str(work / "error.log")])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, f"rtmp://127.0.0.1:{port}/live"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx-rtmp did not start")


def publish(media: Path, url: str, seconds: float | None = None, loop: bool = False) -> subprocess.Popen:
    args = ["ffmpeg", "-v", "error", "-re"] + (["-stream_loop", "-1"] if loop else []) + ["-i", str(media)]
    args += ["-t", str(seconds)] if seconds else []
    return subprocess.Popen([*args, "-c", "copy", "-f", "flv", url], stdin=subprocess.DEVNULL)


def cpu_per_stream(media: Path, base_url: str, work: Path, n: int, seconds: float) -> dict:
    """Record n streams with stream copy only, in this process; CPU% of one core per stream."""
    pubs = [publish(media, f"{base_url}/cpu{i}", loop=True) for i in range(n)]
    store = LocalStore(work / "cpu-store")
    stop = threading.Event()
    recs = [
        LiveRecorder(store, Stream(id=f"cpu{i}", started_at=datetime.now(UTC)), f"{base_url}/cpu{i}", CONFIG)
        for i in range(n)
    ]
    threads = [threading.Thread(target=lambda r=r: [None for _ in r.run(stop)], daemon=True) for r in recs]
    for t in threads:
        t.start()
    time.sleep(8)  # let every connection finish probing before measuring the steady state
    r0, w0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    time.sleep(seconds)
    r1, w1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    for p in pubs:
        p.terminate()
        p.wait()
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return {
        "streams": n,
        "seconds": round(w1 - w0, 1),
        "cpu_pct_per_stream": round(100 * cpu / (w1 - w0) / n, 3),
    }


def live_sessions(
    media: Path, base_url: str, work: Path, n: int, seconds: float, tag: str
) -> list[LiveResult]:
    """n live sessions with transcription in one process (shared models, index and catalog)."""
    services = Services(Settings(data_dir=work / f"data-{tag}"))
    products = load_products(SAMPLES / "products.json")
    services.transcriber(products).load()
    _ = services.embedder
    urls = [f"{base_url}/{tag}{i}" for i in range(n)]
    sessions = [
        LiveSession(services, new_stream(f"{tag}{i}", source=u, merchant="m"), u, products, config=CONFIG)
        for i, u in enumerate(urls)
    ]
    results: list[LiveResult] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=lambda s=s: results.append(s.record(stop, seconds)), daemon=True)
        for s in sessions
    ]
    pubs = [publish(media, u, loop=True) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 600)
    for p in pubs:
        p.terminate()
        p.wait()
    return results


def concurrency(media: Path, base_url: str, work: Path, max_n: int, seconds: float, max_lag: float) -> dict:
    trials = []
    best = 0
    for n in range(1, max_n + 1):
        t0 = time.monotonic()
        results = live_sessions(media, base_url, work, n, seconds, f"c{n}x")
        drain = time.monotonic() - t0 - seconds  # how long transcription ran on after the streams stopped
        end_lags = [r.lags[-1] if r.lags else float("inf") for r in results]
        dropped = sum(r.asr_dropped_s for r in results)
        ok = len(results) == n and dropped == 0 and max(end_lags) <= max_lag
        trials.append(
            {
                "streams": n,
                "end_lag_s": round(max(end_lags), 2),
                "drain_s": round(drain, 1),
                "asr_dropped_s": round(dropped, 1),
                "keeps_up": ok,
            }
        )
        if not ok:
            break
        best = n
    return {"concurrent_streams": best, "trials": trials}


def claim_latency(base_url: str, work: Path, seconds: float, neighbours: int = 0) -> dict:
    """Sentence end -> claim in search on one stream, while `neighbours` other streams (the sample
    looped) are recorded and transcribed by the same process and model."""
    truth = json.loads((SAMPLES / "sample_stream.truth.json").read_text(encoding="utf-8"))
    media = SAMPLES / "sample_stream.mp4"
    services = Services(Settings(data_dir=work / "data-lat"))
    products = load_products(SAMPLES / "products.json")
    services.transcriber(products).load()
    _ = services.embedder
    url = f"{base_url}/lat"
    session = LiveSession(services, new_stream("lat", source=url, merchant="m"), url, products, config=CONFIG)
    stop = threading.Event()
    thread = threading.Thread(target=lambda: session.record(stop), daemon=True)
    thread.start()
    others = [f"{base_url}/latn{i}" for i in range(neighbours)]
    busy = [
        LiveSession(services, new_stream(f"latn{i}", source=u, merchant="m"), u, products, config=CONFIG)
        for i, u in enumerate(others)
    ]
    busy_threads = [threading.Thread(target=lambda b=b: b.record(stop), daemon=True) for b in busy]
    busy_pubs = [publish(media, u, loop=True) for u in others]
    for t in busy_threads:
        t.start()
    time.sleep(1.0)  # the recorder retries until the publisher is live; it is started first on purpose
    pub_mono, pub_wall = time.monotonic(), datetime.now(UTC)
    pub = publish(media, url, seconds=seconds)
    pending = [(s, c) for s in truth["sentences"] if s["end"] < seconds - 1 for c in s["claims"]]
    found: list[float] = []
    when: list[tuple[float, float]] = []  # (sentence end on the sample, latency)
    while pending and time.monotonic() - pub_mono < seconds + 30:
        archive = session.recorder.archive
        if archive is None or not archive.manifest.entries:
            time.sleep(0.2)
            continue
        p0 = (archive.manifest.stream.started_at - pub_wall).total_seconds()  # source time at t = 0
        now = time.monotonic() - pub_mono
        for item in list(pending):
            sentence, claim = item
            if sentence["end"] > now:
                continue
            hits = services.index.search(claim["quote"], SearchFilters(stream="lat"), k=5)
            a, b = (
                sentence["start"] - p0 - 1.5,
                sentence["end"] - p0 + 1.5,
            )  # the sentence's span on the stream
            if any(h.claim is not None and h.claim.t0 <= b and h.claim.t1 >= a for h in hits):
                found.append(time.monotonic() - pub_mono - sentence["end"])
                when.append((round(sentence["end"], 1), round(found[-1], 2)))
                pending.remove(item)
        time.sleep(0.25)
    stop.set()
    thread.join(timeout=120)
    pub.wait()
    for p in busy_pubs:
        p.terminate()
        p.wait()
    for t in busy_threads:
        t.join(timeout=120)
    q = statistics.quantiles(found, n=20) if len(found) >= 2 else [float("nan")] * 19
    return {
        "streams": 1 + neighbours,
        "claims": len(found) + len(pending),
        "found": len(found),
        "p50": round(statistics.median(found), 2) if found else None,
        "p95": round(q[18], 2),
        "worst": sorted(when, key=lambda w: -w[1])[:5],
    }


def long_run(base_url: str, work: Path, seconds: float) -> dict:
    results = live_sessions(SAMPLES / "sample_stream.mp4", base_url, work, 1, seconds, "long")
    r = results[0] if results else None
    if r is None:
        return {"seconds": seconds, "error": "no result"}
    return {
        "seconds": seconds,
        "utterances": r.utterances,
        "end_lag_s": round(r.lags[-1], 2) if r.lags else None,
        "max_lag_s": round(max(r.lags), 2) if r.lags else None,
        "asr_dropped_s": round(r.asr_dropped_s, 1),
        "gaps": r.gaps,
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="length of each measured run")
    ap.add_argument("--cpu-streams", type=int, default=4, help="streams recorded at once for the CPU figure")
    ap.add_argument("--max-streams", type=int, default=6, help="most concurrent transcribed streams to try")
    ap.add_argument("--max-lag", type=float, default=15.0, help="end lag (s) under which a stream keeps up")
    ap.add_argument(
        "--long-s", type=float, default=0.0, help="long-run length (s); 0 skips it (the issue asks 1800)"
    )
    ap.add_argument(
        "--cpu-media", type=Path, default=None, help="media for the CPU figure (default: the sample)"
    )
    ap.add_argument(
        "--latency-s", type=float, default=205.0, help="seconds of the sample published for latency"
    )
    ap.add_argument(
        "--latency-streams", type=int, default=1, help="streams transcribed at once during the latency run"
    )
    ap.add_argument("--skip", nargs="*", default=[], choices=["cpu", "concurrency", "latency"])
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    media = SAMPLES / "sample_stream.mp4"
    out: dict = {"cores": os.cpu_count(), "seconds": args.seconds, "loadavg_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="bench-capture-") as tmp:
        work = Path(tmp)
        nginx, base_url = start_nginx(work)
        try:
            if "cpu" not in args.skip:
                cpu_media = args.cpu_media or media
                out["cpu_media"] = str(cpu_media)
                one = cpu_per_stream(cpu_media, base_url, work, 1, args.seconds)
                many = cpu_per_stream(cpu_media, base_url, work, args.cpu_streams, args.seconds)
                out["cpu_per_stream_pct"] = many["cpu_pct_per_stream"]
                out["cpu"] = [one, many]
            if "concurrency" not in args.skip:
                out.update(concurrency(media, base_url, work, args.max_streams, args.seconds, args.max_lag))
            if "latency" not in args.skip:
                out["claim_latency_s"] = claim_latency(base_url, work, args.latency_s, args.latency_streams - 1)
            if args.long_s:
                out["long_run"] = long_run(base_url, work, args.long_s)
        finally:
            nginx.terminate()
            nginx.wait()
    out["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
