"""A news site that misbehaves in every way cron will meet, on its own 127.0.0.x address.

Good articles are real NDSoft pages (rendered by the demo family); every other link is a fault.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Self

from crawler.demo.render import render_article
from tests.servers import QuietHandler

GOOD = {1: 0, 2: 1, 3: 2}  # idxno -> index of a hangang-ilbo demo article
# idxno -> (fault kind the crawler must record, or None when the page must end up stored)
FAULTS = {
    9001: "timeout",  # the server accepts and then says nothing
    9002: "connection_reset",  # RST instead of an answer
    9003: "http_5xx",  # 500 on every try
    9004: "http_404",
    9005: "http_410",
    9006: "truncated",  # Content-Length promises more than arrives
    9007: "redirect_loop",  # 9007 -> 9008 -> 9007
    9009: "too_large",  # a declared 50 MB page
    9010: "not_html",  # a PDF where an article was linked
    9011: None,  # says UTF-8, is CP949: must be decoded right and stored
    9012: None,  # 503 once, then fine: the retry must store it
    9013: "too_large",  # no Content-Length, streams past the size cap
}
HANG_SECONDS = 8


def article_path(idxno: int) -> str:
    return f"/news/articleView.html?idxno={idxno}"


def _home(good_only: bool = False) -> bytes:
    ids = list(GOOD) if good_only else [*GOOD, *FAULTS]
    links = "".join(f'<li><a href="{article_path(i)}">기사 {i}</a></li>' for i in ids)
    return (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>장애신문</title>'
        f'</head><body><h1>장애신문</h1><ul class="article-list">{links}</ul></body></html>'
    ).encode()


def _good(idxno: int) -> bytes:
    _path, body, _headers = render_article("hangang-ilbo", GOOD[idxno])
    return body


def _lying_charset() -> bytes:
    """A hangang-ilbo page re-encoded in CP949 while its <meta> still says UTF-8."""
    _path, body, _headers = render_article("hangang-ilbo", 3)
    return body.decode("utf-8").encode("cp949", errors="xmlcharrefreplace")


class _Handler(QuietHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.record(self.path, self.headers.get("User-Agent"))
        mode = self.server.mode
        if self.path == "/robots.txt":
            if mode == "robots404":
                return self._send(404, b"not found", "text/plain")
            if mode == "robots500":
                return self._send(500, b"oops", "text/plain")
            if mode == "crawldelay":
                return self._send(200, b"User-agent: *\nCrawl-delay: 1\n", "text/plain")
            return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if self.path == "/":
            return self._send(200, _home(good_only=mode in ("good", "crawldelay")))
        if not self.path.startswith("/news/articleView.html?idxno="):
            return self._send(404, b"<html><body>404</body></html>")
        idxno = int(self.path.rsplit("=", 1)[1])
        if idxno in GOOD:
            return self._send(200, _good(idxno))
        return self._fault(idxno)

    def _fault(self, idxno: int) -> None:
        if idxno == 9001:
            time.sleep(HANG_SECONDS)
            self.close_connection = True
            return None
        if idxno == 9002:
            # SO_LINGER 0: close() sends RST instead of FIN, a real connection reset, before
            # a byte of the answer (a reset in mid-body is the truncated case).
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return None
        if idxno == 9003:
            return self._send(500, b"<html><body>Internal Server Error</body></html>")
        if idxno == 9004:
            return self._send(404, b"<html><body>Not Found</body></html>")
        if idxno == 9005:
            return self._send(410, b"<html><body>Gone</body></html>")
        if idxno == 9006:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "50000")
            self.end_headers()
            self.wfile.write(_good(1)[:3000])
            self.wfile.flush()
            self.close_connection = True
            return None
        if idxno in (9007, 9008):
            target = article_path(9008 if idxno == 9007 else 9007)
            return self._send(302, b"", headers={"Location": target})
        if idxno == 9009:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"<p>" + b"a" * 1020 + b"</p>")
            except OSError:
                pass
            self.close_connection = True
            return None
        if idxno == 9013:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"b" * 65530 + b"</p>"
            try:
                for _ in range(12 * 16 + 8):  # a little over 12 MiB
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
            return None
        if idxno == 9010:
            return self._send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf")
        if idxno == 9011:
            return self._send(200, _lying_charset(), "text/html")
        if idxno == 9012:
            if self.server.flaky_served:
                return self._send(200, _good_flaky())
            self.server.flaky_served = True
            return self._send(503, b"busy", "text/plain", {"Retry-After": "1"})
        return self._send(404, b"no such fault")


def _good_flaky() -> bytes:
    _path, body, _headers = render_article("hangang-ilbo", 4)
    return body


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, mode: str):
        super().__init__(address, _Handler)
        self.mode = mode
        self.flaky_served = False
        self.paths: list[str] = []
        self.times: list[float] = []
        self.agents: set[str | None] = set()
        self._lock = threading.Lock()

    def record(self, path: str, agent: str | None = None) -> None:
        with self._lock:
            self.paths.append(path)
            self.times.append(time.monotonic())
            self.agents.add(agent)


class FaultSite:
    """`mode`: "faults" (every fault above); "robots404", "robots500" or "crawldelay" (only
    robots.txt differs); "good" (the home page links only the good articles)."""

    def __init__(self, host: str = "127.0.0.30", mode: str = "faults"):
        self.server = _Server((host, 0), mode)
        self.home = f"http://{host}:{self.server.server_address[1]}/"

    def __enter__(self) -> Self:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def paths(self) -> list[str]:
        with self.server._lock:
            return list(self.server.paths)
