"""A site that says "slow down" to a distributed crawl (issue 27, item 6: "several workers pause
it together"). The worker that got the 429 is killed -9 inside the pause; the worker that takes
the site over when its lease runs out (crawler.distributed.queue, 10 s) finds the pause in the
run's keys and waits out the rest of it: the site's request log has nothing inside the pause."""

from __future__ import annotations

import os
import signal
import time

from tests.conftest import krnews, rows, write_sites
from tests.linkedsite import _article
from tests.servers import QuietHandler, RecordingServer
from tests.test_workers import REDIS, _start_crawl, needs_redis

PAUSE = 14  # seconds the site asks for: longer than a lease, so a takeover falls inside it
ARTICLES = (1, 2, 3, 4, 5, 6, 9)  # the pages tests/linkedsite.py writes
HOME = "".join(f'<li><a href="/view.php?uid={n}">기사 {n}</a></li>' for n in ARTICLES)
HOME = f'<html><head><meta charset="utf-8"><title>바쁜신문</title></head><body><ul>{HOME}</ul>'
SETTINGS = f"""
[crawl]
download_delay = 0.3
autothrottle = false
concurrency_per_site = 1
timeout = 5
retries = 1
max_crawl_delay = {PAUSE + 5}
"""


class _Handler(QuietHandler):
    server: _Busy

    def do_GET(self) -> None:
        self.server.record(self.path)
        if self.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n")
        if self.path == "/":
            return self._send(200, HOME.encode())
        uid = self.path.rsplit("=", 1)[-1]
        if uid == "3" and not self.server.refused:
            self.server.refused = time.monotonic()
            return self._send(429, b"slow down", {"Retry-After": str(PAUSE)})
        if not uid.isdigit() or int(uid) not in ARTICLES:
            return self._send(404, b"<html><body>404</body></html>")
        return self._send(200, _article(int(uid)))


class _Busy(RecordingServer):
    def __init__(self) -> None:
        super().__init__("127.0.0.87", _Handler)
        self.refused = 0.0
        self.start()


def _holder(site: str) -> int:
    """The pid of the worker holding the site's lease (its id is host-pid)."""
    import redis

    from crawler.distributed.link import CURRENT, Keys

    client = redis.Redis.from_url(REDIS)
    token = client.get(CURRENT)
    assert token, "no run in Redis"
    holder = client.get(Keys(token.decode()).lease(site))
    assert holder, "nobody holds the site"
    return int(holder.decode().rsplit("-", 1)[1])


@needs_redis
def test_a_pause_is_kept_by_the_worker_that_takes_the_site_over(tmp_path):
    busy = _Busy()
    try:
        home = [{"name": "busy", "home": busy.base + "/"}]
        sites = write_sites(tmp_path / "sites.toml", home, extra=SETTINGS)
        db = tmp_path / "news.db"
        crawl = _start_crawl(sites, db)
        end = time.monotonic() + 60
        while not busy.refused and time.monotonic() < end:
            time.sleep(0.05)
        assert busy.refused, "the site never answered 429"
        os.kill(_holder("busy"), signal.SIGKILL)
        _out, err = crawl.communicate(timeout=120)
        first_run = len(busy.log)
        # the next run (one process) fetches what the killed worker had taken from the queue
        again = krnews("crawl", "--sites", str(sites), "--db", str(db), "-q")
    finally:
        busy.stop()
    assert crawl.returncode == 1, err[-2000:]  # a worker was lost: the run is not complete
    assert again.returncode == 0, again.stderr[-2000:]
    log = busy.log[:first_run]
    taken_over = [(t - busy.refused, path) for t, path in log if t > busy.refused]
    inside = [(round(t, 2), path) for t, path in taken_over if t < PAUSE * 0.95]
    assert inside == [], inside
    # the refused page's retry was left in the site's queue: the worker that took the site
    # over fetched it, after the pause
    assert any(path.endswith("uid=3") for _t, path in taken_over), log
    stored = [r["url"].rsplit("=", 1)[1] for r in rows(db, "SELECT url FROM articles")]
    assert sorted(stored) == sorted(str(n) for n in ARTICLES)  # every article, once
