"""Layouts no profile knows, crawled from their home URLs by `krnews crawl` (tests/unseensites.py):
every article stored once, under the URL the page names, and nothing else stored."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from crawler.crawl.urls import canonical_url
from crawler.extract.verdict import judge_url
from tests.conftest import krnews, rows, write_sites
from tests.unseensites import UnseenSites


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unseen")
    with UnseenSites() as sites:
        toml = write_sites(tmp / "sites.toml", sites.sites)
        db = tmp / "news.db"
        first = krnews("crawl", "--sites", str(toml), "--db", str(db))
        stored = rows(db, "SELECT * FROM articles ORDER BY id")
        aliases = rows(
            db, "SELECT alias, a.url FROM url_aliases JOIN articles a ON a.id = article_id"
        )
        captions = rows(
            db, "SELECT a.url, i.caption FROM images i JOIN articles a ON a.id = i.article_id"
        )
        n_first = len(sites.requests)
        second = krnews("crawl", "--sites", str(toml), "--db", str(db))
        yield {
            "sites": sites,
            "first": first,
            "second": second,
            "stored": stored,
            "aliases": aliases,
            "captions": captions,
            "after_second": rows(db, "SELECT id FROM articles"),
            "requests_first": sites.requests[:n_first],
            "requests_second": sites.requests[n_first:],
        }


def test_both_crawls_finish_without_failed_fetches(crawled):
    assert crawled["first"].returncode == 0, crawled["first"].stderr[-3000:]
    assert crawled["second"].returncode == 0, crawled["second"].stderr[-3000:]


def test_every_article_stored_once_with_its_headline_date_and_body(crawled):
    stored = {row["url"]: row for row in crawled["stored"]}
    expected = crawled["sites"].expected
    assert len(expected) == 24
    wrong = []
    for want in expected:
        url = canonical_url(want["url"])
        assert url in stored, f"not stored: {want['site']} {unquote(url)}"
        got = stored[url]
        for field in ("site", "title", "published", "body"):
            if got[field] != want[field]:
                wrong.append((unquote(url), field, want[field], got[field]))
    assert not wrong, "\n".join(map(repr, wrong))


def test_no_static_page_list_page_or_second_copy_is_stored(crawled):
    expected = {canonical_url(e["url"]) for e in crawled["sites"].expected}
    extra = [(r["site"], unquote(r["url"]), r["title"]) for r in crawled["stored"]]
    extra = [e for e in extra if canonical_url(e[1]) not in expected]
    assert not extra, extra
    assert len(crawled["stored"]) == len(expected)
    titles = [r["title"] for r in crawled["stored"]]
    assert len(set(titles)) == len(titles)


def test_the_url_an_article_was_reached_by_is_an_alias_of_it(crawled):
    aliases = {unquote(a["alias"]): unquote(a["url"]) for a in crawled["aliases"]}
    base = next(s.base for s in crawled["sites"].site_objects if s.name == "ilsan-post")
    assert aliases[f"{base}/?p=123"] == f"{base}/news/고양시-축제/"


def test_print_search_tag_login_and_static_pages_are_never_fetched(crawled):
    sites = {s.name: s for s in crawled["sites"].site_objects}
    asked = [
        sites[name].base + path
        for name, path in crawled["requests_first"] + crawled["requests_second"]
    ]
    banned = {"print_url", "search_url", "tag_url", "login_url", "static_url", "static_page"}
    never = [unquote(url) for url in asked if judge_url(canonical_url(url)).reason in banned]
    assert not never
    statics = set(crawled["sites"].static_urls())
    assert not statics & {canonical_url(u) for u in asked} and not statics & set(asked)


def test_the_second_crawl_fetches_no_article_again_by_any_of_its_urls(crawled):
    assert len(crawled["after_second"]) == len(crawled["stored"])
    sites = {s.name: s for s in crawled["sites"].site_objects}
    known = {r["url"] for r in crawled["stored"]} | {a["alias"] for a in crawled["aliases"]}
    again = [
        unquote(path)
        for name, path in crawled["requests_second"]
        if canonical_url(sites[name].base + path) in known
    ]
    assert not again
    reached = {
        canonical_url(sites[name].base + path)
        for name, path in crawled["requests_first"]
        if canonical_url(sites[name].base + path) in known
    }
    # Run one reached articles by more URLs than there are articles: the aliases are those.
    assert len(reached) > len(crawled["stored"])


def test_each_photo_keeps_its_caption_out_of_the_body(crawled):
    captions = {r["url"]: r["caption"] for r in crawled["captions"]}
    for want in crawled["sites"].expected:
        assert captions.get(canonical_url(want["url"])) == want["caption"], want["url"]
