"""The bundled demo sites: real HTTP behaviour, the content rules, and the expected truth."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from html import escape, unescape
from itertools import combinations
from urllib.parse import urljoin

import pytest
from protego import Protego

from crawler.demo.clock import on_clock
from crawler.demo.content import KST, SITES
from crawler.demo.expected import EXPECTED_JSON, expected_json_text, expected_records
from crawler.demo.render import render_article
from crawler.demo.server import DemoSites
from crawler.extract.text import normalize_block

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# The demo's clock in these tests: the sites date their articles up to it.
NOW = datetime(2026, 12, 8, 10, 17, tzinfo=KST)


@pytest.fixture(scope="module")
def demo():
    with DemoSites(port=0, now=NOW) as sites:
        yield sites


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """(status, headers, body) without raising on 4xx/304."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def home(demo: DemoSites, name: str) -> str:
    return next(s["home"] for s in demo.sites if s["name"] == name)


def expected_of(demo: DemoSites, name: str) -> list[dict]:
    return [r for r in demo.expected if r["site"] == name]


def locs(xml: bytes) -> list[str]:
    return [e.text for e in ET.fromstring(xml).iter(f"{SM}loc")]


def test_each_site_on_its_own_loopback_address_with_home_and_robots(demo):
    hosts = {s["home"].split("/")[2].split(":")[0] for s in demo.sites}
    assert hosts == {"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"}
    for site in demo.sites:
        status, headers, body = get(site["home"])
        assert status == 200 and "charset=" in headers["Content-Type"] and len(body) > 2000
        status, headers, robots = get(site["home"] + "robots.txt")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        assert b"Disallow: /" in robots


def test_ndsoft_feeds_list_pagination_and_article(demo):
    base = home(demo, "hangang-ilbo").rstrip("/")
    expected = {r["url"]: r for r in expected_of(demo, "hangang-ilbo")}
    status, headers, feed = get(base + "/rss/allArticle.xml")
    assert status == 200 and "rss" in headers["Content-Type"]
    links = [e.text for e in ET.fromstring(feed).iter("link")][1:]
    # every article, plus one taken down after the feed was cached
    assert len(links) == 16 and set(links) - set(expected) == {
        base + "/news/articleView.html?idxno=10399"
    }
    _, _, section_feed = get(base + "/rss/S1N3.xml")
    assert len(list(ET.fromstring(section_feed).iter("item"))) == 11
    # 11 articles in 사회 at 5 a page: three pages, then 404.
    seen = set()
    for page in (1, 2, 3):
        status, _, body = get(
            f"{base}/news/articleList.html?sc_section_code=S1N3&view_type=sm&page={page}"
        )
        assert status == 200
        found = set(re.findall(r'href="(/news/articleView\.html\?idxno=\d+)"', body.decode()))
        seen |= {base + p for p in found}
    assert {u for u, r in expected.items() if r["section"] == "사회"} <= seen
    assert get(f"{base}/news/articleList.html?sc_section_code=S1N3&view_type=sm&page=4")[0] == 404
    record = expected[base + "/news/articleView.html?idxno=10403"]
    status, _, page = get(record["url"])
    text = page.decode("utf-8")
    assert (
        status == 200 and 'id="article-view-content-div"' in text and '<h3 class="heading">' in text
    )
    assert escape(record["title"]) in text and "저작권자 © 한강일보 무단전재 및 재배포 금지" in text
    shown = record["published"][:16].replace("-", ".").replace("T", " ")  # 2026.12.03 09:20
    assert text.count("<figcaption>") == 2 and f"입력 {shown}" in text


def test_legacy_site_says_euc_kr_but_sends_cp949(demo):
    record = next(r for r in expected_of(demo, "newsview") if "똠양꿍" in r["body"])
    status, headers, body = get(record["url"])
    assert status == 200 and headers["Content-Type"] == "text/html; charset=euc-kr"
    assert b'<meta charset="euc-kr">' in body
    text = body.decode("cp949")
    assert "똠양꿍" in text and escape(record["title"]) in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("euc-kr")  # strict EUC-KR has no 똠: the charset label lies
    status, _, listing = get(home(demo, "newsview") + "list.html?section=sc2&page=2")
    assert status == 200 and b"sub_read.html?uid=" in listing


def test_legacy_seed_page_has_every_kind_of_boilerplate(demo):
    seed = next(r for r in expected_of(demo, "newsview") if r["published"].startswith("2017"))
    text = get(seed["url"])[2].decode("cp949")
    assert text.count(f"<b>{escape(seed['title'])}</b>") == 2  # the title block, twice
    assert "기사입력 2017/07/09 [14:18]" in text and "입력 : 2017/07/09 [14:18]" in text
    for piece in (
        "도배방지 이미지",
        "<b>포토</b>",
        "메인사진",
        "1/2",
        "많이 본 기사",
        "무단전재 및 재배포 금지",
        "- 러시아·노르웨이·미국",
        seed["images"][1]["caption"],
    ):
        assert piece in text, piece
    assert seed["body"].startswith("- 러시아") and seed["images"][1]["caption"] not in seed["body"]


