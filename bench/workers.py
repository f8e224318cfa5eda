"""Two scrapy-redis workers against one process, on bench/crawl.py's 100 demo sites (issue 27).

    python bench/workers.py [--replicas 25] [--repeat 2] [--workers 2]
                            [--redis redis://127.0.0.1:6390/5]

Serves bench/crawl.py's replicas of the demo sites (its own serving code, imported), crawls
them once untimed (the servers render each page once), then alternates, `repeat` times, a one-process `krnews crawl` (run_crawl) and `krnews crawl --redis
--workers K` (the ingester, which starts K worker processes), each with bench/crawl.py's
settings and a fresh store. Prints, as medians: pages/s (pages counted by the servers), pages per
CPU-second (the ingester and its workers, and with Redis's own CPU beside it), peak RSS of each
worker and of the ingester (target <= 200 MiB each; a worker's from /proc's VmHWM, polled), the
ratio of pages/s (target >= 1.7x) and whether the stored set (each article's URL and the URL
of the article it is a copy of) equals the one-process crawl's.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from crawl import FULL, SETTINGS, _run, _serve, _served  # bench/crawl.py

WORKERS = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from crawler.crawl.sites import load_config
from crawler.distributed.cli import run_ingester
config = load_config({sites!r})
start = time.perf_counter()
code, summary = run_ingester({url!r}, config, {db!r}, workers={workers}, overrides={settings!r})
elapsed = time.perf_counter() - start
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": elapsed, "exit": code, "articles": summary.get("articles"),
                  "cpu_ingester": me.ru_utime + me.ru_stime,
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                  "maxrss_kb": me.ru_maxrss, "workers_maxrss_kb": kids.ru_maxrss}}))
"""


def _stored(db: str) -> tuple[set[str], set[frozenset[str]]]:
    """The stored URLs, and the clusters as sets of URLs (which member is the original
    depends on which copy was stored first, so it is not compared)."""
    with sqlite3.connect(db) as conn:
        pairs = list(
            conn.execute(
                "SELECT a.url, coalesce(d.url, a.url) FROM articles a "
                "LEFT JOIN articles d ON d.id = a.dup_of"
            )
        )
    clusters: dict[str, set[str]] = {}
    for url, head in pairs:
        clusters.setdefault(head, {head}).add(url)
    return {url for url, _ in pairs}, {frozenset(c) for c in clusters.values()}


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _redis_cpu(url: str) -> float:
    import redis

    info = redis.Redis.from_url(url).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def _distributed(code: str, url: str) -> dict:
    """The ingester in its own process, its workers' peak RSS polled from /proc while it runs."""
    peaks: dict[int, int] = {}
    cpu_before = _redis_cpu(url)
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for pid in _children(proc.pid):
                peaks[pid] = max(peaks.get(pid, 0), _hwm_kb(pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    done.set()
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"bench subprocess failed:\n{err[-3000:]}")
    run = json.loads(out.strip().splitlines()[-1])
    run["redis_cpu"] = _redis_cpu(url) - cpu_before
    run["worker_peaks_kb"] = sorted(peaks.values(), reverse=True)
    run["worker_peak_kb"] = max([run["workers_maxrss_kb"], *peaks.values()])
    return run


def _clear(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=25, help="copies of the 4 demo sites")
    parser.add_argument("--repeat", type=int, default=2, help="pairs of runs; medians printed")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--redis",
        default=os.environ.get("KRNEWS_BENCH_REDIS", "redis://127.0.0.1:6390/5"),
        help="a Redis database the bench may empty",
    )
    args = parser.parse_args()
    ones: list[dict] = []
    twos: list[dict] = []
    same: list[bool] = []
    servers, sites = _serve(args.replicas)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sites_toml = Path(tmp) / "sites.toml"
            sites_toml.write_text(
                "".join(f'[[site]]\nname = "{s["name"]}"\nhome = "{s["home"]}"\n\n' for s in sites)
            )
            # An untimed crawl first: the demo servers render a page once (crawler/demo/
            # server.py), so without it the first timed run alone would pay for rendering.
            _run(
                FULL.format(
                    root=str(ROOT),
                    sites=str(sites_toml),
                    db=str(Path(tmp) / "warm.db"),
                    settings=SETTINGS,
                )
            )
            for rep in range(args.repeat):
                db = str(Path(tmp) / f"one{rep}.db")
                before, served = _served(servers), time.process_time()
                one = _run(
                    FULL.format(root=str(ROOT), sites=str(sites_toml), db=db, settings=SETTINGS)
                )
                one["pages"] = _served(servers) - before
                one["server_cpu"] = time.process_time() - served  # this process only serves
                ones.append(one)
                db2 = str(Path(tmp) / f"two{rep}.db")
                _clear(args.redis)
                before = _served(servers)
                code = WORKERS.format(
                    root=str(ROOT),
                    sites=str(sites_toml),
                    db=db2,
                    url=args.redis,
                    workers=args.workers,
                    settings=SETTINGS,
                )
                served = time.process_time()
                two = _distributed(code, args.redis)
                two["pages"] = _served(servers) - before
                two["server_cpu"] = time.process_time() - served  # and polls /proc
                twos.append(two)
                (urls1, clusters1), (urls2, clusters2) = _stored(db), _stored(db2)
                same.append(urls1 == urls2 and clusters1 == clusters2)
                if not same[-1]:
                    print(
                        f"  differs: {len(urls1 ^ urls2)} URLs, "
                        f"{len(clusters1 ^ clusters2)} clusters not in both"
                    )
                print(
                    f"run {rep + 1}: one process {one['seconds']:6.2f} s {one['pages']} pages "
                    f"CPU {one['cpu']:6.2f} s {one['maxrss_kb'] / 1024:6.1f} MiB | "
                    f"{args.workers} workers {two['seconds']:6.2f} s {two['pages']} pages "
                    f"CPU {two['cpu']:6.2f} s (+Redis {two['redis_cpu']:.2f} s) ingester "
                    f"{two['maxrss_kb'] / 1024:6.1f} MiB workers "
                    f"{[round(k / 1024, 1) for k in two['worker_peaks_kb']]} MiB | "
                    f"same stored set: {same[-1]}",
                    flush=True,
                )
    finally:
        for demo in servers:
            demo.close()
    _report(ones, twos, same, args.workers, len(sites))


