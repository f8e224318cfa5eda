"""A distributed crawl's faults beyond a dead worker (issue 27): the ingester killed -9 mid-run,
and Redis itself killed -9 and restarted on the same port. The next run ends with every article
stored once, nothing lost, and the store's integrity ok.

Each test runs its own redis-server on a free port (so killing it disturbs no other test)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from tests.conftest import rows, write_sites
from tests.test_workers import (
    POLITE,
    _a_worker,
    _crawl,
    _demo_articles,
    _serve,
    _start_crawl,
    _workers,
)

SERVER = shutil.which("redis-server")
needs_server = pytest.mark.skipif(SERVER is None, reason="no redis-server binary to run")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    args = [SERVER or "redis-server", "--bind", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen([*args, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("redis-server did not start")


@pytest.fixture
def redis_server():
    port = _free_port()
    box = {"proc": _start_redis(port), "port": port}
    yield box
    box["proc"].kill()
    box["proc"].wait()


def _workers_of(parent: int) -> list[int]:
    _a_worker(parent)  # waits for the first
    time.sleep(0.3)
    return _workers(parent)


def _wait_gone(pids: list[int], seconds: float) -> None:
    """The orphans of a killed ingester: they stop by themselves (its heartbeat key expires,
    or their work ends); killed after `seconds` so that the test never leaves one behind."""
    end = time.monotonic() + seconds
    for pid in pids:
        while time.monotonic() < end:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _all_stored_once(db, demo) -> None:
    stored = [r["url"] for r in rows(db, "SELECT url FROM articles")]
    assert len(stored) == len(set(stored))  # once each
    assert set(stored) == set(_demo_articles(demo))  # nothing lost
    assert rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"


@needs_server
def test_the_ingester_killed_midway_loses_nothing_by_the_next_run(tmp_path, redis_server):
    url = f"redis://127.0.0.1:{redis_server['port']}/0"
    with _serve() as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites, POLITE)
        db = tmp_path / "news.db"
        ingester = _start_crawl(sites, db, url)
        workers = _workers_of(ingester.pid)
        time.sleep(1.5)
        ingester.kill()
        ingester.wait(timeout=10)
        _wait_gone(workers, 40)
        first = rows(db, "SELECT status FROM runs")
        assert [r["status"] for r in first] == ["running"]  # killed: its row says so
        again = _crawl(sites, db, "--redis", url, "--workers", "2")
        assert again.returncode in (0, 1), again.stderr[-3000:]
        _all_stored_once(db, demo)
    runs = rows(db, "SELECT status FROM runs ORDER BY id")
    assert runs[0]["status"] == "interrupted" and len(runs) == 2


@needs_server
def test_redis_killed_and_restarted_loses_nothing_by_the_next_run(tmp_path, redis_server):
    port = redis_server["port"]
    url = f"redis://127.0.0.1:{port}/0"
    with _serve() as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites, POLITE)
        db = tmp_path / "news.db"
        ingester = _start_crawl(sites, db, url)
        workers = _workers_of(ingester.pid)
        time.sleep(1.5)
        redis_server["proc"].kill()
        redis_server["proc"].wait()
        redis_server["proc"] = _start_redis(port)  # the same port, empty (no persistence)
        _out, err = ingester.communicate(timeout=60)
        _wait_gone(workers, 20)
        assert ingester.returncode == 69, err[-2000:]  # EX_UNAVAILABLE
        assert rows(db, "SELECT status FROM runs")[0]["status"] == "failed"
        again = _crawl(sites, db, "--redis", url, "--workers", "2")
        assert again.returncode in (0, 1), again.stderr[-3000:]
        _all_stored_once(db, demo)
