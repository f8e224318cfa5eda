"""A Korean news site whose server answers a URL only in the form its pages link it, as servers do
that key a page or its cache by the raw request target (a legacy PHP router reading its first
bare key, a signed URL): a reordered query, a bare key given `=`, an escaped path spelled another
way is a 404. Beside it, the hosts a crawler must not be steered to.

- `/` links articles as `view.php?uid=N&section=sc1` (not sorted), `read.php?news&id=N` (a bare
  key), a raw Hangul path `/기사/N-고양시-소식/` and a query with a raw space and raw Hangul; a list
  `list.php?sec=3` whose second page is `list.php?sec=3&page=2` (not sorted either) links one more;
  the feed names one in CDATA with `&amp;`.
- Faults: `/go.php?id=1` answers 302 to another host's "internal" page, `/moved.php?id=2` sends a
  `<meta http-equiv="refresh">` there, `/view.php?uid=9&section=sc1&utm_source=rss` answers 302
  to the same article without the tracking parameter (one canonical form: followed once), and
  robots.txt names a gzip sitemap that inflates far past the download size cap.
- `MovedSite`: a home page that answers 301 to another host.
"""

from __future__ import annotations

import gzip
from typing import Self
from urllib.parse import quote

from tests.servers import QuietHandler, RecordingServer

INTERNAL_TOKEN = "internal-token-8d1f"

# what a page links (href) -> the request target a browser sends for it (UTF-8 pages)
HANGUL_PATH = "/기사/3-고양시-소식/"
ARTICLES = {
    "view.php?uid=1&section=sc1": ("/view.php?uid=1&section=sc1", 1),
    "/read.php?news&id=2": ("/read.php?news&id=2", 2),
    HANGUL_PATH: (quote(HANGUL_PATH), 3),
    "/find.php?id=4&cat=지역 소식": ("/find.php?id=4&cat=" + quote("지역 소식"), 4),
    "/view.php?uid=5&section=sc2": ("/view.php?uid=5&section=sc2", 5),  # only on list page 2
    "/view.php?uid=6&amp;section=sc3": ("/view.php?uid=6&section=sc3", 6),  # only in the feed
    "/view.php?uid=9&section=sc1": ("/view.php?uid=9&section=sc1", 9),  # reached by a redirect
}
LIST_FIRST, LIST_SECOND = "/list.php?sec=3", "/list.php?sec=3&page=2"
REDIRECTED = "/view.php?uid=9&section=sc1&utm_source=rss"
BOMB_BYTES = 64 * 1024 * 1024  # inflated; the test's size cap is far below

_TITLES = {
    1: "고양시, 일산 호수공원에 야간 산책길 조성",
    2: "파주시 청년 창업 지원금 신청 시작",
    3: "김포 한강신도시 도서관 새단장 마치고 재개관",
    4: "고양시의회 임시회, 조례안 12건 처리",
    5: "일산 전통시장 주차장 확충 공사 착수",
    6: "파주 출판도시 가을 책 잔치 열려",
    9: "고양 시민 자전거 대행진 5천 명 참가",
}


def _article(n: int) -> bytes:
    title = _TITLES[n]
    paragraphs = "".join(
        f"<p>{title} 소식이다. 시 관계자는 {k}번째 설명회에서 주민 의견을 듣고 세부 계획을 "
        f"확정하겠다고 밝혔다. 사업비는 {n * 10 + k}억 원 규모로 내년 상반기까지 마무리된다.</p>"
        for k in range(1, 6)
    )
    return (
        '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">'
        f'<title>{title} - 링크신문</title><meta property="og:type" content="article">'
        f'<meta property="og:title" content="{title}"></head><body>'
        '<header><a href="/">링크신문</a></header><main><article>'
        f'<h1 class="headline">{title}</h1><div class="byline">홍길동 기자 | 입력 '
        f"2026.11.0{n} 10:00</div>"
        f'<div id="article-body">{paragraphs}</div></article></main>'
        "<footer>Copyright ⓒ 링크신문. 무단전재 및 재배포 금지</footer></body></html>"
    ).encode()


