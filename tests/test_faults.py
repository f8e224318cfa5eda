"""Issue 6: every fault a site can throw is survived, recorded in `fetches`, and costs nothing else."""

from __future__ import annotations

import pytest

from tests.conftest import krnews, rows, write_sites
from tests.faultsite import FAULTS, GOOD, FaultSite, article_path


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    with (
        FaultSite("127.0.0.30") as bad,
        FaultSite("127.0.0.31", "robots404") as no_robots,
        FaultSite("127.0.0.32", "robots500") as broken_robots,
    ):
        sites = write_sites(
            tmp / "sites.toml",
            [
                {"name": "faulty", "home": bad.home},
                {"name": "no-robots", "home": no_robots.home},
                {"name": "broken-robots", "home": broken_robots.home},
                # nothing listens on port 9 of 127.0.0.33: connection refused
                {"name": "offline", "home": "http://127.0.0.33:9/"},
            ],
        )
        db = tmp / "news.db"
        result = krnews("crawl", "--sites", str(sites), "--db", str(db))
        yield {
            "result": result,
            "db": db,
            "bad": bad,
            "no_robots": no_robots,
            "broken_robots": broken_robots,
        }


def _fetches(db, site):
    return {
        r["url"].split("?idxno=")[-1] if "?idxno=" in r["url"] else r["url"]: r
        for r in rows(db, "SELECT * FROM fetches WHERE site = ?", (site,))
    }


def test_exit_code_one_and_summary(fault_crawl):
    result = fault_crawl["result"]
    assert result.returncode == 1, result.stderr[-4000:]
    assert "krnews: run 1 partial" in result.stderr


@pytest.mark.parametrize("idxno", [i for i, kind in FAULTS.items() if kind])
def test_each_fault_is_a_fetch_row_of_its_kind(fault_crawl, idxno):
    fetched = _fetches(fault_crawl["db"], "faulty")
    assert str(idxno) in fetched, f"no fetches row for {idxno}: {sorted(fetched)}"
    assert fetched[str(idxno)]["kind"] == FAULTS[idxno], fetched[str(idxno)]


def test_every_good_article_of_the_faulty_site_is_stored(fault_crawl):
    stored = {
        r["url"].rsplit("=", 1)[1]: r
        for r in rows(fault_crawl["db"], "SELECT * FROM articles WHERE site = 'faulty'")
    }
    recovered = [i for i, kind in FAULTS.items() if kind is None]
    assert set(stored) == {str(i) for i in [*GOOD, *recovered]}
    for row in stored.values():
        assert row["title"] and row["body"] and row["published"]
        assert "\ufffd" not in row["body"] and "占" not in row["body"]


def test_lying_charset_page_decoded_right(fault_crawl):
    from crawler.demo.content import site_by_name

    expected = site_by_name("hangang-ilbo").articles[3]
    row = rows(fault_crawl["db"], "SELECT * FROM articles WHERE url LIKE ?", ("%idxno=9011",))[0]
    assert row["title"] == expected.title and row["body"] == expected.body


def test_5xx_is_retried_before_it_counts(fault_crawl):
    paths = fault_crawl["bad"].paths
    assert paths.count(article_path(9003)) == 2  # the try and RETRY_TIMES = 1 retry
    assert paths.count(article_path(9012)) == 2  # 503 once, then stored
    assert str(9012) not in _fetches(fault_crawl["db"], "faulty")


def test_robots_404_means_all_allowed(fault_crawl):
    db = fault_crawl["db"]
    assert (
        _fetches(db, "no-robots")[fault_crawl["no_robots"].home + "robots.txt"]["kind"]
        == "robots_404"
    )
    assert len(rows(db, "SELECT id FROM articles WHERE site = 'no-robots'")) >= len(GOOD)


def test_robots_500_means_nothing_fetched(fault_crawl):
    db = fault_crawl["db"]
    home = fault_crawl["broken_robots"].home
    assert _fetches(db, "broken-robots")[home + "robots.txt"]["kind"] == "robots_5xx"
    assert set(fault_crawl["broken_robots"].paths) == {"/robots.txt"}
    assert rows(db, "SELECT id FROM articles WHERE site = 'broken-robots'") == []


def test_unreachable_site_recorded(fault_crawl):
    kinds = {
        r["kind"]
        for r in rows(fault_crawl["db"], "SELECT kind FROM fetches WHERE site = 'offline'")
    }
    assert kinds == {"connection_refused"}


def test_store_is_sound_after_faults(fault_crawl):
    assert rows(fault_crawl["db"], "PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    run = rows(fault_crawl["db"], "SELECT * FROM runs")[0]
    assert (run["status"], run["exit_code"]) == ("partial", 1) and run["errors"] >= 10
