"""What every demo CMS family shares: the response type, the view of a site, feeds and sitemaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from crawler.demo.content import Article, Site, newest_first

PAGE_SIZE = 5


def esc(text: str | None) -> str:
    return escape(text or "", quote=True)


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    last_modified: datetime | None = None  # set where conditional GET is supported
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class View:
    """A site as one request sees it: the base URL it is served on, and its visible articles."""

    site: Site
    base: str  # "http://127.0.0.11:18080", no trailing slash
    hidden: frozenset[int] = frozenset()

    @property
    def articles(self) -> list[Article]:
        return [a for a in newest_first(self.site.articles) if a.id not in self.hidden]

    def article(self, article_id: int) -> Article | None:
        found = self.site.article(article_id)
        return None if found is None or found.id in self.hidden else found

    def in_section(self, section: str) -> list[Article]:
        return [a for a in self.articles if a.section == section]

    def absolute(self, path: str) -> str:
        return self.base + path


class Family:
    """One CMS family: its URL scheme and templates. Subclasses fill in the blanks."""

    name = ""
    # Company, privacy and ad pages linked from every footer: plain pages, never articles.
    static_pages: ClassVar[dict[str, str]] = {}
    charset = "utf-8"  # what the bytes are
    declared_charset = "utf-8"  # what the headers and <meta> say

    def article_path(self, site: Site, article: Article) -> str:
        raise NotImplementedError

    def image_path(self, site: Site, article: Article, index: int) -> str:
        raise NotImplementedError

    def render_article(self, view: View, article: Article) -> str:
        raise NotImplementedError

    def handle(self, view: View, path: str, query: dict[str, str]) -> Response | None:
        """The response for one GET, or None for a 404."""
        raise NotImplementedError

    # The order the family's links write their query parameters in (a subsequence of it is
    # fine); a request in any other order is a 404. Empty: any order.
    query_order: tuple[str, ...] = ()

    def linked_order(self, keys: list[str]) -> bool:
        if not self.query_order:
            return True
        places = [self.query_order.index(k) for k in keys if k in self.query_order]
        return places == sorted(places)

    # -- helpers shared by the families ------------------------------------------------------

    def respond(self, view: View, path_qs: str) -> Response:
        parts = urlsplit(path_qs)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if not self.linked_order(list(query)):
            # as servers that key pages or caches by the raw request target: only the order
            # the site's own links write is a page
            return self.not_found(view)
        if parts.path == "/robots.txt":
            return text_response(self.robots(view), "text/plain")
        if path_qs in self.static_pages:
            return self.static_page(view, self.static_pages[path_qs])
        found = self.handle(view, parts.path, query)
        return found if found is not None else self.not_found(view)

    def html(self, markup: str, modified: datetime | None = None) -> Response:
        ctype = f"text/html; charset={self.declared_charset}"
        return Response(200, markup.encode(self.charset), ctype, modified)

    def static_page(self, view: View, title: str) -> Response:
        markup = (
            f'<!DOCTYPE html>\n<html lang="ko"><head><meta charset="{self.declared_charset}">'
            f"<title>{esc(title)} - {esc(view.site.display)}</title></head><body>"
            f"<h1>{esc(title)}</h1><p>{esc(view.site.display)} {esc(title)} 안내 페이지입니다. "
            f"문의: webmaster@{esc(view.site.domain)}</p>"
            '<p><a href="/">홈으로</a></p></body></html>\n'
        )
        return self.html(markup)

    def not_found(self, view: View) -> Response:
        markup = (
            f'<!DOCTYPE html>\n<html lang="ko"><head><meta charset="{self.declared_charset}">'
            f"<title>404 Not Found - {esc(view.site.display)}</title></head><body>"
            "<h1>페이지를 찾을 수 없습니다</h1><p>요청하신 페이지가 삭제되었거나 주소가 바뀌었습니다.</p>"
            '<p><a href="/">홈으로</a></p></body></html>'
        )
        ctype = f"text/html; charset={self.declared_charset}"
        return Response(404, markup.encode(self.charset), ctype)

    def robots(self, view: View) -> str:
        raise NotImplementedError

    def image_paths(self, site: Site, article: Article) -> list[str]:
        return [self.image_path(site, article, i) for i in range(len(article.photos))]


def text_response(text: str, ctype: str, modified: datetime | None = None) -> Response:
    return Response(200, text.encode("utf-8"), f"{ctype}; charset=utf-8", modified)


def article_id(text: str | None) -> int:
    """The id in a URL, or -1 (no such article) when it is missing or not a number."""
    try:
        return int(text or "")
    except ValueError:
        return -1


def page_number(query: dict[str, str]) -> int:
    try:
        return max(1, int(query.get("page", "1")))
    except ValueError:
        return 1


def paginate(items: list[Article], page: int) -> tuple[list[Article], int]:
    """The items on `page` (1-based) and the number of pages (at least 1)."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    return items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], pages


def newest_change(items: list[Article]) -> datetime | None:
    return max((a.last_change for a in items), default=None)


def rfc822(moment: datetime) -> str:
    return format_datetime(moment)


def rss(
    view: View,
    title: str,
    link: str,
    items: list[tuple[Article, str]],
    *,
    description: str = "",
    deleted: tuple[tuple[str, str], ...] = (),
) -> Response:
    """An RSS 2.0 feed of (article, absolute url) pairs.

    `deleted` holds (title, url) items of articles taken down after the feed was cached: real
    feeds keep them for a while, so a crawler meets their 404s.
    """
    entries = []
    for article, url in items:
        entries.append(
            "<item>"
            f"<title>{esc(article.title)}</title>"
            f"<link>{esc(url)}</link>"
            f'<guid isPermaLink="true">{esc(url)}</guid>'
            f"<description>{esc(article.paragraphs[0][:120])}</description>"
            f"<author>{esc(article.author)}</author>"
            f"<pubDate>{rfc822(article.published_at)}</pubDate>"
            "</item>"
        )
    entries += [
        f"<item><title>{esc(gone)}</title><link>{esc(url)}</link></item>" for gone, url in deleted
    ]
    modified = newest_change([a for a, _ in items])
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{esc(title)}</title><link>{esc(link)}</link>"
        f"<description>{esc(description or title)}</description><language>ko</language>"
        + (f"<lastBuildDate>{rfc822(modified)}</lastBuildDate>" if modified else "")
        + "".join(entries)
        + "</channel></rss>\n"
    )
    return text_response(body, "application/rss+xml", modified)


def urlset(items: list[tuple[Article, str]]) -> Response:
    rows = "".join(
        f"<url><loc>{esc(url)}</loc><lastmod>{a.last_change.isoformat()}</lastmod></url>"
        for a, url in items
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>\n'
    )
    return text_response(body, "application/xml", newest_change([a for a, _ in items]))


def sitemap_index(urls: list[str], modified: datetime | None) -> Response:
    stamp = f"<lastmod>{modified.isoformat()}</lastmod>" if modified else ""
    rows = "".join(f"<sitemap><loc>{esc(u)}</loc>{stamp}</sitemap>" for u in urls)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}'
        "</sitemapindex>\n"
    )
    return text_response(body, "application/xml", modified)


def figure_positions(article: Article) -> dict[int, list[int]]:
    """Paragraph index -> indexes of the photos that stand in front of it."""
    where: dict[int, list[int]] = {}
    for i, photo in enumerate(article.photos):
        where.setdefault(min(photo.before, len(article.paragraphs) - 1), []).append(i)
    return where
