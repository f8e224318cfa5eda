"""What the test sites share: a quiet HTTP/1.1 handler that answers with a status, a body, a
type and headers, and a threaded server that records the paths it was asked for."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle on, a kept-alive connection
    # waits for the client's delayed ACK (~40 ms) before every body.
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:
        pass

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class RecordingServer(ThreadingHTTPServer):
    """Serves on (host, an ephemeral port); `log` holds (time.monotonic(), path) per request."""

    daemon_threads = True

    def __init__(self, host: str, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__((host, 0), handler)
        self.base = f"http://{host}:{self.server_address[1]}"
        self.log: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def record(self, path: str) -> None:
        with self._lock:
            self.log.append((time.monotonic(), path))

    @property
    def paths(self) -> list[str]:
        with self._lock:
            return [path for _t, path in self.log]

    def start(self) -> None:
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
