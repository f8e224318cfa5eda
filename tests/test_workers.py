"""A crawl on two scrapy-redis workers and one ingester (crawler/distributed/, issue 27), on a
real Redis (KRNEWS_TEST_REDIS, started by .ci/run): the same stored set as one process, each
site's requests never closer than its delay across the workers, robots.txt once a site, and the
faults: Redis unreachable, the store locked, a worker killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from itertools import pairwise

import pytest

from crawler.crawl.lock import CrawlLock
from crawler.demo.server import DemoSites
from tests.conftest import ROOT, krnews, rows, write_sites

REDIS = os.environ.get("KRNEWS_TEST_REDIS", "")
DELAY = 0.2
POLITE = f"""
[crawl]
download_delay = {DELAY}
autothrottle = false
concurrency_per_site = 2
timeout = 3
retries = 1
"""


def _redis_up() -> bool:
    if not REDIS:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 (any failure: no server to test with)
        return False


needs_redis = pytest.mark.skipif(
    not _redis_up(), reason="no Redis server: set KRNEWS_TEST_REDIS=redis://127.0.0.1:6390/0"
)


class TimedLog(list):
    """The demo server's request log, each entry with the time it came."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []
        self.lock = threading.Lock()

    def append(self, entry) -> None:
        with self.lock:
            self.times.append(time.monotonic())
            super().append(entry)


def _serve():
    demo = DemoSites(port=0)
    demo._requests = TimedLog()  # type: ignore[assignment]
    return demo


def _stored(db):
    found = rows(
        db,
        "SELECT a.url, d.url AS dup FROM articles a LEFT JOIN articles d ON d.id = a.dup_of",
    )
    return {(r["url"], r["dup"]) for r in found}


def _start_crawl(sites, db, url=REDIS) -> subprocess.Popen:
    """`krnews crawl --redis URL --workers 2`, running."""
    args = ["--sites", str(sites), "--db", str(db), "-q", "--redis", url, "--workers", "2"]
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )


def _crawl(sites, db, *more, timeout=120):
    return krnews("crawl", "--sites", str(sites), "--db", str(db), "-q", *more, timeout=timeout)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workers")
    with _serve() as demo:
        sites = write_sites(tmp / "sites.toml", demo.sites, POLITE)
        one = _crawl(sites, tmp / "one.db")
        start = len(demo._requests)
        log_one = list(zip(demo._requests.times, demo._requests, strict=True))
        two = _crawl(sites, tmp / "two.db", "--redis", REDIS, "--workers", "2")
        log = list(zip(demo._requests.times[start:], demo._requests[start:], strict=True))
        again = _crawl(sites, tmp / "two.db", "--redis", REDIS, "--workers", "2")
        yield {
            "one": one,
            "two": two,
            "again": again,
            "log": log,
            "log_one": log_one,
            "tmp": tmp,
            "demo": demo,
        }


@needs_redis
def test_two_workers_store_what_one_process_stores(crawled):
    assert crawled["one"].returncode == 1, crawled["one"].stderr[-2000:]  # demo's dead links
    assert crawled["two"].returncode == 1, crawled["two"].stderr[-3000:]
    tmp = crawled["tmp"]
    one, two = _stored(tmp / "one.db"), _stored(tmp / "two.db")
    assert len(one) > 40 and two == one
    runs = rows(tmp / "two.db", "SELECT status, exit_code, articles FROM runs ORDER BY id")
    assert runs[0]["status"] == "partial" and runs[0]["articles"] == len(one)
    fetches = lambda db: sorted(
        (r["url"], r["kind"]) for r in rows(db, "SELECT url, kind FROM fetches WHERE run_id = 1")
    )
    assert fetches(tmp / "two.db") == fetches(tmp / "one.db")


def _gaps(log):
    by_site = defaultdict(list)
    robots: dict[str, int] = defaultdict(int)
    for when, (site, _method, path, _headers) in log:
        by_site[site].append(when)
        robots[site] += path == "/robots.txt"
    return {s: [b - a for a, b in pairwise(t)] for s, t in by_site.items()}, robots


