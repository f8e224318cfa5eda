"""The article verdict (crawler/extract/verdict.py) on every kind of link and page, and where the spider
and the extract stage ask it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html
from scrapy.http import HtmlResponse, Request, XmlResponse

from crawler.crawl.sites import Config, Site
from crawler.crawl.urls import canonical_url
from crawler.extract import verdict
from crawler.extract.profiles.base import Profile
from crawler.extract.verdict import NotAnArticle, judge_page, judge_url
from crawler.store.db import Store
from pipelines.extract import extract_page
from spiders.news import NewsSpider
from tests.unseensites import Bupyeong, GoyangNow, Hanbit, IlsanPost, page

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"


@pytest.mark.parametrize(
    ("url", "kind", "sure"),
    [
        ("http://x.kr/news/articleView.html?idxno=123", "article", True),
        ("http://x.kr/sub_read.html?uid=9&section=sc1", "article", True),
        ("http://x.kr/news/view.php?no=77", "article", True),
        ("http://x.kr/2024/05/12/some-slug/", "article", True),
        ("http://x.kr/2024/05/12/some-slug/#content", "article", True),
        ("http://x.kr/news/society/20261103/5010", "article", False),
        ("http://x.kr/board/view.asp?idx=1234", "article", False),
        ("http://x.kr/bbs/board.php?bo_table=news&wr_id=812", "article", False),
        ("http://x.kr/index.php?mid=news&document_srl=3317", "article", False),
        ("http://x.kr/news/articleList.html?sc_section_code=S1N2", "list", True),
        ("http://x.kr/category/society/", "list", True),
        ("http://x.kr/list.html?section=sc2&page=3", "list", True),
        ("http://x.kr/news/society", "list", False),
        ("http://x.kr/latest", "list", False),
        # A gnuboard board without a post is its list (a category tab, a page of it): sure.
        ("http://x.kr/bbs/board.php?bo_table=news&sca=정치", "list", True),
        ("http://x.kr/bbs/board.php?bo_table=news", "list", True),
        ("http://x.kr/bbs/board.php?bo_table=notice&page=3", "list", True),
        # An XE / Rhymix module without a document: a guess (a page module is one too).
        ("http://x.kr/index.php?mid=news", "list", False),
        ("http://x.kr/index.php?mid=news&category=101&page=2", "list", False),
        ("http://x.kr/news/list.asp?page=2&code=0102", "list", False),
        ("http://x.kr/section/life", "list", False),
        # A Hangul-slug permalink ending in "/" has the shape of a list: a guess, so fetched.
        ("http://x.kr/고양시-축제/", "list", False),
        ("http://x.kr/news/고양시-개인정보-유출-사고/", "list", False),
        ("http://x.kr/article/goyang-flower-show-opens", "article", False),
        ("http://x.kr/article/opinion", "other", False),
        ("http://x.kr/about-news-today-goyang", "other", False),
    ],
)
def test_links_that_are_fetched(url: str, kind: str, sure: bool) -> None:
    found = judge_url(url)
    assert (found.kind, found.sure) == (kind, sure)
    assert found.fetch


@pytest.mark.parametrize(
    "url",
    [
        "http://x.kr/news/carbon-footprint-report-2024/",
        "http://x.kr/news/3dprinting-gets-a-boost",
        "http://x.kr/comment/opinion/article/3046526/tsai-ing-wen",
        "http://x.kr/r/Python/comments/1bbbwk/whats_your_opinion/",
        "http://x.kr/SharedDocs/Meldungen/2021/001.html",
        "http://x.kr/news/joint-venture-12345678",
        "http://x.kr/downloads/BestCrypt_13003274.html",
        "http://x.kr/news/searchlight-on-the-council",
        "http://x.kr/news/policy",
        "http://x.kr/youth/",
        # A print edition's archive names documents, a print view an id.
        "https://www.spiegel.de/spiegel/print/d-161500790.html",
    ],
)
def test_skip_words_inside_other_words_do_not_skip_a_link(url: str) -> None:
    assert judge_url(url).fetch, judge_url(url)


@pytest.mark.parametrize(
    ("url", "kind", "reason"),
    [
        ("http://x.kr/news/articlePrint.html?idxno=123", "other", "print_url"),
        ("http://x.kr/bbs/print.php?bo_table=news&wr_id=12", "other", "print_url"),
        ("http://x.kr/view.php?no=3&mode=print", "other", "print_url"),
        ("http://x.kr/bbs/download.php?bo_table=news&wr_id=1&no=0", "other", "file_url"),
        ("http://x.kr/wp-login.php", "other", "login_url"),
        ("http://x.kr/2024/05/12/slug/?replytocom=12", "other", "comment_url"),
        ("http://x.kr/news/news_print.php?no=2041", "other", "print_url"),
        ("http://x.kr/article/goyang-flower-show-opens/print", "other", "print_url"),
        ("http://x.kr/print/12345", "other", "print_url"),
        ("http://x.kr/news/print/?idxno=5", "other", "print_url"),
        ("http://x.kr/search.html?keyword=고양", "other", "search_url"),
        ("http://x.kr/bbs/search.php?stx=축제", "other", "search_url"),
        ("http://x.kr/?s=고양", "other", "search_url"),
        ("http://x.kr/tag/축제/", "other", "tag_url"),
        ("http://x.kr/news/tags/고양시", "other", "tag_url"),
        ("http://x.kr/member/login.html", "other", "login_url"),
        ("http://x.kr/bbs/login.php", "other", "login_url"),
        ("http://x.kr/bbs/comment_ok.html", "other", "comment_url"),
        ("http://x.kr/admin/", "other", "admin_url"),
        ("http://x.kr/2024/05/12/slug/?share=facebook", "other", "share_url"),
        ("http://x.kr/news/photo/202405/1_2.jpg", "other", "file_url"),
        ("http://x.kr/data/file/press.hwp", "other", "file_url"),
        ("http://x.kr/company.html", "static", "static_url"),
        ("http://x.kr/sub_about.html", "static", "static_url"),
        ("http://x.kr/sub_privacy.html", "static", "static_url"),
        ("http://x.kr/about", "static", "static_url"),
        ("http://x.kr/about-us/", "static", "static_url"),
        ("http://x.kr/privacy", "static", "static_url"),
        ("http://x.kr/bbs/content.php?co_id=company", "static", "static_url"),
        ("http://x.kr/index.php?mid=privacy", "static", "static_url"),
        (canonical_url("http://x.kr/회사소개/"), "static", "static_url"),
        (canonical_url("http://x.kr/개인정보처리방침/"), "static", "static_url"),
        (canonical_url("http://x.kr/오시는-길/"), "static", "static_url"),
        ("http://x.kr/청소년보호정책.html", "static", "static_url"),
    ],
)
def test_links_that_are_never_fetched(url: str, kind: str, reason: str) -> None:
    found = judge_url(url)
    assert (found.kind, found.reason, found.sure) == (kind, reason, True)
    assert not found.fetch


def _doc(site, path: str) -> tuple[html.HtmlElement, str]:
    answer = page(site, path)
    assert answer.status == 200, path
    charset = "cp949" if "euc-kr" in answer.content_type else "utf-8"
    return html.document_fromstring(answer.body.decode(charset)), site.base + path


def _site(cls):
    site = cls()
    site.base = "http://www.example.kr"
    return site


@pytest.mark.parametrize(
    ("cls", "path"),
    [
        (GoyangNow, "/article/goyang-council-youth-ordinance"),
        (Bupyeong, "/bbs/board.php?bo_table=news&wr_id=12"),
        (IlsanPost, "/news/고양시-축제/"),
        (IlsanPost, "/?p=124"),
        (Hanbit, "/news/news_view.php?no=2042"),
    ],
)
def test_article_pages_are_articles(cls, path: str) -> None:
    site = _site(cls)
    answer = page(site, path)
    headers = {"content-type": answer.content_type}
    article = extract_page(answer.body, site.base + path, headers)
    assert article["title"] and article["paragraphs"]
    doc, url = _doc(site, path)
    assert judge_page(doc, url).is_article  # before extraction: not rejected on cheap signals
    found = judge_page(doc, url, {**article, "link_density": 0.0})
    assert found.is_article and found.signals["published"]


def test_the_modern_page_is_judged_by_its_metadata_too() -> None:
    doc, _url = _doc(_site(GoyangNow), "/article/goyang-flower-show-opens")
    signals = verdict.metadata_signals(doc)
    assert signals == {"og_type": "article", "ld_type": "NewsArticle", "article_tag": True}


@pytest.mark.parametrize(
    ("cls", "path", "kind"),
    [
        (GoyangNow, "/about", "static"),
        (GoyangNow, "/privacy", "static"),
        (Bupyeong, "/bbs/content.php?co_id=company", "static"),
        (IlsanPost, "/회사소개/", "static"),
        (Hanbit, "/company.html", "static"),
        (Hanbit, "/sub_youth.html", "static"),
        (Bupyeong, "/bbs/board.php?bo_table=news", "list"),
        (IlsanPost, "/section/문화/", "list"),
        (Hanbit, "/news/news_list.php?section=2", "list"),
        (GoyangNow, "/news", "list"),
    ],
)
def test_static_and_list_pages_are_dropped_with_their_reason(cls, path, kind) -> None:
    site = _site(cls)
    answer = page(site, path)
    # Served under a URL no rule knows, the page alone must give it away.
    with pytest.raises(NotAnArticle) as caught:
        extract_page(
            answer.body, "http://www.example.kr/p/98765x", {"content-type": answer.content_type}
        )
    assert caught.value.verdict.kind in (kind, "other") and not caught.value.verdict.is_article
    if kind == "static":
        assert caught.value.reason == "static_page"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://x.kr/news/news_print.php?no=2041", "print_url"),
        ("http://x.kr/bbs/search.php?stx=고양", "search_url"),
        ("http://x.kr/tag/고양시/", "tag_url"),
        ("http://x.kr/bbs/login.php", "login_url"),
        ("http://x.kr/sub_about.html", "static_url"),
        ("http://x.kr/news/articleList.html?sc_section_code=S1N1", "list_url"),
    ],
)
def test_pages_at_urls_that_are_never_articles_are_not_even_decoded(url, reason) -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract_page(b"\xff\xfe not html at all", url, {"content-type": "text/html"})
    assert caught.value.reason == reason


def test_a_list_of_links_is_rejected_before_extraction(monkeypatch) -> None:
    def extract(self, doc, url):
        raise AssertionError("a page the cheap verdict rejects must not be extracted")

    monkeypatch.setattr(Profile, "extract", extract)
    rows = "".join(
        f'<li><a href="/bbs/board.php?bo_table=news&wr_id={n}">부평구 소식 {n}번째 기사의 제목</a>'
        f"<span>06-{n:02d}</span></li>"
        for n in range(1, 30)
    )
    body = f'<html><head><meta charset="utf-8"><title>뉴스</title></head><body><ul>{rows}</ul>'
    with pytest.raises(NotAnArticle) as caught:
        extract_page(body.encode(), "http://x.kr/board/news", {})  # a list guess: judged
    assert caught.value.reason == "link_list"
    with pytest.raises(NotAnArticle) as caught:
        extract_page(body.encode(), "http://x.kr/bbs/board.php?bo_table=news", {})
    assert caught.value.reason == "list_url"  # a board without a post: its URL is enough


def test_a_page_a_profile_claims_but_whose_body_xpaths_miss_is_still_extracted() -> None:
    # goyang-now carries JSON-LD NewsArticle and og:title: the jsonld profile claims it, and
    # none of its body XPaths (itemprop=articleBody, article-body) is on the page.
    site = _site(GoyangNow)
    story = site.stories[2]
    answer = page(site, site.canonical_path(story))
    article = extract_page(answer.body, site.base + site.canonical_path(story), {})
    assert article["profile"] == "jsonld"
    assert article["title"] == story.title
    assert article["paragraphs"][: len(story.paragraphs)] == list(story.paragraphs)
    assert "link_density" not in article  # the verdict's own signal never reaches the store


def test_the_page_names_its_identity_and_the_fetched_url_becomes_an_alias() -> None:
    site = _site(IlsanPost)
    answer = page(site, "/?p=123")
    article = extract_page(answer.body, "http://www.example.kr/?p=123", {})
    assert article["url"] == canonical_url("http://www.example.kr/news/고양시-축제/")
    assert article["aliases"] == ["http://www.example.kr/?p=123"]


def test_a_canonical_url_on_another_site_or_the_front_page_is_not_the_identity() -> None:
    site = _site(Bupyeong)
    answer = page(site, "/bbs/board.php?bo_table=news&wr_id=13")
    text = answer.body.decode()
    own = "http://www.example.kr/bbs/board.php?bo_table=news&wr_id=13"
    for named in (
        "http://other.kr/bbs/board.php?bo_table=news&wr_id=13",
        "http://www.example.kr/",
        "http://www.example.kr/news/articleList.html?sc_section_code=S1N1",
        "http://www.example.kr/bbs/print.php?bo_table=news&wr_id=13",
    ):
        body = text.replace(f'href="{own}"', f'href="{named}"').encode()
        assert f'href="{named}"' in body.decode()
        article = extract_page(body, own, {})
        assert article["url"] == own and article["aliases"] == []


@pytest.fixture
def spider(tmp_path):
    config = Config(sites=(Site(name="ilsan-post", home="http://x.kr/"),))
    spider = NewsSpider(config=config)
    spider.store = Store(tmp_path / "news.db")
    yield spider
    spider.store.close()


def test_a_hangul_slug_permalink_in_a_sitemap_is_fetched(spider) -> None:
    urls = ["http://x.kr/고양시-축제/", "http://x.kr/회사소개/", "http://x.kr/tag/축제/"]
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{u}</loc></url>" for u in urls)
        + "</urlset>"
    )
    request = Request("http://x.kr/sitemap.xml", meta={"site": "ilsan-post"})
    response = XmlResponse(request.url, body=xml.encode(), request=request)
    asked = [r.url for r in spider.parse_sitemap(response) if r is not None]
    assert asked == [canonical_url("http://x.kr/고양시-축제/")]


def test_links_with_list_context_are_one_request_and_known_through_aliases(spider) -> None:
    links = [
        "/bbs/board.php?bo_table=news&wr_id=12&page=2",
        "/bbs/board.php?bo_table=news&wr_id=12&sca=%EC%A0%95%EC%B9%98",
        "/bbs/board.php?bo_table=news&wr_id=12&utm_source=naver",
        "/bbs/board.php?bo_table=news&sca=%EC%A0%95%EC%B9%98",
        "/bbs/print.php?bo_table=news&wr_id=12",
        "/bbs/content.php?co_id=company",
    ]
    body = "".join(f'<a href="{href}">링크</a>' for href in links)
    request = Request("http://x.kr/", meta={"site": "ilsan-post"})
    response = HtmlResponse(
        request.url, body=f"<html><body>{body}</body></html>".encode(), request=request
    )
    state = spider.states["ilsan-post"]
    found = list(spider._links(state, response))
    # one request per article, sent as the page first wrote it (the list context is identity
    # only: crawler.crawl.urls.canonical_url)
    assert found == [
        ("http://x.kr/bbs/board.php?bo_table=news&wr_id=12&page=2", "article"),
        ("http://x.kr/bbs/board.php?bo_table=news&sca=%EC%A0%95%EC%B9%98", "list"),
    ]
    spider.store.save_article(
        {
            "url": "http://x.kr/bbs/board.php?bo_table=news&wr_id=12",
            "site": "ilsan-post",
            "title": "부평구의회, 굴포천 복원 예산 삭감 논란",
            "body": "부평구의회가 굴포천 생태하천 복원 예산을 삭감했다.",
            "aliases": ["http://x.kr/?p=12"],
        }
    )
    # the "already stored" check is the dupefilter's (crawler.crawl.dupefilter), on the run's store
    known = _stored_filter(spider.store)
    assert known("http://x.kr/?p=12")
    assert known("http://x.kr/bbs/board.php?bo_table=news&wr_id=12&page=3")


def _stored_filter(store):
    """request_seen of the crawl's dupefilter on `store`, for an article link."""
    from types import SimpleNamespace

    from crawler.crawl.dupefilter import StoredArticleFilter
    from crawler.crawl.ledger import WorkLedger

    run = SimpleNamespace(store=store, ledger=WorkLedger(), run_id=None, sites={})
    stats = SimpleNamespace(inc_value=lambda key, count=1: None)
    dupefilter = StoredArticleFilter()
    dupefilter.crawler = SimpleNamespace(get_extension=lambda cls: run, stats=stats)
    return lambda url: dupefilter.request_seen(Request(url, meta={"krnews_kind": "article"}))


