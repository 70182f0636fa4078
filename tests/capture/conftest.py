"""Real servers for capture tests: nginx with the RTMP module, an ffmpeg publisher, an HTTP server thread."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import make_media

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], object], timeout: float, what: str, every: float = 0.1) -> object:
    """Poll `predicate` until it returns something truthy; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def manifest_of(root: Path, stream_id: str) -> dict | None:
    path = root / "streams" / stream_id / "manifest.json"
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


@pytest.fixture(scope="session")
def nginx_rtmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """rtmp://127.0.0.1:PORT/live of an nginx started for this session (config in a tmp dir)."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light libnginx-mod-rtmp)")
    if not RTMP_MODULE.exists():
        pytest.skip(
            f"the nginx RTMP module is not installed ({RTMP_MODULE}; apt-get install libnginx-mod-rtmp)"
        )
    root = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = root / "nginx.conf"
    # idle_streams off: players are disconnected when the publisher goes, as on a real platform
    conf.write_text(
        f"daemon off;\nmaster_process off;\npid {root}/nginx.pid;\nerror_log {root}/error.log info;\n"
        f"load_module {RTMP_MODULE};\nevents {{ worker_connections 256; }}\n"
        f"rtmp {{ server {{ listen 127.0.0.1:{port}; chunk_size 4096;\n"
        "  application live { live on; idle_streams off; record off; } } }\n"
    )
    proc = subprocess.Popen([nginx, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")])

    def up() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"nginx exited: {(root / 'error.log').read_text()[-2000:]}")
            return False

    wait_for(up, 15, "nginx-rtmp to listen")
    yield f"rtmp://127.0.0.1:{port}/live"
    proc.terminate()
    proc.wait(timeout=10)


class Publisher:
    """ffmpeg publishing a media file in real time (stream copy) to an RTMP URL."""

    def __init__(self, media: Path, url: str, *, start: float = 0.0, seconds: float | None = None) -> None:
        args = ["ffmpeg", "-v", "error", "-re", "-ss", str(start), "-i", str(media)]
        if seconds is not None:
            args += ["-t", str(seconds)]
        self.proc = subprocess.Popen([*args, "-c", "copy", "-f", "flv", url], stdin=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def publish() -> Iterator[Callable[..., Publisher]]:
    started: list[Publisher] = []

    def start(media: Path, url: str, **kw: float) -> Publisher:
        pub = Publisher(media, url, **kw)
        started.append(pub)
        return pub

    yield start
    for pub in started:
        pub.stop()


@pytest.fixture(scope="session")
def long_tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 s of test pattern + tone, a keyframe every second (for real-time publishing)."""
    return make_media(tmp_path_factory.mktemp("media") / "tone40.mp4", 40.0, gop=15)


@pytest.fixture
def http_dir(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP by a server thread: (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()
