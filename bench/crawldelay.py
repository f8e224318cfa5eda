"""One site that asks for more than a run can give, among 100 (issue 27, item 5).

    python bench/crawldelay.py [--replicas 25]

Serves bench/crawl.py's 100 demo sites and one more, "slow", whose robots.txt says
`Crawl-delay: 600` over a home page and 3 articles. Crawls all 101 with `krnews crawl`'s own
code path (bench/crawl.py's timed run) and our defaults but for the demo's delay (0, as in
bench/crawl.py), so the slow site is crawled at the cap (`[crawl] max_crawl_delay`, 30 s).
Prints the run's wall time against the larger of what the other 100 sites need (the time of
their last request) and the slow site's requests x the cap (target: at most 10 % more), the
slow site's request gaps, and the warnings that name it (target: one).
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from crawl import FULL, SETTINGS, _serve, _served  # bench/crawl.py

CAP = 30.0  # crawler/crawl/settings.py KRNEWS_MAX_CRAWL_DELAY, the default
ARTICLES = (1, 2, 3)


def _page(path: str) -> tuple[int, bytes]:
    if path == "/robots.txt":
        return 200, b"User-agent: *\nCrawl-delay: 600\n"
    links = "".join(f'<li><a href="/news/view.php?no={n}">느린 소식 {n}</a></li>' for n in ARTICLES)
    if path == "/":
        head = '<html lang="ko"><head><meta charset="utf-8"><title>느린신문</title></head>'
        return 200, f"{head}<body><ul>{links}</ul></body></html>".encode()
    for n in ARTICLES:
        if path == f"/news/view.php?no={n}":
            body = "".join(
                f"<p>느린신문 {n}번 기사의 {k}번째 문단이다. 시는 주민 의견을 모아 계획을 "
                f"확정하겠다고 밝혔다.</p>"
                for k in range(1, 7)
            )
            return 200, (
                f'<html lang="ko"><head><meta charset="utf-8"><title>느린 소식 {n} - 느린신문'
                f'</title><meta property="og:type" content="article"></head><body><article>'
                f'<h1>느린 소식 {n}</h1><div class="byline">김느림 기자 | 입력 2026.12.0{n} '
                f'09:00</div><div id="article-body">{body}</div></article></body></html>'
            ).encode()
    return 404, b"not found"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.server.log.append((time.monotonic(), self.path))  # type: ignore[attr-defined]
        status, body = _page(self.path)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=25, help="copies of the 4 demo sites")
    args = parser.parse_args()
    slow = ThreadingHTTPServer(("127.0.0.99", 0), _Handler)
    slow.daemon_threads = True
    slow.log = []  # type: ignore[attr-defined]
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    servers, sites = _serve(args.replicas)
    sites.append({"name": "slow", "home": f"http://127.0.0.99:{slow.server_address[1]}/"})
    try:
        with tempfile.TemporaryDirectory() as tmp:
            toml = Path(tmp) / "sites.toml"
            toml.write_text(
                "".join(f'[[site]]\nname = "{s["name"]}"\nhome = "{s["home"]}"\n\n' for s in sites)
            )
            code = FULL.format(root=str(ROOT), sites=str(toml), db=f"{tmp}/n.db", settings=SETTINGS)
            started = time.monotonic()
            last = [started, 0]  # when the demo sites' request count last grew, and the count
            done = threading.Event()

            def watch() -> None:
                while not done.wait(0.1):
                    count = _served(servers)
                    if count != last[1]:
                        last[:] = [time.monotonic(), count]

            threading.Thread(target=watch, daemon=True).start()
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
            )
            done.set()
            if out.returncode != 0:
                raise SystemExit(f"crawl failed:\n{out.stderr[-3000:]}")
            run = json.loads(out.stdout.strip().splitlines()[-1])
            others = last[0] - started
    finally:
        for demo in servers:
            demo.close()
        slow.shutdown()
    times = [t for t, _path in slow.log]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    bound = max(others, (len(times) - 1) * CAP)
    warnings = [line for line in out.stderr.splitlines() if "slow:" in line and "WARNING" in line]
    print(
        f"101 sites: wall {run['seconds']:.1f} s, the other 100 sites' last request at "
        f"{others:.1f} s, the slow site {len(times)} requests x {CAP:g} s cap = "
        f"{(len(times) - 1) * CAP:.0f} s after its first; wall / max = {run['seconds'] / bound:.2f} "
        f"(target <= 1.10), exit {run['exit']}"
    )
    print(f"slow site's gaps: {[round(g, 1) for g in gaps]} (cap {CAP:g} s)")
    print(f"warnings naming it ({len(warnings)}, target 1):")
    for line in warnings:
        print("  " + line)


if __name__ == "__main__":
    main()
