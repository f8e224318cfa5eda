"""Lists, boards and indexes are never stored as articles, by the page's shape (crawler/extract/
shapes.py, read by crawler/extract/verdict.py), while the articles they link are crawled.

tests/fixtures/lists/ holds one list page of each family (gnuboard 5 webzine board, a Rhymix /
XE board index, a Next.js section, a WordPress category archive, a classic ASP table list in
EUC-KR, a Tistory tag page, a 공지사항 list) and an article page of the same family, each with a
related-articles list and a sidebar: invented text, written for these tests.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest

from crawler.extract import shapes
from crawler.extract.charset import decode_html
from crawler.extract.verdict import NotAnArticle
from pipelines.extract import extract_page, parse_html
from tests.conftest import krnews, rows, write_sites

LISTS = Path(__file__).parent / "fixtures" / "lists"
HEADLINE = "시흥시, 배곧 해안 산책로 3㎞ 추가 개통"
NOWHERE = "http://www.example.kr/p/98765x"  # a URL no rule knows: the page alone must decide

# (list fixture, its URL, article fixture, its URL)
FAMILIES = [
    (
        "gnuboard_list",
        "http://www.example.kr/bbs/board.php?bo_table=news&sca=정치",
        "gnuboard_article",
        "http://www.example.kr/bbs/board.php?bo_table=news&wr_id=120",
    ),
    (
        "rhymix_list",
        "http://www.example.kr/news",
        "rhymix_article",
        "http://www.example.kr/index.php?mid=news&document_srl=4410",
    ),
    (
        "nextjs_list",
        "http://www.example.kr/section/life",
        "nextjs_article",
        "http://www.example.kr/article/20240621500000",
    ),
    (
        "wordpress_list",
        "http://www.example.kr/category/local/",
        "wordpress_article",
        "http://www.example.kr/2024/06/21/post-1/",
    ),
    (
        "asp_list",
        "http://www.example.kr/news/list.asp?page=2&code=0102",
        "asp_article",
        "http://www.example.kr/news/view.asp?idx=8800&code=0102",
    ),
    (
        "tistory_tag",
        "http://www.example.kr/keyword/축제",
        "tistory_article",
        "http://www.example.kr/212",
    ),
    (
        "notice_list",
        "http://www.example.kr/notice.php",
        "notice_article",
        "http://www.example.kr/news_view.php?no=520",
    ),
]
TEASER_LISTS = [f for f in FAMILIES if f[0] != "notice_list"]  # a notice list has no leads


def _body(name: str) -> bytes:
    return (LISTS / f"{name}.html").read_bytes()


def _extracted(name: str, url: str) -> tuple:
    """The page parsed and extracted as the extract stage does, without the verdict."""
    from crawler.extract import profiles

    text, _codec = decode_html(_body(name), {})
    doc = parse_html(text)
    return doc, profiles.detect(doc, text, url).extract(doc, url)


@pytest.mark.parametrize(("listing", "list_url", "_a", "_u"), FAMILIES)
@pytest.mark.parametrize("where", ["own", "nowhere"])
def test_a_list_page_is_never_an_article(listing, list_url, _a, _u, where) -> None:
    url = list_url if where == "own" else NOWHERE
    with pytest.raises(NotAnArticle) as caught:
        extract_page(_body(listing), url, {})
    assert caught.value.verdict is not None and caught.value.verdict.kind in ("list", "other")


@pytest.mark.parametrize(("_l", "_lu", "story", "story_url"), FAMILIES)
@pytest.mark.parametrize("where", ["own", "nowhere"])
def test_its_article_with_related_list_and_sidebar_stays_an_article(
    _l, _lu, story, story_url, where
) -> None:
    article = extract_page(_body(story), story_url if where == "own" else NOWHERE, {})
    assert article["title"].startswith(HEADLINE)  # gnuboard's <h1> is "제목 > 게시판"
    assert article["published"] and article["published"].startswith("2024-06-21T10:32")
    assert any("배곧 한울공원" in p for p in article["paragraphs"])


@pytest.mark.parametrize(("listing", "_lu", "story", "_su"), TEASER_LISTS)
def test_the_shape_tells_a_teaser_list_from_a_story(listing, _lu, story, _su) -> None:
    doc, extracted = _extracted(listing, NOWHERE)
    assert shapes.teaser_share(doc, NOWHERE, extracted["paragraphs"]) >= 0.6, listing
    doc, extracted = _extracted(story, NOWHERE)
    assert shapes.teaser_share(doc, NOWHERE, extracted["paragraphs"]) == 0.0, story


def test_a_board_list_under_an_article_shaped_url_is_still_a_list() -> None:
    # Not the URL's words: a board list served where an article would be is judged by its page.
    with pytest.raises(NotAnArticle) as caught:
        extract_page(_body("gnuboard_list"), "http://www.example.kr/news/view.php?no=77", {})
    assert caught.value.reason == "teaser_list"


def test_a_notice_post_of_a_board_is_a_post() -> None:
    # 공지 is a post of the board like any other; its list is a list.
    url = "http://www.example.kr/bbs/board.php?bo_table=notice&wr_id=3"
    assert extract_page(_body("gnuboard_article"), url, {})["title"].startswith(HEADLINE)
    with pytest.raises(NotAnArticle):
        extract_page(
            _body("gnuboard_list"), "http://www.example.kr/bbs/board.php?bo_table=notice", {}
        )


STORY = (
    (
        "수원시 팔달구 행궁동 주민들이 골목 화단을 함께 가꾸는 모임을 만들었다. 모임에는 주민 "
        "40여 명이 참여해 매주 토요일 아침 골목 화단에 꽃을 심고 물을 준다."
    ),
    (
        '모임 대표는 "처음에는 몇 집만 시작했는데 이웃들이 하나둘 함께하면서 골목 분위기가 '
        '밝아졌다"고 말했다. 구는 화단 흙과 모종을 지원하기로 했다.'
    ),
)
LEADS = [
    ("/news/view.php?no=31", "화성 동탄 순환버스 노선 개편", "배차 간격을 줄이는 개편안을 두고 주민 의견을 듣는 자리가 마련됐다."),
    ("/news/view.php?no=32", "오산천 복원 2단계 공사 착공", "콘크리트 제방을 걷어내고 습지와 여울을 만드는 공사가 시작됐다."),
    ("/news/view.php?no=33", "대부도 포도 축제 개막", "포도 따기 체험과 직거래 장터, 가족 음악회가 사흘 동안 열린다."),
    ("/news/view.php?no=34", "과천 어린이도서관 주말 연장", "토요일과 일요일에도 저녁 8시까지 문을 연다는 소식에 반응이 좋다."),
    ("/news/view.php?no=35", "군포 산본시장 할인 행사", "상품권 10% 할인 행사가 연말까지 이어진다고 상인회가 밝혔다."),
    ("/news/view.php?no=36", "의왕 왕송호수 철새 관찰", "가족 단위 참가자를 모집하며 신청은 시 누리집에서 받는다."),
]  # fmt: skip


def _short_story(related_in_body: bool, own_lead: bool = False) -> bytes:
    leads = list(LEADS)
    if own_lead:  # the page itself among the latest stories, with its lead
        leads[0] = ("/news/view.php?no=30", "행궁동 골목 화단 모임", STORY[0])
    related = "".join(
        f"<li><a href='{href}'>{head}</a><p>{lead}</p><span>2024-06-20</span></li>"
        for href, head, lead in leads
    )
    related = f"<div class='related'><h3>관련기사</h3><ul>{related}</ul></div>"
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    body = f"<div class='view_text'>{paragraphs}{related if related_in_body else ''}</div>"
    return (
        "<html><head><meta charset='utf-8'><title>행궁동 골목 화단 모임 - 수원소식</title></head>"
        "<body><h1>행궁동 골목 화단 모임</h1><p class='info'>이도현 기자 | 입력 2024-06-21 10:32</p>"
        f"{body}{'' if related_in_body else related}</body></html>"
    ).encode()


@pytest.mark.parametrize("related_in_body", [False, True])
def test_a_short_story_with_more_related_leads_than_text_stays_an_article(
    related_in_body,
) -> None:
    article = extract_page(_short_story(related_in_body), "http://x.kr/news/view.php?no=30", {})
    assert article["title"] == "행궁동 골목 화단 모임"
    assert article["paragraphs"][:2] == list(STORY)


def test_a_latest_box_that_repeats_the_story_is_not_a_list_of_it() -> None:
    article = extract_page(
        _short_story(False, own_lead=True), "http://x.kr/news/view.php?no=30", {}
    )
    assert article["paragraphs"][:2] == list(STORY)


# -- a crawl of a board paper: the lists are read, their articles stored, no list stored --------

BOARD = "/bbs/board.php"
POSTS = {n: (LEADS[n - 1][1], LEADS[n - 1][2]) for n in range(1, 7)}  # wr_id: (title, lead)
DOCS = {101 + i: (HEADLINE.replace("시흥시", f"{town}시"), f"{town}시가 해안 산책로를 새로 열었다.")
        for i, town in enumerate(("안산", "화성", "평택"))}  # fmt: skip
NOTICES = {
    90: ("홈페이지 개편 안내", "새 누리집을 연다."),
    91: ("시민기자 모집 안내", "시민기자를 뽑는다."),
}


def _teasers(items: list[tuple[str, str, str]]) -> str:
    return "".join(
        f"<li class='webzine_li'><div class='bo_tit'><a href='{href}'>{head}</a></div>"
        f"<p class='wz_txt'>{lead} 자세한 내용은 기사 본문에서 확인할 수 있다.</p>"
        f"<span class='wz_date'>06-2{i % 10}</span></li>"
        for i, (href, head, lead) in enumerate(items)
    )


def _page(title: str, main: str) -> bytes:
    return (
        f"<!doctype html><html lang='ko'><head><meta charset='utf-8'><title>{title} | 서해안신문"
        "</title></head><body><nav><a href='/'>홈</a> <a href='/bbs/board.php?bo_table=news'>뉴스"
        "</a> <a href='/news'>소식</a></nav><div id='container'>"
        f"{main}</div><footer>서해안신문 | 경기도 시흥시</footer></body></html>"
    ).encode()


def _board_list(params: dict) -> bytes:
    page = int(params.get("page", 1))
    numbers = [1, 2, 3, 4] if page == 1 else [5, 6]
    if params.get("sca"):
        numbers = [1, 2]
    items = [(f"{BOARD}?bo_table=news&amp;wr_id={n}", *POSTS[n]) for n in numbers]
    tabs = "".join(
        f"<li><a href='{BOARD}?bo_table=news&amp;sca={quote(c)}'>{c}</a></li>" for c in ("정치",)
    )
    pager = f"<a href='{BOARD}?bo_table=news&amp;page=2'>2</a>" if page == 1 else ""
    return _page(
        "뉴스 1 페이지",
        f"<ul id='bo_cate_ul'>{tabs}</ul><ul class='webzine'>{_teasers(items)}</ul>"
        f"<nav class='pg_wrap'><strong>1</strong>{pager}</nav>",
    )


def _doc_index(params: dict) -> bytes:
    numbers = [101, 102] if int(params.get("page", 1)) == 1 else [103]
    items = [(f"/index.php?mid=news&amp;document_srl={n}", *DOCS[n]) for n in numbers]
    pager = "<a href='/news?page=2'>2</a> <a href='/news?page=2'>다음</a>"
    # Its first page opens with the board's two notices (공지), posts of the same shape.
    notices = [(f"/index.php?mid=news&amp;document_srl={n}", *NOTICES[n]) for n in NOTICES]
    return _page("소식", f"<ol class='bd_lst'>{_teasers(items + notices)}</ol>{pager}")


def _story(title: str, lead: str, related: list[tuple[str, str, str]]) -> bytes:
    paragraphs = "".join(f"<p>{lead} {p}</p>" for p in STORY)
    return _page(
        title,
        f"<article id='bo_v'><h1>{title}</h1><p class='if_date'>작성일 24-06-21 10:32</p>"
        f"<div id='bo_v_con'>{paragraphs}</div></article>"
        f"<section class='related'><h2>관련기사</h2><ul>{_teasers(related)}</ul></section>",
    )


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {k: unquote(v) for k, v in parse_qsl(parts.query)}
        self.server.asked.append(self.path)  # type: ignore[attr-defined]
        related = [(f"{BOARD}?bo_table=news&amp;wr_id={n}", *POSTS[n]) for n in (1, 2, 3, 4)]
        body = None
        if parts.path == "/robots.txt":
            body = b"User-agent: *\nAllow: /\n"
        elif parts.path == "/":
            body = _page("서해안신문", "<p><a href='/bbs/board.php?bo_table=news'>뉴스</a></p>")
        elif parts.path == BOARD and params.get("bo_table") == "news":
            n = int(params.get("wr_id", 0))
            body = _story(*POSTS[n], related) if n in POSTS else _board_list(params)
        elif parts.path == "/news":
            body = _doc_index(params)
        elif parts.path == "/index.php" and int(params.get("document_srl", 0)) in DOCS | NOTICES:
            body = _story(*(DOCS | NOTICES)[int(params["document_srl"])], related)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        kind = "text/plain" if parts.path == "/robots.txt" else "text/html; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    server = ThreadingHTTPServer(("127.0.0.70", 0), _Handler)
    server.asked = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.70:{server.server_address[1]}"
    tmp = tmp_path_factory.mktemp("boards")
    try:
        toml = write_sites(tmp / "sites.toml", [{"name": "seohaean", "home": base + "/"}])
        result = krnews("crawl", "--sites", str(toml), "--db", str(tmp / "news.db"))
        stored = rows(tmp / "news.db", "SELECT url, title FROM articles")
    finally:
        server.shutdown()
        server.server_close()
    return result, base, stored, list(server.asked)  # type: ignore[attr-defined]


def test_the_crawl_stores_every_article_of_the_lists_and_no_list(crawled) -> None:
    result, base, stored, asked = crawled
    assert result.returncode == 0, result.stderr[-3000:]
    want = {f"{base}{BOARD}?bo_table=news&wr_id={n}" for n in POSTS} | {
        f"{base}/index.php?mid=news&document_srl={n}" for n in (*DOCS, *NOTICES)
    }
    assert {unquote(r["url"]) for r in stored} == want  # the notices are posts: stored too
    assert not [r for r in stored if "wr_id" not in r["url"] and "document_srl" not in r["url"]]
    # The lists were read: the index at /news (a page the crawl offered as an article and
    # rejected) and the board's second page gave the articles linked only from there.
    assert any(path.startswith("/news") for path in asked)
    assert any("page=2" in path and "bo_table" in path for path in asked)
