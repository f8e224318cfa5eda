"""A large NDSoft site (hundreds of articles, long paginated sections) made from the demo's own
family code, for incremental-crawl figures that a 15-article demo site cannot show."""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demo.content import Article, site_by_name
from crawler.demo.families import family_of
from crawler.demo.families.base import View


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    # Random 2-3 syllable Hangul words: distinct stories share few character 5-grams, as real
    # ones do (a small vocabulary would make every article a near-duplicate of every other).
    return [
        "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.choice((2, 3))))
        for _ in range(size)
    ]


def big_site(n: int = 400, seed: int = 7):
    base = site_by_name("hangang-ilbo")
    rng = random.Random(seed)
    words = _vocabulary(rng)
    sections = list(base.sections)
    articles = []
    for i in range(n):
        day, minute = divmod(i, 24)
        paragraphs = tuple(
            " ".join(rng.choice(words) for _ in range(28)) + f" 기사{i}의 {p}번째 문단이다."
            for p in range(4)
        )
        articles.append(
            Article(
                30000 + i,
                sections[i % len(sections)],
                f"고양 소식 {i}번 {rng.choice(words)} {rng.choice(words)}",
                None,
                "홍길동",
                f"2026-{9 + day // 30:02d}-{1 + day % 30:02d} {minute:02d}:{i % 60:02d}",
                paragraphs,
                email="hong@hangangilbo.co.kr",
            )
        )
    return replace(base, name="big-ilbo", articles=tuple(articles))


class BigSite:
    def __init__(self, host: str = "127.0.0.36", n: int = 400):
        site = big_site(n)
        family = family_of(site)
        paths: list[str] = []
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: with Nagle on, a kept-alive connection
            # waits for the client's delayed ACK (~40 ms) before every body.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_GET(self):
                with lock:
                    paths.append(self.path)
                response = family.respond(View(site, self.server.base), self.path)
                body = response.body
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.server.base = f"http://{host}:{self.server.server_address[1]}"
        self.home = self.server.base + "/"
        self.site = site
        self._paths, self._lock = paths, lock

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def paths(self) -> list[str]:
        with self._lock:
            return list(self._paths)