def test_wordpress_feed_sitemaps_category_pages_and_shortlink(demo):
    base = home(demo, "hosu-news").rstrip("/")
    urls = {r["url"] for r in expected_of(demo, "hosu-news")}
    assert all("%EC" in u or "%EB" in u for u in urls)  # Hangul slugs, percent-encoded
    status, _, index = get(base + "/wp-sitemap.xml")
    posts = next(u for u in locs(index) if "posts-post-1" in u)
    assert status == 200 and set(locs(get(posts)[2])) == urls
    assert len(list(ET.fromstring(get(base + "/feed/")[2]).iter("item"))) == 10
    status, _, page2 = get(base + "/category/society/page/2/")
    assert status == 200 and b'class="page-numbers current">2<' in page2
    article = next(r for r in expected_of(demo, "hosu-news") if r["subtitle"])
    text = get(article["url"])[2].decode()
    assert '<meta name="generator" content="WordPress 6.6.2">' in text
    assert '<span class="author vcard">' in text and 'class="entry-content"' in text
    post_id = re.search(r'id="post-(\d+)"', text).group(1)
    with urllib.request.urlopen(f"{base}/?p={post_id}", timeout=10) as response:
        assert response.url == article["url"]


def test_modern_site_json_ld_and_google_news_sitemap(demo):
    base = home(demo, "nuri-times").rstrip("/")
    robots = get(base + "/robots.txt")[2].decode()
    index_url = re.search(r"^Sitemap: (\S+)$", robots, re.MULTILINE).group(1)
    news = next(u for u in locs(get(index_url)[2]) if "news" in u)
    xml = get(news)[2]
    assert xml.count(b"<news:news>") == 11 and b"/news/society/20260915/2990</loc>" in xml
    updated = next(r for r in expected_of(demo, "nuri-times") if r["updated"])
    text = get(updated["url"])[2].decode()
    assert '"@type": "NewsArticle"' in text
    assert f'"dateModified": "{updated["updated"]}"' in text and updated["updated"].endswith(
        "+09:00"
    )
    short = re.search(r'href="(/article/\d+)"', text).group(1)
    with urllib.request.urlopen(base + short, timeout=10) as response:
        assert response.url.startswith(base + "/news/")


