"""A small NDSoft-shaped site for the runs that stop early (issue 12), on its own 127.0.0.x.

One section of LIST_PAGES list pages (three articles each; the last page's articles linked from
nowhere else) and an RSS feed of the articles of the first pages. List pages answer after
`list_delay` seconds, so that a crawl has stored the feed's articles before it reads the deeper
list pages. With `trickle` on, the articles numbered above `fast` send their body one byte every
half second (a server that never quite answers). Feed and list pages carry ETags and answer 304.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qsl

from crawler.demo.render import render_article

LIST_PAGES = 3
PER_PAGE = 3
ARTICLES = LIST_PAGES * PER_PAGE  # hangang-ilbo has 15 demo articles to render
FEED_ARTICLES = (LIST_PAGES - 1) * PER_PAGE
SECTION = "/news/articleList.html?sc_section_code=S1N1"


def article_path(idxno: int) -> str:
    return f"/news/articleView.html?idxno={idxno}"


def _page(title: str, links: list[str], head: str = "") -> bytes:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{title}</title>'
        f'{head}</head><body><h1>{title}</h1><ul class="article-list">{items}</ul></body></html>'
    ).encode()


def _list_page(n: int) -> bytes:
    first = (n - 1) * PER_PAGE + 1
    links = [(article_path(i), f"기사 {i}") for i in range(first, first + PER_PAGE)]
    if n < LIST_PAGES:
        links.append((f"{SECTION}&amp;page={n + 1}", "다음"))
    return _page(f"사회 {n}쪽", links)


def _feed() -> bytes:
    items = "".join(
        f"<item><title>기사 {i}</title><link>BASE{article_path(i)}</link></item>"
        for i in range(1, FEED_ARTICLES + 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>목록신문'
        f"</title>{items}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, *args) -> None:
        pass

    def _send(self, body: bytes, ctype: str = "text/html; charset=utf-8", etag: bool = False):
        tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"' if etag else None
        if tag and self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if tag:
            self.send_header("ETag", tag)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        server = self.server
        server.record(self.path)
        if self.path == "/robots.txt":
            return self._send(b"User-agent: *\nAllow: /\n", "text/plain")
        if self.path == "/":
            head = '<link rel="alternate" type="application/rss+xml" href="/rss/allArticle.xml">'
            return self._send(_page("목록신문", [(SECTION, "사회")], head))
        if self.path == "/rss/allArticle.xml":
            body = _feed().replace(b"BASE", server.base.encode())
            return self._send(body, "application/rss+xml; charset=utf-8", etag=True)
        path, _, query = self.path.partition("?")
        params = dict(parse_qsl(query))
        keys = [k for k, _v in parse_qsl(query)]
        in_order = keys == [k for k in ("sc_section_code", "view_type", "page") if k in keys]
        if path == SECTION.split("?")[0] and params.get("sc_section_code") == "S1N1" and in_order:
            # Only in the order the site's links write (a server keyed by the raw target).
            time.sleep(server.list_delay)
            return self._send(_list_page(int(params.get("page", 1))), etag=True)
        if self.path.startswith("/news/articleView.html?idxno="):
            idxno = int(self.path.rsplit("=", 1)[1])
            if 1 <= idxno <= ARTICLES:
                return self._article(idxno)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _article(self, idxno: int) -> None:
        _path, body, _headers = render_article("hangang-ilbo", idxno - 1)
        if not (self.server.trickle and idxno > self.server.fast):
            self._send(body)
            self.server.completed(self.path)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:  # the crawler gave up on us
            pass
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address):
        super().__init__(address, _Handler)
        self.base = f"http://{address[0]}:{self.server_address[1]}"
        self.list_delay = 0.0
        self.trickle = False
        self.fast = 0
        self.paths: list[str] = []
        self.done: list[str] = []
        self._lock = threading.Lock()

    def record(self, path: str) -> None:
        with self._lock:
            self.paths.append(path)

    def completed(self, path: str) -> None:
        with self._lock:
            self.done.append(path)


class ListSite:
    def __init__(self, host: str, *, list_delay: float = 0.0, trickle: bool = False, fast: int = 0):
        self.server = _Server((host, 0))
        self.server.list_delay, self.server.trickle, self.server.fast = list_delay, trickle, fast
        self.home = self.server.base + "/"

    def __enter__(self) -> Self:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, idxno: int) -> str:
        return self.server.base + article_path(idxno)

    @property
    def completed(self) -> list[str]:
        with self.server._lock:
            return [self.server.base + p for p in self.server.done]

    def set_trickle(self, on: bool) -> None:
        self.server.trickle = on