def _list(links: list[str], pager: str = "") -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (
        '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>링크신문</title>'
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>'
        f'<h1>링크신문</h1><ul class="news-list">{items}</ul>{pager}</body></html>'
    ).encode()


def _feed(base: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>링크신문</title>'
        f"<item><title>{_TITLES[6]}</title>"
        f"<link><![CDATA[{base}/view.php?uid=6&amp;section=sc3]]></link></item>"
        "</channel></rss>"
    ).encode()


def _bomb() -> bytes:
    head = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    return gzip.compress(head + b" " * BOMB_BYTES, compresslevel=9)


class _Handler(QuietHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.record(self.path)
        self._send(*self.server.answer(self.path))


class _Server(RecordingServer):
    def __init__(self, host: str, routes) -> None:
        super().__init__(host, _Handler)
        self.routes = routes

    def answer(self, path: str) -> tuple:
        return self.routes(self, path) or (404, b"<html><body>404</body></html>")


class _Site:
    host = "127.0.0.81"

    def __init__(self, host: str | None = None) -> None:
        self.server = _Server(host or self.host, self.route)
        self.home = self.server.base + "/"
        self.internal: _Site | None = None

    def __enter__(self) -> Self:
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()

    @property
    def paths(self) -> list[str]:
        return self.server.paths

    def route(self, server: _Server, path: str) -> tuple | None:
        raise NotImplementedError


class InternalHost(_Site):
    """What a redirect off the site would reach: a page no store should ever hold."""

    host = "127.0.0.82"

    def route(self, server: _Server, path: str) -> tuple | None:
        return (200, _article(1).replace(b"</article>", INTERNAL_TOKEN.encode() + b"</article>"))


class LinkedSite(_Site):
    def __init__(self, internal: InternalHost) -> None:
        super().__init__()
        self.internal = internal

    def route(self, server: _Server, path: str) -> tuple | None:
        sent = dict(ARTICLES.values())
        if path in sent:
            return (200, _article(sent[path]))
        if path == "/robots.txt":
            return (200, b"User-agent: *\nAllow: /\nSitemap: /sitemap.xml.gz\n", "text/plain")
        if path == "/sitemap.xml.gz":
            return (200, _bomb(), "application/x-gzip")
        if path == "/":
            links = [*list(ARTICLES)[:4], LIST_FIRST, "/go.php?id=1", "/moved.php?id=2"]
            return (200, _list([*links, REDIRECTED]))
        if path == LIST_FIRST:
            return (200, _list(["/view.php?uid=1&section=sc1"], f'<a href="{LIST_SECOND}">2</a>'))
        if path == LIST_SECOND:
            return (200, _list(["/view.php?uid=5&section=sc2"]))
        if path == "/rss.xml":
            return (200, _feed(server.base), "application/rss+xml; charset=utf-8")
        assert self.internal is not None
        if path == "/go.php?id=1":
            return (302, b"", "text/html", {"Location": self.internal.home + "latest/meta-data"})
        if path == "/moved.php?id=2":
            refresh = f'<meta http-equiv="refresh" content="0;url={self.internal.home}admin">'
            return (200, f"<html><head>{refresh}</head><body>이동</body></html>".encode())
        if path == REDIRECTED:
            return (302, b"", "text/html", {"Location": "/view.php?uid=9&section=sc1"})
        return None


class MovedSite(_Site):
    """A site whose home page answers 301 to another host."""

    host = "127.0.0.83"

    def __init__(self, new_home: str) -> None:
        super().__init__()
        self.new_home = new_home

    def route(self, server: _Server, path: str) -> tuple | None:
        if path == "/robots.txt":
            return (200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path == "/":
            return (301, b"", "text/html", {"Location": self.new_home})
        return None
