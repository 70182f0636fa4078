"""Live-chat capture benchmark: a busy room's feed beside a recording; prints one JSON line.

A local WebSocket server plays `--rate` comments per second of stream time for `--minutes` (each line
carries its stream time `t`), `--speedup` times faster than real time; the real capture path takes it:
`JsonLinesFeed` → `LiveChat` (bounded queue, batches) → archive batches on the chain + catalog rows
(SQLite), with the search index off unless `--index` (which embeds every comment with e5).

    sent / stored / archived / dropped   comments the server sent, the catalog holds, the chain holds, lost
    rss_mb                               resident memory sampled at each tenth of the run (flat = no growth)
    cpu_s_per_1k                         CPU seconds (this process) per 1,000 comments
    verify_ok                            `onrecord verify` of the stream afterwards (chain + catalog vs archive)

    .venv/bin/python scripts/bench_chat.py --rate 50 --minutes 30 --speedup 10
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from capture.archive import StreamArchive
from capture.chat import JsonLinesFeed
from capture.reconnect import Backoff
from models import Stream
from pipeline.chat_live import LiveChat
from pipeline.services import Services
from pipeline.settings import Settings

TEXTS = [
    "敏感肌能用吗",
    "包邮吗",
    "发什么快递",
    "有赠品吗",
    "孕妇可以用吗",
    "多少钱",
    "什么时候发货",
    "能退吗",
]


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Room:
    """Sends `total` comment lines at `per_s` lines per wall second, in ticks of 50 ms."""

    def __init__(self, total: int, per_s: float, rate: float) -> None:
        self.total, self.per_s, self.rate = total, per_s, rate
        self.sent = 0
        self.done = threading.Event()

    def handler(self, ws: ServerConnection) -> None:
        start = time.monotonic()
        while self.sent < self.total:
            due = min(self.total, int((time.monotonic() - start) * self.per_s) + 1)
            lines = [self._line(i) for i in range(self.sent, due)]
            if lines:
                ws.send("\n".join(lines))
                self.sent = due
            time.sleep(0.05)
        self.done.set()
        try:
            ws.recv()  # hold the connection until the client closes it
        except ConnectionClosed:
            pass

    def _line(self, i: int) -> str:
        return json.dumps(
            {
                "id": f"c{i}",
                "t": round(i / self.rate, 3),
                "user": f"viewer{i % 997}",
                "text": TEXTS[i % len(TEXTS)],
            },
            ensure_ascii=False,
        )


def run(rate: float, minutes: float, speedup: float, index: bool, work: Path) -> dict:
    total = int(rate * minutes * 60)
    room = Room(total, rate * speedup, rate)
    services = Services(Settings(data_dir=work / "data"))
    stream = Stream(id="busy", merchant="bench", started_at=datetime.now(UTC))
    services.catalog.upsert_stream(stream)
    archive = StreamArchive.open(services.store, stream)
    archive.append_segment(b"\x47" * 188, 0.0, minutes * 60)  # the video's side is not measured here
    samples: list[float] = []
    with serve(room.handler, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/"
        feed = JsonLinesFeed(url, stream.id, lambda at: (at - stream.started_at).total_seconds(), Backoff())
        cpu0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        chat = LiveChat(services, stream, feed, lambda: archive, index=index).start()
        while not room.done.wait(0.5):
            if len(samples) < room.sent * 10 // max(total, 1):
                samples.append(round(rss_mb(), 1))
        with chat.flushed:  # everything sent is stored
            chat.flushed.wait_for(lambda: chat.stats.added + chat.stats.repeated >= total, timeout=600)
        stats = chat.stop()
        wall = time.monotonic() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        server.shutdown()
    samples.append(round(rss_mb(), 1))
    stored = services.chat.count(stream.id)
    manifest = services.archive.manifest(stream.id)
    archived = sum(getattr(b, "count", 0) for b in manifest.chat) if manifest else 0
    report = services.archive.verify(stream.id)
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return {
        "rate_per_s": rate,
        "stream_minutes": minutes,
        "speedup": speedup,
        "index": index,
        "sent": room.sent,
        "stored": stored,
        "archived": archived,
        "dropped": room.sent - stored,
        "skipped": feed.stats.skipped,
        "repeats": feed.stats.repeats,
        "batches": stats.batches,
        "chat_gaps": stats.gaps,
        "error": stats.error,
        "wall_s": round(wall, 1),
        "cpu_s_per_1k": round(cpu / max(stored, 1) * 1000, 3),
        "rss_mb": samples,
        "rss_growth_mb": round(samples[-1] - samples[0], 1) if samples else None,
        "manifest_kb": round(len(services.store.get(f"streams/{stream.id}/manifest.json")) / 1024, 1),
        "verify_ok": report.ok,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rate", type=float, default=50.0, help="comments per second of stream time")
    ap.add_argument("--minutes", type=float, default=30.0, help="stream minutes the room sends")
    ap.add_argument("--speedup", type=float, default=10.0, help="how much faster than real time it is sent")
    ap.add_argument("--index", action="store_true", help="also index every comment (e5 embedding)")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp:
        out = run(args.rate, args.minutes, args.speedup, args.index, Path(tmp))
    out["cores"] = os.cpu_count()
    out["loadavg"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
