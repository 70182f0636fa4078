"""Real local chat feeds for tests: a WebSocket server and a chunked HTTP server, each playing one script of
lines per connection (then closing it, or holding it open until told to stop)."""

from __future__ import annotations

import http.server
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from websockets.sync.server import ServerConnection, serve

HOLD = object()  # in a script: keep the connection open until the server stops


class Scripts:
    """The scripts, one per connection in order (the last repeats); `connections` counts them."""

    def __init__(self, scripts: list[list[object]]) -> None:
        self.scripts = scripts
        self.connections = 0
        self.closing = threading.Event()
        self._lock = threading.Lock()

    def next(self) -> list[object]:
        with self._lock:
            script = self.scripts[min(self.connections, len(self.scripts) - 1)]
            self.connections += 1
            return script


@contextmanager
def websocket_feed(scripts: Scripts) -> Iterator[str]:
    def handler(ws: ServerConnection) -> None:
        for item in scripts.next():
            if item is HOLD:
                scripts.closing.wait()
                return
            ws.send(item)  # type: ignore[arg-type]

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        port = server.socket.getsockname()[1]
        try:
            yield f"ws://127.0.0.1:{port}/chat"
        finally:
            scripts.closing.set()
            server.shutdown()
            thread.join(10)


@contextmanager
def http_feed(scripts: Scripts) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            script = scripts.next()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for item in script:
                if item is HOLD:
                    scripts.closing.wait()
                    break
                data = (item if isinstance(item, bytes) else str(item).encode()) + b"\n"
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
            self.close_connection = True  # no final chunk: the feed drops mid-stream

        def log_message(self, *args: object) -> None:
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/chat"
    finally:
        scripts.closing.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
