"""`bench/crawl.py --wide`: many small sites at a real delay (issue 27, item 4).

    python bench/crawl.py --wide [--wide-sites 1000] [--repeat 2] [--redis redis://HOST:PORT/N]

Serves `sites` tiny news sites, each on its own loopback address (127.20.x.y: Scrapy keeps one
download slot per host name, so a site is an address), from one asyncio server in a thread: one
listening socket a site and no thread per site or connection. A site has robots.txt, a home page
and 2-4 articles (generated here: Korean text, the common `articleView.html?idxno=N` shape).
The crawl is `krnews crawl`'s own code path (run_crawl) in its own process, with our defaults
and `DOWNLOAD_DELAY = 1.0`. The server logs every request's time per site; the bench prints

- the politeness bound: the busiest site's (requests - 1) x delay, the least time any polite
  crawl of these sites needs, and the run's CPU time (its process, getrusage);
- wall time against the larger of the two (target <= 1.2x);
- whether every site was crawled (every article stored) and the smallest gap between two
  requests to one site (target: never below the delay).

With `--redis` (a database the bench may empty), each repeat also crawls the same sites with
`krnews crawl --redis --workers 2` (bench/workers.py's timed run), scored the same way; its CPU
is the ingester's, the workers' and Redis's.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DELAY = 1.0
KST = timezone(timedelta(hours=9))

# Our defaults (crawler/crawl/settings.py) but for the delay the bench is about.
SETTINGS = {"DOWNLOAD_DELAY": DELAY, "LOG_LEVEL": "WARNING"}

# Common Hangul syllables: each article's words are drawn from them at random, so no two bodies
# share sentences or many 5-grams (a templated body would make every article a near-duplicate
# of the others and the bench would measure the dedup of one huge cluster, not a wide crawl).
_SYLLABLES = (
    "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추시지기리이"
)
_PLACES = ["시청", "구의회", "교육지원청", "소방서", "보건소", "주민센터", "도서관", "시장"]
_ENDS = ["고 밝혔다.", "고 전했다.", "고 설명했다.", "고 말했다.", "다."]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def _article(site: int, number: int) -> tuple[str, str]:
    """(title, body paragraphs) of one generated article, fixed by its site and number."""
    rng = random.Random(site * 1000 + number)
    title = f"{rng.choice(_PLACES)}, {_word(rng)} {_word(rng)} 개선안 발표"
    paragraphs = []
    for _ in range(5):
        sentences = [
            f"{rng.choice(_PLACES)}은 "
            + " ".join(_word(rng) for _ in range(rng.randint(6, 10)))
            + rng.choice(_ENDS)
            for _ in range(3)
        ]
        paragraphs.append(" ".join(sentences))
    return title, "".join(f"<p>{p}</p>\n" for p in paragraphs)


class WideSite:
    def __init__(self, index: int, host: str) -> None:
        self.index, self.host, self.port = index, host, 0
        self.articles = [1000 + k for k in range(2 + index % 3)]
        self.log: list[tuple[float, str]] = []
        # Each page made once: the server shares the machine's two cores with the crawl, and
        # generating an article's text for every request made it the slowest part of the run.
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.published = (datetime.now(KST) - timedelta(hours=2)).isoformat(timespec="seconds")

    def answer(self, path: str) -> tuple[int, str, bytes]:
        page = self.pages.get(path)
        if page is None:
            page = self.pages[path] = self.page(path)
        return page

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def article_url(self, number: int) -> str:
        return f"{self.base}/news/articleView.html?idxno={number}"

    def page(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /admin/\n"
        name = f"동네소식 {self.index}"
        published = self.published
        if path == "/":
            items = "".join(
                f'<li><a href="/news/articleView.html?idxno={n}">{_article(self.index, n)[0]}</a></li>'
                for n in self.articles
            )
            html = f"<ul class='news-list'>{items}</ul>"
            return 200, "text/html", _html(name, name, html, "website", published)
        for number in self.articles:
            if path == f"/news/articleView.html?idxno={number}":
                title, body = _article(self.index, number)
                html = (
                    f"<article><h1>{title}</h1><div class='byline'>홍길동 기자 · {published}</div>"
                    f"<div id='article-body'>{body}</div></article>"
                )
                return 200, "text/html", _html(name, title, html, "article", published)
        return 404, "text/plain", b"not found\n"


def _html(site: str, title: str, main: str, kind: str, published: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{title} - {site}'
        f'</title><meta property="og:type" content="{kind}">'
        f'<meta property="article:published_time" content="{published}"></head><body>'
        f'<header><a href="/">{site}</a></header><main>{main}</main>'
        f"<footer>Copyright © {site}. All rights reserved.</footer></body></html>"
    ).encode()


class WideServer:
    """Every site from one asyncio loop in one thread, each on its own address."""

    def __init__(self, count: int) -> None:
        self.sites = [WideSite(i, f"127.20.{i // 250}.{1 + i % 250}") for i in range(count)]
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._servers: list[asyncio.Server] = []

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._bind(), self.loop).result(timeout=60)

    async def _bind(self) -> None:
        for site in self.sites:
            server = await asyncio.start_server(
                lambda r, w, s=site: self._serve(s, r, w), site.host, 0
            )
            site.port = server.sockets[0].getsockname()[1]
            self._servers.append(server)

    async def _serve(self, site: WideSite, reader, writer) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                site.log.append((time.monotonic(), ""))
                lines = head.decode("latin-1").split("\r\n")
                method, path = lines[0].split(" ")[:2]
                site.log[-1] = (site.log[-1][0], path)
                status, kind, body = site.answer(path)
                reason = "OK" if status == 200 else "Not Found"
                writer.write(
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + (body if method != "HEAD" else b"")
                )
                await writer.drain()
                if any(line.lower() == "connection: close" for line in lines):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def clear(self) -> None:
        for site in self.sites:
            site.log.clear()

    def close(self) -> None:
        async def stop() -> None:
            for server in self._servers:
                server.close()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


def _wide_run(server: WideServer, tmp: Path, rep: int, redis: str | None = None) -> dict:
    """One crawl of the sites: `krnews crawl` in one process, or with `redis`, the ingester
    and two workers (bench/workers.py's timed run), scored by the same checks."""
    from assembled import stored_urls  # bench/assembled.py

    from crawler.crawl.urls import url_key

    sites_toml = tmp / "wide.toml"
    sites_toml.write_text(
        "".join(
            f'[[site]]\nname = "wide-{s.index:04d}"\nhome = "{s.base}/"\n\n' for s in server.sites
        )
    )
    db = str(tmp / f"wide{rep}{'w' if redis else ''}.db")
    server.clear()
    from crawl import FULL  # bench/crawl.py's own timed `krnews crawl` run

    if redis:
        from workers import WORKERS, _clear, _redis_cpu  # bench/workers.py

        _clear(redis)
        before = _redis_cpu(redis)
        code = WORKERS.format(
            root=str(ROOT), sites=str(sites_toml), db=db, url=redis, workers=2, settings=SETTINGS
        )
    else:
        code = FULL.format(root=str(ROOT), sites=str(sites_toml), db=db, settings=SETTINGS)
    served = time.process_time()  # this process only serves while the crawl runs
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    served = time.process_time() - served
    if out.returncode != 0:
        raise SystemExit(f"wide crawl failed:\n{out.stderr[-3000:]}")
    run = json.loads(out.stdout.strip().splitlines()[-1])
    run["server_cpu"] = served
    if redis:
        run["cpu"] += _redis_cpu(redis) - before  # the shared frontier's CPU is the run's too
    stored = {url_key(url) for url in stored_urls(db)}
    gaps: list[tuple[float, str, str]] = []  # (gap, path before, path after), one site
    missed, busiest, requests = 0, 0, 0
    for site in server.sites:
        log = sorted(site.log)
        requests += len(log)
        busiest = max(busiest, len(log))
        gaps += [(b[0] - a[0], a[1], b[1]) for a, b in pairwise(log)]
        if any(url_key(site.article_url(n)) not in stored for n in site.articles):
            missed += 1
    worst = min(gaps, default=(float("inf"), "", ""))
    run.update(
        requests=requests,
        busiest=busiest,
        bound=(busiest - 1) * DELAY,
        missed=missed,
        min_gap=worst[0],
        worst=f"{worst[1]} -> {worst[2]}",
        short_gaps=sum(gap < DELAY for gap, _a, _b in gaps),
        # Below the delay by more than 50 ms: more than the jitter of one reactor turn.
        very_short=sum(gap < DELAY - 0.05 for gap, _a, _b in gaps),
    )
    return run


def main_wide(count: int, repeat: int, redis: str | None = None) -> None:
    """One process, then (with `redis`) two workers, alternated `repeat` times."""
    server = WideServer(count)
    server.start()
    modes = {"one process": None, "two workers": redis} if redis else {"one process": None}
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for rep in range(repeat):
                for mode, url in modes.items():
                    runs[mode].append(_wide_run(server, Path(tmp), rep, url))
    finally:
        server.close()
    for mode, done in runs.items():
        for rep, run in enumerate(done, 1):
            print(
                f"{mode} run {rep}: {run['seconds']:6.1f} s wall, CPU {run['cpu']:6.1f} s "
                f"(the sites' server {run['server_cpu']:.1f} s more), "
                f"{run['requests']} requests, busiest site {run['busiest']}, "
                f"bound {run['bound']:.1f} s, min gap {run['min_gap']:.3f} s, "
                f"{run['short_gaps']} gaps < {DELAY} s ({run['very_short']} < "
                f"{DELAY - 0.05:.2f} s; shortest {run['worst']}), sites not fully crawled "
                f"{run['missed']}, peak RSS {run['maxrss_kb'] / 1024:.0f} MiB, exit {run['exit']}"
            )
    for mode, done in runs.items():
        wall, cpu, bound = (
            statistics.median(r[k] for r in done) for k in ("seconds", "cpu", "bound")
        )
        floor = max(bound, cpu)
        print(
            f"{mode}, {count} sites, delay {DELAY} s: wall {wall:.1f} s, politeness bound "
            f"{bound:.1f} s, CPU {cpu:.1f} s; wall / max(bound, CPU) = {wall / floor:.2f}  "
            f"(target <= 1.2, median of {len(done)})"
        )
    if not redis:
        print("two workers: not run (give --redis redis://HOST:PORT/N, a database it may empty)")