def _report(ones: list[dict], twos: list[dict], same: list[bool], workers: int, sites: int) -> None:
    def med(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    rate = lambda r: r["pages"] / r["seconds"]
    per_cpu = lambda r: r["pages"] / r["cpu"]
    with_redis = lambda r: r["pages"] / (r["cpu"] + r.get("redis_cpu", 0.0))
    for name, runs in (("one process", ones), (f"{workers} workers  ", twos)):
        print(
            f"{name}: {med(runs, 'pages'):.0f} pages on {sites} sites  "
            f"{statistics.median(map(rate, runs)):7.1f} pages/s  "
            f"{statistics.median(map(per_cpu, runs)):6.1f} pages/CPU-s "
            f"({statistics.median(map(with_redis, runs)):6.1f} with Redis's CPU)  "
            f"peak RSS {med(runs, 'maxrss_kb') / 1024:6.1f} MiB  (median of {len(runs)})"
        )
    print(
        f"peak RSS per worker {med(twos, 'worker_peak_kb') / 1024:.1f} MiB, ingester "
        f"{med(twos, 'maxrss_kb') / 1024:.1f} MiB  (target <= 200 MiB each)"
    )
    print(
        f"the demo sites' servers (this process) used {med(ones, 'server_cpu'):.1f} s of CPU "
        f"beside one process, {med(twos, 'server_cpu'):.1f} s beside {workers} workers: on one "
        "machine they share its cores with the crawl"
    )
    ratio = statistics.median(map(rate, twos)) / statistics.median(map(rate, ones))
    print(f"ratio {workers} workers / one process pages/s: {ratio:.2f}  (target >= 1.7)")
    print(f"same stored set (URLs and clusters) as one process: {same}")


if __name__ == "__main__":
    main()
