"""Issue 6: each run does only the new work, politely."""

from __future__ import annotations

from itertools import pairwise

from crawler.crawl.urls import canonical_url
from crawler.demo.server import DemoSites
from tests.bigsite import big_site
from tests.conftest import krnews, rows, write_sites
from tests.faultsite import GOOD, FaultSite

CONTACT = '[crawl]\ndownload_delay = 0\nautothrottle = false\ncontact_url = "https://example.org/krnews-contact"\n'


def test_new_articles_only_then_nothing(tmp_path):
    with DemoSites(port=0) as demo:
        demo.hold_back(2)
        sites = write_sites(tmp_path / "sites.toml", demo.sites, extra=CONTACT)
        db = tmp_path / "news.db"
        first = krnews("crawl", "--sites", str(sites), "--db", str(db))
        assert first.returncode in (0, 1), first.stderr[-2000:]
        had = {r["url"] for r in rows(db, "SELECT url FROM articles")}
        n_first = len(demo.requests)

        demo.release()
        second = krnews("crawl", "--sites", str(sites), "--db", str(db))
        assert second.returncode == 0, second.stderr[-2000:]
        released = demo.requests[n_first:]
        now = {r["url"] for r in rows(db, "SELECT url FROM articles")}
        assert now == {canonical_url(e["url"]) for e in demo.expected}
        assert len(now - had) == 2 * len(demo.sites)

        homes = {s["name"]: s["home"].rstrip("/") for s in demo.sites}
        asked = [canonical_url(homes[site] + p) for site, _m, p, _h in released]
        # The second run fetched the released articles, and no article it already had.
        assert now - had <= set(asked)
        assert had.isdisjoint(asked)

        # Feeds, sitemaps and list pages were asked conditionally the second time.
        conditional = [
            (p, h) for _s, _m, p, h in released if "If-None-Match" in h or "If-Modified-Since" in h
        ]
        assert conditional, "no conditional GET in the second run"

        n_second = len(demo.requests)
        third = krnews("crawl", "--sites", str(sites), "--db", str(db))
        assert third.returncode == 0
        quiet_run = demo.requests[n_second:]
        asked = {canonical_url(homes[site] + p) for site, _m, p, _h in quiet_run}
        assert asked.isdisjoint(now), "a run with nothing new fetched a known article"

        agents = {h.get("User-Agent") for _s, _m, _p, h in demo.requests}
        assert agents == {"kr-news-crawler/0.1.0 (+https://example.org/krnews-contact)"}


def test_crawl_delay_from_robots_is_obeyed(tmp_path):
    with FaultSite("127.0.0.34", "crawldelay") as site:
        sites = write_sites(
            tmp_path / "sites.toml",
            [{"name": "slow", "home": site.home}],
            extra="[crawl]\ndownload_delay = 0\nautothrottle = true\nconcurrency_per_site = 4\n",
        )
        result = krnews("crawl", "--sites", str(sites), "--db", str(tmp_path / "n.db"))
        assert result.returncode == 0, result.stderr[-2000:]
        times = site.server.times
    after_robots = times[1:]
    assert len(after_robots) >= 1 + len(GOOD)
    gaps = [b - a for a, b in pairwise(after_robots)]
    # Scrapy randomises a delay by 0.5-1.5x; Crawl-delay 1 never lets two requests come at once
    assert min(gaps) >= 0.45, gaps


def test_no_change_recrawl_of_a_big_site_requests_under_five_percent(tmp_path):
    with DemoSites(hosts=["127.0.0.36"], sites=[big_site(400)]) as site:
        sites = write_sites(
            tmp_path / "sites.toml",
            site.sites,
            extra="[crawl]\ndownload_delay = 0\nautothrottle = false\nconcurrency_per_site = 8\n",
        )
        db = tmp_path / "n.db"
        first = krnews("crawl", "--sites", str(sites), "--db", str(db))
        assert first.returncode in (0, 1), first.stderr[-2000:]  # 1: the family's dead link
        n_first = len(site.requests)
        assert len(rows(db, "SELECT id FROM articles")) == 400
        second = krnews("crawl", "--sites", str(sites), "--db", str(db))
        assert second.returncode == 0
        n_second = len(site.requests) - n_first
    print(
        f"big site: first crawl {n_first} requests, no-change re-crawl {n_second} "
        f"({100 * n_second / n_first:.1f}%)"
    )
    assert n_second <= 0.05 * n_first


def test_dead_links_rest_for_a_week_then_are_tried_again(tmp_path):
    import sqlite3

    with DemoSites(port=0) as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites[:1])  # hangang-ilbo
        db = tmp_path / "n.db"

        def dead_asked() -> int:
            return sum(1 for _s, _m, p, _h in demo.requests if p.endswith("idxno=10399"))

        assert krnews("crawl", "--sites", str(sites), "--db", str(db)).returncode == 1
        assert dead_asked() == 1
        assert krnews("crawl", "--sites", str(sites), "--db", str(db)).returncode == 0
        assert dead_asked() == 1
        conn = sqlite3.connect(db)
        conn.execute("UPDATE fetches SET time = '2026-01-01T00:00:00+00:00'")  # a week and more
        conn.execute("DELETE FROM http_cache")  # ... in which the feed that links it changed
        conn.commit()
        conn.close()
        assert krnews("crawl", "--sites", str(sites), "--db", str(db)).returncode == 1
        assert dead_asked() == 2