def test_dead_links_404_with_a_body_and_head_works(demo):
    base = home(demo, "hangang-ilbo").rstrip("/")
    page = get(base + "/news/articleView.html?idxno=10400")[2].decode()
    assert "idxno=10399" in page  # linked ...
    status, headers, body = get(base + "/news/articleView.html?idxno=10399")
    assert status == 404 and "페이지를 찾을 수 없습니다".encode() in body  # ... but dead
    status, headers, body = get(base + "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert get(base + "/news/")[0] == 404  # no directory listing


def test_article_pages_link_to_urls_that_robots_txt_disallows(demo):
    # print pages, or wp-login.php on WordPress: a polite crawler must never request them
    for site in demo.sites:
        robots = Protego.parse(get(site["home"] + "robots.txt")[2].decode())
        record = expected_of(demo, site["name"])[0]
        charset = "cp949" if site["name"] == "newsview" else "utf-8"
        hrefs = re.findall(r'href="([^"#]+)"', get(record["url"])[2].decode(charset))
        absolute = [
            site["home"].rstrip("/") + h.replace("&amp;", "&") for h in hrefs if h.startswith("/")
        ]
        assert any(not robots.can_fetch(u, "krnews") for u in absolute), site["name"]
        assert robots.can_fetch(record["url"], "krnews")


def test_conditional_get_answers_304(demo):
    base = home(demo, "hangang-ilbo").rstrip("/")
    for path in (
        "/rss/allArticle.xml",
        "/news/articleList.html?sc_section_code=S1N3&view_type=sm",
        "/news/articleView.html?idxno=10401",
    ):
        status, headers, _ = get(base + path)
        assert status == 200 and headers["ETag"] and headers["Last-Modified"]
        assert get(base + path, {"If-None-Match": headers["ETag"]})[:1] == (304,)
        assert get(base + path, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        assert get(base + path, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
        assert get(base + path, {"If-None-Match": '"stale"'})[0] == 200
    sitemap = home(demo, "hosu-news") + "wp-sitemap-posts-post-1.xml"
    etag = get(sitemap)[1]["ETag"]
    assert get(sitemap, {"If-None-Match": etag})[0] == 304


def test_hold_back_hides_newest_articles_until_release(demo):
    newest = max(expected_of(demo, "hosu-news"), key=lambda r: r["published"])
    feed_url = home(demo, "hosu-news") + "feed/"
    before = get(feed_url)[1]["ETag"]
    demo.hold_back(2)
    try:
        assert get(newest["url"])[0] == 404
        assert newest["url"].encode() not in get(feed_url)[2]
        assert len(demo.expected) == len(expected_records()) - 2 * len(SITES)
        assert get(feed_url, {"If-None-Match": before})[0] == 200
    finally:
        demo.release()
    assert get(newest["url"])[0] == 200 and newest["url"].encode() in get(feed_url)[2]


def test_requests_are_recorded_in_order_with_headers(demo):
    url = home(demo, "nuri-times") + "?probe=1"
    get(url, {"User-Agent": "demo-test/1.0"})
    site, method, path, headers = demo.requests[-1]
    assert (site, method, path) == ("nuri-times", "GET", "/?probe=1")
    assert headers["User-Agent"] == "demo-test/1.0"


def test_write_sites_toml(demo, tmp_path):
    text = demo.write_sites_toml(tmp_path / "sites.toml").read_text(encoding="utf-8")
    assert text.count("[[site]]") == 4 and 'charset = "cp949"' in text
    assert all(f'home = "{s["home"]}"' in text for s in demo.sites)


def test_expected_json_is_in_sync_with_the_content():
    assert EXPECTED_JSON.read_text(encoding="utf-8") == expected_json_text(), (
        "crawler/demo/expected.json is stale: run python -m crawler.demo.expected"
    )


def trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def jaccard(a: str, b: str) -> float:
    x, y = trigrams(a), trigrams(b)
    return len(x & y) / len(x | y)


def test_different_stories_are_not_near_duplicates_and_press_versions_are():
    records = expected_records()
    cluster = [r for r in records if r["dup_group"]]
    assert len({r["site"] for r in cluster}) >= 3
    for a, b in combinations(records, 2):
        similarity = jaccard(a["body"], b["body"])
        if a["dup_group"] and a["dup_group"] == b["dup_group"]:
            assert similarity >= 0.6, (a["path"], b["path"], similarity)
            assert a["title"] != b["title"] and a["published"] != b["published"]
        else:
            assert similarity < 0.3, (a["path"], b["path"], similarity)


def test_content_covers_the_required_variety():
    records = expected_records()
    for site in SITES:
        assert len([r for r in records if r["site"] == site.name]) >= 15
    counts = {len(r["images"]) for r in records}
    assert {0, 1, 2} <= counts
    assert any(r["subtitle"] for r in records) and any(r["subtitle"] is None for r in records)
    assert any(r["author_email"] for r in records) and any(
        r["author_email"] is None for r in records
    )
    assert any(a.role == "시민기자" for s in SITES for a in s.articles)
    assert any(r["updated"] and r["updated"] != r["published"] for r in records)
    for r in records:
        assert r["body"] == normalize_block(r["body"]) and r["body"].count("\n") >= 1
        assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d:\d\d:00\+09:00", r["published"])
        assert (
            r["published"].startswith(("2026-10", "2026-11"))
            or r["path"] == "/sub_read.html?uid=1207&section=sc1"
        )
        assert r["author"] and " " not in r["author"]


def test_render_article_matches_the_served_page(demo):
    for site in SITES:
        path, body, headers = render_article(site.name, 0, now=demo.now)
        record = expected_of(demo, site.name)[0]
        assert path == record["path"]
        charset = headers["content-type"].split("charset=")[1]
        assert escape(record["title"]) in body.decode("cp949" if charset == "euc-kr" else charset)


DEAD_LINKS = {
    "hangang-ilbo": {"/news/articleView.html?idxno=10399"},
    "newsview": {f"/sub_read.html?uid=1999&section=sc{n}" for n in range(1, 5)},
    "hosu-news": {
        "/2026/09/30/%EC%B6%94%EC%84%9D-%EC%97%B0%ED%9C%B4-%EC%A2%85%ED%95%A9%EC%83%81%ED%99%A9%EC%8B%A4-%EC%9A%B4%EC%98%81/"
    },
    "nuri-times": {"/news/society/20260915/2990"},
}


def walk(site: dict[str, str]) -> tuple[set[str], set[str]]:
    """Follow every same-site <a href> a polite crawler may fetch: (pages answering 200, 404 paths)."""
    base = site["home"].rstrip("/")
    robots = Protego.parse(get(base + "/robots.txt")[2].decode())
    todo, seen, ok, dead = [base + "/"], {base + "/"}, set(), set()
    while todo:
        url = todo.pop()
        status, headers, body = get(url)
        if status == 404:
            dead.add(url[len(base) :])
            continue
        assert status == 200, (url, status)
        ok.add(url)
        charset = headers["Content-Type"].split("charset=")[-1]
        text = body.decode("cp949" if charset == "euc-kr" else charset)
        for href in re.findall(r'<a\b[^>]*?\bhref="([^"]+)"', text):
            link = urljoin(url, unescape(href)).split("#")[0]
            if (
                link.startswith(base + "/")
                and link not in seen
                and robots.can_fetch(link, "krnews")
            ):
                seen.add(link)
                todo.append(link)
    return ok, dead


def test_every_link_works_but_the_planted_dead_ones_and_every_article_is_reachable(demo):
    for site in demo.sites:
        ok, dead = walk(site)
        assert dead == DEAD_LINKS[site["name"]], site["name"]
        assert {r["url"] for r in expected_of(demo, site["name"])} <= ok, site["name"]


def test_faults_and_shared_host():
    with DemoSites(port=0, hosts=["127.0.0.1"], faults=True) as sites:
        assert len({s["home"] for s in sites.sites}) == 4
        assert all(s["home"].startswith("http://127.0.0.1:") for s in sites.sites)
        newest = max(expected_of(sites, "nuri-times"), key=lambda r: r["published"])
        status, headers, _ = get(newest["url"])
        assert status == 503 and headers["Retry-After"] == "1"
        assert get(newest["url"])[0] == 200


def test_the_sites_publish_up_to_the_demo_clock(demo):
    records = demo.expected
    recent = [r for r in records if not r["published"].startswith("2017")]
    times = sorted(datetime.fromisoformat(r["published"]) for r in recent)
    assert timedelta(hours=1) <= NOW - times[-1] <= timedelta(hours=2)  # the newest: just now
    assert timedelta(days=5) <= NOW - times[0] <= timedelta(days=6, hours=2)  # the oldest
    # all within the report's default week, spread over its days
    assert len({t.date() for t in times}) >= 6
    for r in recent:
        if r["updated"]:
            assert r["published"] < r["updated"] <= times[-1].isoformat()
    # the archive page keeps its date, as the seed of DESIGN.md §4 does
    assert [r["published"] for r in records if r not in recent] == ["2017-07-09T14:18:00+09:00"]


def test_the_clock_keeps_the_order_of_the_articles_and_of_a_storys_versions(demo):
    written = {(r["site"], r["title"]): r for r in expected_records()}
    moved = {(r["site"], r["title"]): r for r in demo.expected}
    assert written.keys() == moved.keys()
    keys = sorted(written, key=lambda k: written[k]["published"])
    assert [moved[k]["published"] for k in keys] == sorted(moved[k]["published"] for k in keys)
    story = [k for k in keys if written[k]["dup_group"]]
    assert len(story) == 4 and story[0][0] == "hangang-ilbo"  # the release ran there first
    dates = [moved[k]["published"] for k in story]
    assert dates == sorted(set(dates))  # strictly: who ran first stays first


def test_urls_feeds_and_sitemaps_carry_the_clocks_dates(demo):
    newest = max(expected_of(demo, "hosu-news"), key=lambda r: r["published"])
    y, m, d = newest["published"][:10].split("-")
    assert newest["path"].startswith(f"/{y}/{m}/{d}/")  # a WordPress permalink holds its day
    feed = ET.fromstring(get(home(demo, "hosu-news") + "feed/")[2])
    first = next(feed.iter("item"))
    assert first.findtext("link") == newest["url"]
    moment = parsedate_to_datetime(first.findtext("pubDate"))
    assert moment == datetime.fromisoformat(newest["published"])
    status, headers, _ = get(newest["url"])
    assert status == 200 and parsedate_to_datetime(headers["Last-Modified"]) == moment
    nuri = max(expected_of(demo, "nuri-times"), key=lambda r: r["published"])
    assert f"/{nuri['published'][:10].replace('-', '')}/" in nuri["path"]


def test_the_clock_is_deterministic_to_the_hour():
    same = on_clock(SITES, NOW.replace(minute=59))
    later = on_clock(SITES, NOW + timedelta(hours=3))
    assert same == on_clock(SITES, NOW)
    for site, moved in zip(same, later, strict=True):
        for a, b in zip(site.articles, moved.articles, strict=True):
            if a.published.startswith("2017"):
                assert b.published == a.published
            else:
                assert a.published_at + timedelta(hours=3) == b.published_at
    assert on_clock(SITES, None) == SITES  # no clock: the dates as written
