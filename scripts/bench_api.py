"""Benchmark the API: 30 s clips from a 4-hour archive, and search throughput from a separate load process.

    .venv/bin/python scripts/bench_api.py [--clips 40] [--search-seconds 15] [--concurrency 8] [--load wrk|httpx]

The load comes from a separate process on loopback: `wrk` (Debian package `wrk`, a C load generator
that takes little CPU from the 2 cores the server runs on) when it is installed, else an httpx
asyncio client in this process (which itself takes about as much CPU as the server: pessimistic).

`search_*` repeats 8 common agent questions (served from the API's query-vector cache after the
first time); `search_unique_*` sends only distinct questions, so every one is embedded.

Builds a throwaway deployment: a synthetic 4-hour archive (ffmpeg test pattern + tone at tiny
resolution, cut into 4 s MPEG-TS segments and chained exactly as the recorder chains them), a
catalog and search index of a few hundred sentences (real e5 embeddings), an API key; then starts
`uvicorn api.app:app_from_env` in its own process and measures over loopback from this one.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from capture import hash_chain
from capture.archive import manifest_key, segment_key
from models import Manifest, Role, Segment, Stream, StreamStatus, Utterance
from pipeline.services import Services
from pipeline.settings import Settings
from storage.accounts import AccountsCatalog

ROOT = Path(__file__).resolve().parent.parent

HOURS = 4.0
STARTED = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
PHRASES = [
    "今天下单送一片面膜",
    "四十八小时内发货",
    "全国包邮",
    "七天无理由退货",
    "假一赔十",
    "敏感肌也能用",
    "第二件半价",
    "今天只要九十九",
    "品牌授权正品保证",
    "高温消毒不易断裂",
    "满两百减三十",
    "破损包赔",
]
QUERIES = [
    "几天发货",
    "送什么赠品",
    "能退货吗",
    "敏感肌可以用吗",
    "多少钱",
    "是正品吗",
    "包邮吗",
    "坏了怎么办",
]


def make_archive(services: Services, stream: Stream, work: Path) -> float:
    """Synthetic 4-hour archive; returns its duration on the stream clock."""
    seg_dir = work / "segments"
    seg_dir.mkdir()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x36:rate=5", "-f", "lavfi", "-i",
         "sine=frequency=440:sample_rate=8000", "-t", str(HOURS * 3600), "-c:v", "libx264", "-preset",
         "ultrafast", "-g", "10", "-keyint_min", "10", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "16k", "-f", "segment", "-segment_time", "4", "-segment_format", "mpegts",
         "-segment_list", str(work / "list.csv"), "-segment_list_type", "csv", str(seg_dir / "%06d.ts")],
        check=True,
    )  # fmt: skip
    head, entries, t_prev = hash_chain.genesis(stream.id), [], 0.0
    with (work / "list.csv").open() as fh:
        for seq, (name, _t0, t1) in enumerate(csv.reader(fh)):
            data = (seg_dir / name).read_bytes()
            t0, t1f = t_prev, float(t1)  # contiguous on the stream clock, as the segmenter writes them
            key = segment_key(stream.id, seq)
            services.store.put(key, data)
            digest = hash_chain.payload_hash(data)
            head = hash_chain.link(head, seq, t0, t1f, "segment", digest)
            entries.append(
                Segment(seq=seq, t0=t0, t1=t1f, path=key, size=len(data), sha256=digest, chain=head,
                        wall_clock=stream.started_at + timedelta(seconds=t0))
            )  # fmt: skip
            t_prev = t1f
    manifest = Manifest(stream=stream, entries=entries, head=head)
    services.store.put(manifest_key(stream.id), manifest.model_dump_json().encode())
    return manifest.duration


def make_corpus(services: Services, stream: Stream, duration: float, n: int = 400) -> None:
    rng = random.Random(7)
    utts = []
    for i in range(n):
        t0 = duration * i / n
        text = "，".join(rng.sample(PHRASES, 2))
        utts.append(Utterance(id=f"{stream.id}:u{i}", stream_id=stream.id, t0=t0, t1=t0 + 4, text=text))
    services.catalog.add_utterances(utts)
    services.index.add_utterances(utts, [], merchant=stream.merchant, started_at=stream.started_at)
    services.index.save()


def pct(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[int(q) - 1], 4) if len(values) > 1 else values[0]


def unique_queries(n: int = 2000) -> list[str]:
    """Distinct questions (no query-vector cache hits): pairs of phrase fragments and a suffix."""
    rng, out = random.Random(3), set()
    while len(out) < n:
        a, b = rng.sample(PHRASES, 2)
        out.add(
            f"{a[: rng.randint(2, len(a))]}{b[: rng.randint(2, len(b))]}{rng.choice(['吗', '呢', '？', '啊', ''])}{len(out)}"
        )
    return sorted(out)


async def load(
    url: str, key: str, seconds: float, concurrency: int, queries: list[str]
) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, timeout=30) as client:

        async def worker(w: int) -> None:
            nonlocal errors
            i = w
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                r = await client.get("/v1/search", params={"q": queries[i % len(queries)], "k": 10})
                latencies.append(time.perf_counter() - t)
                errors += r.status_code != 200
                i += concurrency

        start = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - start
    return round(len(latencies) / elapsed), latencies, errors


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["X-API-Key"] = "%s"})
end
done = function(summary, latency, requests)
  io.write(string.format('WRK {"requests": %%d, "seconds": %%.3f, "p50_ms": %%.2f, "p95_ms": %%.2f, ' ..
    '"errors": %%d}\\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def wrk_load(url: str, key: str, seconds: float, concurrency: int, queries: list[str]) -> dict[str, float]:
    """Run wrk (one thread, `concurrency` connections) over the queries; its own percentiles."""
    paths = ", ".join(f'"/v1/search?k=10&q={urllib.parse.quote(q)}"' for q in queries)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT % (paths, key))
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{concurrency}", f"-d{int(seconds)}s", "-s", fh.name, url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(fh.name)
    found = json.loads(next(line[4:] for line in out.splitlines() if line.startswith("WRK ")))
    found["rps"] = round(found["requests"] / found["seconds"])
    return found


def run_load(url: str, key: str, args: argparse.Namespace, queries: list[str]) -> dict[str, float]:
    if args.load == "wrk":
        return wrk_load(url, key, args.search_seconds, args.concurrency, queries)
    rps, lat, errors = asyncio.run(load(url, key, args.search_seconds, args.concurrency, queries))
    return {"rps": rps, "p50_ms": round(pct(lat, 50) * 1000, 1), "p95_ms": round(pct(lat, 95) * 1000, 1),
            "requests": len(lat), "errors": errors}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=40)
    ap.add_argument("--search-seconds", type=float, default=15.0)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--load", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as tmp:
        work = Path(tmp)
        settings = Settings(data_dir=work / "data", merchant="bench")  # ONRECORD_EMBED_MODEL is honoured
        services = Services(settings)
        stream = Stream(id="long", merchant="bench", started_at=STARTED, status=StreamStatus.FINISHED)
        services.catalog.upsert_stream(stream)
        t = time.perf_counter()
        duration = make_archive(services, stream, work)
        build_s = time.perf_counter() - t
        make_corpus(services, stream, duration)
        key = AccountsCatalog(services.catalog).create_key(Role.AGENT, "bench").key
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = os.environ | {
            "ONRECORD_DATA_DIR": str(settings.data_dir),
            "ONRECORD_EMBED_MODEL": settings.embed_model,
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_from_env", "--port", str(port),
             "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            result = run_benchmarks(url, key, duration, args)
        finally:
            server.terminate()
            server.wait(10)
    result |= {
        "archive_hours": round(duration / 3600, 2),
        "archive_segments": int(duration // 4),
        "archive_build_s": round(build_s, 1),
    }
    print(json.dumps(result))


def run_benchmarks(url: str, key: str, duration: float, args: argparse.Namespace) -> dict[str, object]:
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as client:
        for _ in range(600):  # the server process is starting: wait until it answers
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        client.get("/v1/search", params={"q": "发货"})  # loads the index and the model
        rng = random.Random(1)
        clip_s: list[float] = []
        for _ in range(args.clips):
            start = rng.uniform(0, duration - 31)
            t = time.perf_counter()
            r = client.get(
                "/v1/streams/long/clip", params={"start": round(start, 2), "end": round(start + 30, 2)}
            )
            clip_s.append(time.perf_counter() - t)
            assert r.status_code == 200 and r.content[4:8] == b"ftyp", r.text[:200]
        t = time.perf_counter()
        r = client.get("/v1/streams/long/clip", params={"start": 7200, "end": 7230, "exact": "true"})
        exact_s = time.perf_counter() - t
        assert r.status_code == 200
    same = run_load(url, key, args, QUERIES)
    unique = run_load(url, key, args, unique_queries())
    return {
        "clip30_copy_p50_s": pct(clip_s, 50),
        "clip30_copy_p95_s": pct(clip_s, 95),
        "clip30_exact_s": round(exact_s, 3),
        "clips": len(clip_s),
        "search_rps": same["rps"],
        "search_p50_ms": same["p50_ms"],
        "search_p95_ms": same["p95_ms"],
        "search_requests": same["requests"],
        "search_errors": same["errors"],
        "search_unique_rps": unique["rps"],
        "search_unique_p50_ms": unique["p50_ms"],
        "search_unique_p95_ms": unique["p95_ms"],
        "search_unique_errors": unique["errors"],
        "search_load": args.load,
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "search_concurrency": args.concurrency,
    }


if __name__ == "__main__":
    main()
