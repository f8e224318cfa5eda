"""The whole path, for real: the bundled demo sites crawled into a store by `krnews crawl`."""

from __future__ import annotations

from collections import defaultdict

import pytest
from protego import Protego

from crawler.crawl.urls import canonical_url
from crawler.demo.server import DemoSites
from tests.conftest import krnews, rows, write_sites

FIELDS = ("title", "subtitle", "author", "author_email", "published", "updated", "section", "body")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Two crawls of the demo sites into one store, with snapshots after each."""
    tmp = tmp_path_factory.mktemp("e2e")
    with DemoSites(port=0) as demo:
        sites = write_sites(tmp / "sites.toml", demo.sites)
        db = tmp / "news.db"
        first = krnews("crawl", "--sites", str(sites), "--db", str(db))
        after_first = rows(db, "SELECT * FROM articles ORDER BY id")
        requests_first = len(demo.requests)
        second = krnews("crawl", "--sites", str(sites), "--db", str(db))
        after_second = rows(db, "SELECT * FROM articles ORDER BY id")
        yield {
            "demo": demo,
            "db": db,
            "first": first,
            "second": second,
            "after_first": after_first,
            "after_second": after_second,
            "requests_first": demo.requests[:requests_first],
            "requests_second": demo.requests[requests_first:],
        }


def _by_url(articles):
    return {a["url"]: a for a in articles}


def test_first_crawl_finishes_with_a_summary(crawled):
    first = crawled["first"]
    # The demo sites carry dead links on purpose, so "done, some fetches failed" is right.
    assert first.returncode in (0, 1), first.stderr[-3000:]
    assert "krnews: run 1 " in first.stderr
    db = crawled["db"]
    dead = rows(db, "SELECT kind FROM fetches WHERE run_id = 1 AND kind = 'http_404'")
    assert dead, "the dead links of the demo sites should be recorded as http_404 fetches"
    assert first.returncode == 1


def test_every_demo_article_stored_once_with_expected_fields(crawled):
    stored = _by_url(crawled["after_first"])
    expected = crawled["demo"].expected
    assert len(crawled["after_first"]) == len(stored)  # url is unique
    mismatches = []
    for exp in expected:
        url = canonical_url(exp["url"])
        assert url in stored, f"not stored: {exp['site']} {url}"
        got = stored[url]
        for field in FIELDS:
            if got[field] != exp[field]:
                mismatches.append((exp["site"], url, field, exp[field], got[field]))
    assert not mismatches, "\n".join(map(repr, mismatches[:10]))


def test_images_stored_with_their_captions_in_page_order(crawled):
    db = crawled["db"]
    stored: dict[str, list] = {}
    for row in rows(
        db,
        "SELECT a.url AS article, i.url, i.caption FROM images i "
        "JOIN articles a ON a.id = i.article_id ORDER BY i.article_id, i.position",
    ):
        stored.setdefault(row["article"], []).append({"url": row["url"], "caption": row["caption"]})
    with_images = 0
    for exp in crawled["demo"].expected:
        want = [{"url": img["url"], "caption": img["caption"]} for img in exp["images"]]
        assert stored.get(canonical_url(exp["url"]), []) == want, exp["url"]
        with_images += bool(want)
        for img in want:  # a caption is never part of the body
            assert img["caption"] not in exp["body"]
    assert with_images >= 8


def test_nothing_but_articles_stored(crawled):
    expected = {canonical_url(e["url"]) for e in crawled["demo"].expected}
    stored = {a["url"] for a in crawled["after_first"]}
    assert stored - expected == set(), "list, tag, print or error pages were stored"


def test_robots_disallowed_urls_never_requested(crawled):
    demo = crawled["demo"]
    robots = {}
    by_site = {s["name"]: s["home"] for s in demo.sites}
    for site, _method, path, _headers in demo.requests:
        if site not in robots:
            import urllib.request

            with urllib.request.urlopen(by_site[site].rstrip("/") + "/robots.txt") as resp:
                robots[site] = Protego.parse(resp.read().decode("utf-8"))
    checked = 0
    for site, _method, path, _headers in demo.requests:
        if path == "/robots.txt":
            continue
        url = by_site[site].rstrip("/") + path
        assert robots[site].can_fetch(url, "kr-news-crawler"), f"disallowed but requested: {url}"
        checked += 1
    assert checked > 50


def test_euc_kr_site_text_intact(crawled):
    bodies = " ".join((a["title"] or "") + (a["body"] or "") for a in crawled["after_first"])
    assert "\ufffd" not in bodies
    rare = [e for e in crawled["demo"].expected if any(ch in e["body"] for ch in "똠뷁")]
    assert rare, "the demo's EUC-KR site should carry CP949-only syllables"
    stored = _by_url(crawled["after_first"])
    for exp in rare:
        assert stored[canonical_url(exp["url"])]["body"] == exp["body"]


def test_second_crawl_stores_nothing_new_and_changes_nothing(crawled):
    second = crawled["second"]
    assert second.returncode == 0, second.stderr[-3000:]
    assert crawled["after_second"] == crawled["after_first"]


def test_second_crawl_fetches_only_feeds_sitemaps_and_first_list_pages(crawled):
    from spiders.news import page_number

    demo = crawled["demo"]
    homes = {s["name"]: s["home"].rstrip("/") for s in demo.sites}
    asked = [canonical_url(homes[site] + p) for site, _m, p, _h in crawled["requests_second"]]
    articles = {canonical_url(e["url"]) for e in demo.expected}
    assert articles.isdisjoint(asked), "a known article was fetched again"
    # whatever else was asked is a first page: robots.txt, home, feeds, sitemaps, section pages
    assert [u for u in asked if page_number(u) > 1] == []
    assert len(asked) < len(crawled["requests_first"]) / 2


def test_syndicated_press_release_is_one_cluster(crawled):
    stored = _by_url(crawled["after_first"])
    groups = defaultdict(list)
    for exp in crawled["demo"].expected:
        if exp.get("dup_group"):
            groups[exp["dup_group"]].append(stored[canonical_url(exp["url"])])
    assert groups, "the demo should carry a syndicated press release"
    for members in groups.values():
        assert len(members) >= 3
        canonical = min(members, key=lambda a: (a["published"], a["id"]))
        assert canonical["dup_of"] is None
        for other in members:
            if other is not canonical:
                assert other["dup_of"] == canonical["id"], (other["url"], other["dup_of"])
                assert other["similarity"] is not None and other["similarity"] > 0.5
    # no article outside the press release is linked
    in_groups = {a["id"] for m in groups.values() for a in m}
    stray = [a["url"] for a in crawled["after_first"] if a["dup_of"] and a["id"] not in in_groups]
    assert stray == []


def test_runs_and_site_rows(crawled):
    db = crawled["db"]
    runs = rows(db, "SELECT * FROM runs ORDER BY id")
    # The first run met the dead links; the second knows them as gone and does not ask again.
    assert [(r["status"], r["exit_code"]) for r in runs] == [("partial", 1), ("ok", 0)]
    assert runs[0]["articles"] == len(crawled["demo"].expected)
    assert runs[1]["articles"] == 0
    per_site = rows(db, "SELECT * FROM run_sites WHERE run_id = ?", (runs[0]["id"],))
    assert {r["site"] for r in per_site} == {s["name"] for s in crawled["demo"].sites}
    assert all(r["pages"] > 0 and r["articles"] >= 15 for r in per_site)


def test_the_report_after_the_demo_shows_its_week_and_its_story(crawled):
    # the demo's sites date their articles up to its clock: a newcomer's first report (the
    # last seven days) holds them all but the archive page, and the press release's versions
    from crawler.query.report import build_report

    expected = crawled["demo"].expected
    recent = [e for e in expected if e["published"] >= "2020"]
    assert len(recent) == len(expected) - 1  # the seed page of 2017
    report = build_report(crawled["db"])
    assert sum(s.articles_7d for s in report.sites) == len(recent)
    assert sum(report.articles_per_day()) == len(recent)
    assert report.clusters and report.clusters[0].articles == 4
    press = sorted((e for e in expected if e["dup_group"]), key=lambda e: e["published"])
    assert report.stories, "the store's story_reuse view should list the press release"
    story = report.stories[0]
    assert [v.site for v in story.versions] == [e["site"] for e in press]
    assert story.first_site == press[0]["site"] and story.outlets == 4
    assert all(v.lag_minutes > 0 for v in story.versions[1:])
