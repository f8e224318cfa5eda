"""What an analyst waits for: a cold `krnews search`, a cold Datasette's first searches.

    python bench/analyst.py --db /tmp/krnews-store-bench.db      # a store from bench/store.py

1. `python -m crawler search QUERY --db DB` as a new process per query: wall time and peak
   memory (max RSS) of each (targets: <= 0.5 s, <= 150 MB).
2. `datasette DB` started fresh: the time from start to the first answer of the table search
   box (`/db/articles.json?_search=`) and of each canned query, with Datasette's default 1 s
   SQL time limit (an answer over it is a 400 error, printed as such).

The code measured is the one `python -m crawler` imports: set PYTHONPATH to measure another
checkout (how the "before" figures of issue 13 were taken).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

QUERIES = ["고양시", "고양시에서", "축제를", "시장", "2027년", "코로나19"]
CANNED = {"search": {"q": "고양시 축제"}}


def run_measured(command: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def cold_search(db: Path) -> None:
    print(f"== 1. cold `krnews search` processes on {db}")
    walls, peaks = [], []
    for query in QUERIES:
        wall, peak, code = run_measured(
            [sys.executable, "-m", "crawler", "search", query, "--db", str(db)]
        )
        walls.append(wall)
        peaks.append(peak)
        print(f"  {query:12} {wall:6.2f} s  {peak:6.0f} MB  exit {code}")
    print(f"median {statistics.median(walls):.2f} s, max {max(walls):.2f} s wall; "
          f"peak memory max {max(peaks):.0f} MB  (targets <= 0.5 s, <= 150 MB)")  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def cold_datasette(db: Path) -> None:
    print(f"\n== 2. a cold `datasette {db.name}`: first answers (default 1 s SQL limit)")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/{db.stem}"
    try:
        started = time.perf_counter()
        while True:
            try:
                fetch(f"http://127.0.0.1:{port}/-/versions.json")
                break
            except OSError:
                if time.perf_counter() - started > 60:
                    raise
                time.sleep(0.1)
        print(f"  started in {time.perf_counter() - started:.2f} s")
        search = urllib.parse.urlencode({"_search": "고양시", "_size": 20})
        status, seconds = fetch(f"{base}/articles.json?{search}")
        print(f"  first table search ?_search=고양시   HTTP {status} in {seconds * 1000:7.0f} ms")
        status, seconds = fetch(f"{base}/articles.json?{search}")
        print(f"  second table search                 HTTP {status} in {seconds * 1000:7.0f} ms")
        queries = json.loads(urllib.request.urlopen(f"{base}.json", timeout=60).read())["queries"]
        for query in queries:
            params = CANNED.get(query["name"]) or dict.fromkeys(query.get("params") or [], "1")
            if "since" in params:
                params.update(since="2020-01-01", until="2030-01-01")
            if "site" in params:
                params["site"] = "site-1"
            status, seconds = fetch(f"{base}/{query['name']}.json?{urllib.parse.urlencode(params)}")
            print(f"  canned {query['name']:28} HTTP {status} in {seconds * 1000:7.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/krnews-store-bench.db"))
    parser.add_argument("--skip", choices=["search", "datasette"], action="append")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"no store at {args.db}: build one with bench/store.py")
    skip = set(args.skip or ())
    if "search" not in skip:
        cold_search(args.db)
    if "datasette" not in skip:
        cold_datasette(args.db)


if __name__ == "__main__":
    main()
