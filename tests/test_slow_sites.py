"""Issue 27, items 5 and 6: a site that asks for more than a run can give, and one that says
"slow down". Crawl-delay is honoured up to a cap and said; a 429 / 503 with Retry-After pauses the
whole site for the time asked; what it still refuses is left to the next run, not a failure."""

from __future__ import annotations

import itertools
import time
from types import SimpleNamespace

import pytest
from scrapy.http import Response

from crawler.crawl.politeness import retry_after
from tests.conftest import krnews, rows, write_sites
from tests.linkedsite import _article
from tests.servers import QuietHandler, RecordingServer

LIST = "".join(f'<li><a href="/view.php?uid={n}&amp;section=sc1">기사 {n}</a></li>' for n in (1, 2))
HOME = f'<html><head><meta charset="utf-8"><title>느린신문</title></head><body><ul>{LIST}</ul>'
HOME += '<li><a href="/view.php?uid=4&amp;section=sc1">기사 4</a></li></body></html>'


class _Handler(QuietHandler):
    server: _Server

    def do_GET(self) -> None:
        server = self.server
        server.record(self.path)
        if self.path == "/robots.txt":
            return self._send(200, server.robots.encode())
        if self.path == "/":
            return self._send(200, HOME.encode())
        uid = self.path.split("uid=")[-1].split("&")[0]
        if not uid.isdigit() or int(uid) not in (1, 2, 4):
            return self._send(404, b"<html><body>404</body></html>")
        if server.refuse and (int(uid) == 4 or not server.refused_once.get(uid)):
            server.refused_once[uid] = True
            return self._send(429, b"slow down", {"Retry-After": str(server.retry_after)})
        return self._send(200, _article(int(uid)))


class _Server(RecordingServer):
    def __init__(self, host: str, robots: str, refuse: bool, retry: int = 2) -> None:
        super().__init__(host, _Handler)
        self.robots, self.refuse, self.retry_after = robots, refuse, retry
        self.refused_once: dict[str, bool] = {}
        self.home = self.base + "/"
        self.start()


# A delay, not 0: with no delay Scrapy 2.19's downloader hands a slot's whole queue over at
# once (Downloader._process_queue counts a transfer only when its task starts), whatever the
# concurrency.
ONE_AT_A_TIME = """
[crawl]
download_delay = 0.05
autothrottle = false
concurrency_per_site = 1
timeout = 5
retries = 1
max_crawl_delay = 0.6
"""


@pytest.fixture(scope="module")
def slow(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("slow")
    delayed = _Server("127.0.0.85", "User-agent: *\nCrawl-delay: 600\n", refuse=False)
    busy = _Server("127.0.0.86", "User-agent: *\nAllow: /\n", refuse=True, retry=2)
    sites = write_sites(
        tmp / "sites.toml",
        [{"name": "delayed", "home": delayed.home}, {"name": "busy", "home": busy.home}],
        extra=ONE_AT_A_TIME,
    )
    db = tmp / "news.db"
    started = time.monotonic()
    first = krnews("crawl", "--sites", str(sites), "--db", str(db))
    wall = time.monotonic() - started
    busy.refuse = False  # the next morning the site answers again
    second = krnews("crawl", "--sites", str(sites), "--db", str(db))
    yield SimpleNamespace(first=first, second=second, wall=wall, db=db, delayed=delayed, busy=busy)
    for server in (delayed, busy):
        server.stop()


def test_a_crawl_delay_over_the_cap_is_crawled_at_the_cap_and_said(slow):
    assert "robots.txt asks Crawl-delay 600s; crawled at the cap of 0.6s" in slow.first.stderr
    kinds = {r["kind"] for r in rows(slow.db, "SELECT kind FROM fetches WHERE site = 'delayed'")}
    assert kinds == {"crawl_delay_capped"}
    times = [t for t, path in slow.delayed.log if path != "/robots.txt"]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) >= 4 and min(gaps) >= 0.6 * 0.95, gaps  # the cap, not Scrapy's default
    assert slow.wall < 60  # not 600 s a page
    stored = rows(slow.db, "SELECT url FROM articles WHERE site = 'delayed'")
    assert len(stored) == 3


def test_a_slow_down_answer_pauses_the_whole_site(slow):
    log = slow.busy.log
    refused = [t for t, path in log if "uid=" in path][:1]
    assert refused
    # no request to the site inside the pause after the first 429 (Retry-After: 2, cap 0.6)
    soon = [p for t, p in log if refused[0] < t < refused[0] + 0.6 * 0.95]
    assert soon == [], soon


def test_what_the_site_still_refused_is_left_to_the_next_run_not_a_failure(slow):
    first_run = rows(slow.db, "SELECT * FROM fetches WHERE site = 'busy' AND run_id = 1")
    assert {r["kind"] for r in first_run} == {"throttled"}
    assert slow.first.returncode == 0, slow.first.stderr[-2000:]
    urls = {
        r["url"].split("uid=")[1][0]
        for r in rows(slow.db, "SELECT url FROM articles WHERE site = 'busy'")
    }
    assert urls == {"1", "2", "4"}  # uid 4 refused all of run 1, fetched by run 2
    assert slow.second.returncode == 0


def test_retry_after_as_seconds_or_a_date():
    def answer(status: int, value: str | None) -> Response:
        headers = {"Retry-After": value} if value is not None else {}
        return Response("http://x.kr/", status=status, headers=headers)

    assert retry_after(answer(429, "30")) == 30.0
    assert retry_after(answer(503, "Wed, 21 Oct 2015 07:28:30 GMT"), now=1445412480.0) == 30.0
    assert retry_after(answer(429, None)) == 60.0
    assert retry_after(answer(503, None)) is None


def test_a_site_that_paces_the_crawl_slowly_is_asked_only_for_the_sources_it_names():
    from spiders.sources import NO_PROBES_DELAY, probing

    assert probing(SimpleNamespace(crawl_delay=None)) and probing(SimpleNamespace(crawl_delay=0.6))
    # at a 30 s delay, five guessed feed and sitemap URLs would cost 2.5 minutes of the run
    assert not probing(SimpleNamespace(crawl_delay=30.0))
    assert not probing(SimpleNamespace(crawl_delay=NO_PROBES_DELAY))