@needs_redis
def test_politeness_is_global_across_workers(crawled):
    gaps, robots = _gaps(crawled["log"])
    one, _ = _gaps(crawled["log_one"])
    assert len(gaps) == len(crawled["demo"].sites)
    assert all(count == 1 for count in robots.values()), robots
    # The server logs a request when its thread runs, a few ms after the crawler sent it: the
    # floor is the delay less what that jitter takes off in one process too.
    jitter = max(0.0, DELAY - min(min(g) for g in one.values()))
    for site, site_gaps in gaps.items():
        assert len(site_gaps) > 10, site
        i = site_gaps.index(min(site_gaps))
        paths = [e[1][2] for e in crawled["log"] if e[1][0] == site]
        assert min(site_gaps) >= DELAY - max(jitter, 0.01) - 0.02, (
            site,
            min(site_gaps),
            jitter,
            paths[i : i + 2],
        )


@needs_redis
def test_the_next_distributed_run_skips_what_the_store_has(crawled):
    again = crawled["again"]
    assert again.returncode in (0, 1), again.stderr[-3000:]
    runs = rows(crawled["tmp"] / "two.db", "SELECT articles, status FROM runs ORDER BY id")
    assert len(runs) == 2 and runs[1]["articles"] == 0
    assert _stored(crawled["tmp"] / "two.db") == _stored(crawled["tmp"] / "one.db")


@needs_redis
def test_a_worker_that_cannot_reach_redis_exits_69_with_one_line():
    done = krnews("worker", "--redis", "redis://127.0.0.1:1/0", timeout=30)
    assert done.returncode == 69
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach Redis" in lines[0], done.stderr


@needs_redis
def test_workers_on_a_locked_store_exit_75(tmp_path):
    sites = write_sites(tmp_path / "sites.toml", [{"name": "a", "home": "http://127.0.0.9/"}])
    db = tmp_path / "news.db"
    with CrawlLock(str(db)):
        done = _crawl(sites, db, "--redis", REDIS, "--workers", "2", timeout=30)
    assert done.returncode == 75, done.stderr


@needs_redis
def test_a_worker_killed_midway_loses_nothing_by_the_next_run(tmp_path):
    with _serve() as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites, POLITE)
        db = tmp_path / "news.db"
        ingester = _start_crawl(sites, db)
        victim = _a_worker(ingester.pid)
        time.sleep(1.5)
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:  # a worker never ends before the run: it crashed
            ingester.kill()
            raise AssertionError(f"the worker ended by itself:\n{ingester.communicate()[1]}")
        ingester.wait(timeout=120)
        assert ingester.returncode == 1  # the run did not finish all its work
        again = _crawl(sites, db, "--redis", REDIS, "--workers", "2")
        assert again.returncode in (0, 1), again.stderr[-3000:]
        expected = {canonical for canonical in _demo_articles(demo)}
    stored = rows(db, "SELECT url FROM articles")
    assert len(stored) == len({r["url"] for r in stored})  # once each
    assert {r["url"] for r in stored} == expected
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"


def _workers(parent: int) -> list[int]:
    """The worker processes `parent` (a `krnews crawl --workers`) started."""
    found = subprocess.run(
        ["pgrep", "-P", str(parent), "-f", "crawler worker"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return [int(p) for p in found]


def _a_worker(parent: int) -> int:
    for _ in range(100):
        found = _workers(parent)
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError("no worker started")


def _demo_articles(demo):
    from crawler.crawl.urls import canonical_url

    return [canonical_url(a["url"]) for a in demo.expected]


def test_a_one_process_crawl_imports_nothing_of_redis():
    probe = (
        "import sys, crawler.cli.crawl, crawler.cli.running, spiders.news, pipelines.store;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('redis', 'scrapy_redis')"
        " or m.startswith('crawler.distributed')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