def test_an_undated_page_of_prose_is_an_article_a_list_with_leads_is_not() -> None:
    prose = [
        (
            "고양시 일산동구 주민들이 마을 도서관을 직접 운영한 지 10년이 됐다. 처음에는 책 300권으로 "
            "시작했지만 지금은 2만 권이 넘는 책을 갖춘 동네 사랑방이 됐다. 주민 1천여 명이 회원으로 가입해 "
            "해마다 책을 기증하고 도서관 살림을 함께 꾸린다."
        ),
        (
            "도서관 운영위원회는 매주 토요일 어린이 책 읽기 모임을 열고, 평일 저녁에는 어르신 한글 "
            "교실을 운영한다. 자원봉사자만 80명에 이른다. 방학에는 초등학생을 위한 글쓰기 교실과 "
            "그림책 만들기 수업도 연다."
        ),
        (
            "운영위원장은 주민들이 함께 만든 공간이라 더 애착이 간다며 앞으로도 문을 닫지 않겠다고 "
            "말했다. 도서관은 내년에 열 번째 작은 음악회를 열 계획이다."
        ),
    ]
    body = "".join(f"<p>{p}</p>" for p in prose)
    doc = (
        '<html><head><meta charset="utf-8"><title>마을 도서관 10년</title></head><body>'
        f'<div class="content"><h1>마을 도서관 10년</h1>{body}</div></body></html>'
    )
    article = extract_page(doc.encode(), "http://x.kr/p/library", {})
    assert article["published"] is None and article["title"] == "마을 도서관 10년"
    leads = "".join(
        f'<li><a href="/p/story-{n}">고양시 소식 {n}번째 기사의 제목입니다</a><p>{p}</p></li>'
        for n, p in enumerate(prose * 2)
    )
    listing = (
        '<html><head><meta charset="utf-8"><title>전체기사</title></head><body>'
        f"<ul>{leads}</ul></body></html>"
    )
    with pytest.raises(NotAnArticle) as caught:
        extract_page(listing.encode(), "http://x.kr/p/all", {})
    assert caught.value.verdict.kind == "list"
    assert caught.value.verdict.signals["link_density"] > 0.15


def test_a_footer_heading_does_not_make_a_story_a_static_page() -> None:
    # schwimmverband.at prints "Impressum" and "Datenschutzerklärung" as <h1>s of its footer
    # frames under every story, whose headline is an <h2>: those are not the page's title.
    footer = (
        '<div class="section-column footer-section-content-column"><div class="frame">'
        '<h1>Partner</h1></div><div class="frame"><h1>Impressum</h1></div></div>'
    )
    story = (
        "<html><head><title>FINA Weltmeisterschaften VERSCHOBEN - OSV</title></head><body>"
        "<div class='news'><h2>FINA Weltmeisterschaften VERSCHOBEN</h2><p>Wie schon seit Wochen "
        f"kolportiert wurde, ist es nun fix.</p></div>{footer}</body></html>"
    )
    assert judge_page(html.fromstring(story), "https://x.at/news-artikel").is_article
    imprint = (
        "<html><head><title>OSV</title></head><body><main><h1>Impressum</h1><p>Angaben gemäß "
        f"§ 5 TMG: Österreichischer Schwimmverband, Wien.</p></main>{footer}</body></html>"
    )
    assert judge_page(html.fromstring(imprint), "https://x.at/seite").reason == "static_page"
