"""Issue 25: a request goes to the URL as the page, feed or sitemap wrote it; the canonical form
is identity only. A server that answers only the linked form of every URL is crawled whole;
redirects never leave the site, private addresses are refused, a gzip sitemap is bounded."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from scrapy.http import Request

from crawler.crawl.reasons import Refused
from crawler.crawl.redirects import AddressGuardMiddleware
from tests.conftest import FAST_CRAWL, krnews, rows, write_sites
from tests.linkedsite import (
    _TITLES,
    ARTICLES,
    INTERNAL_TOKEN,
    InternalHost,
    LinkedSite,
    MovedSite,
)


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("linked")
    with (
        InternalHost() as internal,
        LinkedSite(internal) as site,
        MovedSite(internal.home) as moved,
    ):
        sites = write_sites(
            tmp / "sites.toml",
            [{"name": "linked", "home": site.home}, {"name": "moved", "home": moved.home}],
            extra=FAST_CRAWL + "max_page_bytes = 2000000\n",
        )
        db = tmp / "news.db"
        result = krnews("crawl", "--sites", str(sites), "--db", str(db))
        yield SimpleNamespace(result=result, db=db, site=site, internal=internal)


def _fetches(db, site="linked") -> dict[str, str]:
    found = rows(db, "SELECT url, kind FROM fetches WHERE site = ?", (site,))
    return {r["url"].split("/", 3)[3]: r["kind"] for r in found}


def test_every_article_is_stored_and_every_request_was_a_linked_form(linked):
    titles = {r["title"] for r in rows(linked.db, "SELECT title FROM articles")}
    assert titles == set(_TITLES.values()), linked.result.stderr[-3000:]
    kinds = _fetches(linked.db)
    assert not [u for u, k in kinds.items() if k.startswith("http_4")], kinds
    # not one request in a form the site never wrote (each would be a 404 on this server)
    answered = {target for target, _n in ARTICLES.values()}
    pages = {"/", "/robots.txt", "/sitemap.xml.gz", "/rss.xml", "/list.php?sec=3"}
    pages |= {"/list.php?sec=3&page=2", "/go.php?id=1", "/moved.php?id=2"}
    pages.add("/view.php?uid=9&section=sc1&utm_source=rss")
    odd = [p for p in linked.site.paths if p not in answered | pages]
    assert odd == [], odd


def test_the_stored_url_keeps_the_sites_query_order(linked):
    urls = {r["url"].split("/", 3)[3] for r in rows(linked.db, "SELECT url FROM articles")}
    assert {
        "view.php?uid=1&section=sc1",
        "read.php?news&id=2",
        "view.php?uid=5&section=sc2",
    } <= urls
    # the tracking parameter is not part of the identity: the redirected article once
    assert "view.php?uid=9&section=sc1" in urls and len(urls) == len(_TITLES)


def test_a_redirect_to_the_same_canonical_url_is_followed_once(linked):
    paths = linked.site.paths
    assert paths.count("/view.php?uid=9&section=sc1") == 1
    assert "view.php?uid=9&section=sc1&utm_source=rss" not in _fetches(linked.db)


def test_no_redirect_of_either_kind_leaves_the_site(linked):
    assert linked.internal.paths == []
    kinds = _fetches(linked.db)
    assert kinds["go.php?id=1"] == "offsite_redirect"
    assert kinds["moved.php?id=2"] == "offsite_redirect"
    bodies = rows(linked.db, "SELECT url, body FROM articles")
    assert not [r["url"] for r in bodies if INTERNAL_TOKEN in r["body"]]
    assert not [r["url"] for r in bodies if "127.0.0.82" in r["url"]]


def test_a_site_whose_home_moved_says_so(linked):
    assert "moved: the home page moved to 127.0.0.82" in linked.result.stderr
    assert set(_fetches(linked.db, "moved").values()) == {"offsite_redirect"}


def test_a_gzip_bomb_sitemap_is_a_too_large_fetch_and_the_crawl_goes_on(linked):
    assert _fetches(linked.db)["sitemap.xml.gz"] == "too_large"
    assert linked.result.returncode == 1 and "Traceback" not in linked.result.stderr
    assert "krnews: run 1 partial" in linked.result.stderr


def _guard(home: str) -> AddressGuardMiddleware:
    spider = SimpleNamespace(sites={"s": SimpleNamespace(host=home)})
    return AddressGuardMiddleware(SimpleNamespace(spider=spider))


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8080/admin",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[fe80::1]/",
    ],
)
def test_a_private_address_is_refused_for_a_site_on_a_public_one(url):
    with pytest.raises(Refused) as refused:
        asyncio.run(_guard("203.0.114.9").process_request(Request(url, meta={"site": "s"})))
    assert refused.value.reason == "private_address"


def test_a_site_whose_home_is_private_may_reach_its_own_addresses():
    request = Request("http://127.0.0.12:8080/news/1", meta={"site": "s"})
    assert asyncio.run(_guard("127.0.0.11").process_request(request)) is None
    public = Request("http://203.0.114.9/news/1", meta={"site": "s"})
    assert asyncio.run(_guard("203.0.114.9").process_request(public)) is None
