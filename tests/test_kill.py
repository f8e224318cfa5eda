"""kill -9 at any moment: the next run completes the work and the store stays whole (issue 6)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from crawler.crawl.urls import canonical_url
from crawler.demo.server import DemoSites
from tests.conftest import ROOT, krnews, rows, write_sites


def _start(sites, db, env=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db", str(db), "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _scrapy_crawl_args(sites, db) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={sites}",
            "-s", f"KRNEWS_DB={db}", "-s", "LOG_LEVEL=WARNING"]  # fmt: skip


def _scrapy_env() -> dict:
    # As a user runs it: Scrapy finds scrapy.cfg upwards from the directory it runs in.
    return {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")
    }


def _kill_when_fetching(proc: subprocess.Popen, db) -> None:
    """kill -9 once the crawl is fetching pages and has stored some, but not all, articles."""
    deadline = time.time() + 60
    while time.time() < deadline and _article_count(db) < 5:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _article_count(db) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _assert_store_whole(db, demo) -> None:
    assert rows(db, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    articles = rows(db, "SELECT * FROM articles")
    urls = [a["url"] for a in articles]
    assert len(urls) == len(set(urls))
    expected = {canonical_url(e["url"]): e for e in demo.expected}
    assert set(urls) == set(expected), "after the rerun every demo article is stored, once"
    for a in articles:
        exp = expected[a["url"]]
        assert (a["title"], a["body"], a["published"]) == (
            exp["title"],
            exp["body"],
            exp["published"],
        )
    ids = {a["id"] for a in articles}
    # dedup state and the FTS index match the articles exactly: nothing half-written
    signed = {r["article_id"] for r in rows(db, "SELECT article_id FROM dedup_signatures")}
    assert signed == ids
    indexed = {r["rowid"] for r in rows(db, "SELECT rowid FROM articles_fts")}
    assert indexed == ids
    images = rows(
        db, "SELECT article_id FROM images WHERE article_id NOT IN (SELECT id FROM articles)"
    )
    assert images == []
    # clusters point at stored articles only
    assert (
        rows(
            db,
            "SELECT id FROM articles WHERE dup_of IS NOT NULL AND dup_of NOT IN "
            "(SELECT id FROM articles)",
        )
        == []
    )


@pytest.mark.parametrize("point", ["during-fetch", "during-write-1", "during-write-17"])
def test_kill_9_then_rerun_completes_and_store_is_whole(tmp_path, point):
    with DemoSites(port=0) as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites)
        db = tmp_path / "news.db"
        if point == "during-fetch":
            _kill_when_fetching(_start(sites, db), db)
            assert 0 < _article_count(db) < len(demo.expected)
        else:
            nth = point.rsplit("-", 1)[1]
            # The store kills its own process inside the n-th article's transaction, after the
            # article row is written and before the commit: the worst moment for a write.
            proc = _start(sites, db, env={"KRNEWS_TEST_KILL_IN_SAVE": nth})
            proc.wait(timeout=120)
            assert proc.returncode == -signal.SIGKILL, proc.stderr.read()[-2000:]
            assert _article_count(db) == int(nth) - 1
        rerun = krnews("crawl", "--sites", str(sites), "--db", str(db))
        assert rerun.returncode in (0, 1), rerun.stderr[-3000:]
        first_run = rows(db, "SELECT status FROM runs ORDER BY id LIMIT 1")[0]
        assert first_run["status"] == "interrupted"
        _assert_store_whole(db, demo)


def test_scrapy_crawl_killed_with_9_is_marked_interrupted_by_the_next_run(tmp_path):
    """The run's life is one extension (crawler.crawl.run): `scrapy crawl news` keeps the same books
    as `krnews crawl`, so the next run, under either command, marks a killed one."""
    with DemoSites(port=0) as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites)
        db = tmp_path / "news.db"
        proc = subprocess.Popen(
            _scrapy_crawl_args(sites, db),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=_scrapy_env(),
        )
        _kill_when_fetching(proc, db)
        assert 0 < _article_count(db) < len(demo.expected)
        assert rows(db, "SELECT status FROM runs") == [{"status": "running"}]
        rerun = subprocess.run(
            _scrapy_crawl_args(sites, db),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=240,
            env=_scrapy_env(),
            check=False,
        )
        assert rerun.returncode in (0, 1), rerun.stderr[-3000:]
        assert "Traceback" not in rerun.stderr, rerun.stderr[-3000:]
        statuses = [r["status"] for r in rows(db, "SELECT status FROM runs ORDER BY id")]
        assert statuses[0] == "interrupted" and statuses[1] in ("ok", "partial"), statuses
        _assert_store_whole(db, demo)
