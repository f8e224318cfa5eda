"""Links and list pages, for the spider (spiders/news.py): how a link the verdict lets through is
followed (`route`), a list URL's page number and section, and one site's state in the run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from protego import Protego
from scrapy.http import Response, TextResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url

from crawler.crawl.sites import Site
from crawler.crawl.urls import canonical_url, request_url, same_site
from crawler.extract.verdict import Verdict, judge_url

PAGE_PARAMS = ("page", "p", "pg", "pageno", "pageindex", "cpage", "paged")
PATH_PAGE = re.compile(r"/page/(\d+)/?$")
HTML_TYPES = ("text/html", "application/xhtml")
# Link routes (`route`): a list by a family's own pattern, or one guessed from a generic shape
# (fetched as a list and offered to the pipelines as a page, since it may be an article).
LISTS = ("list", "maybe_list")

# Request priority by kind: robots.txt first, then articles, so a run spends its budget on them.
PRIORITY = {
    "robots": 30,
    "article": 20,
    "candidate": 15,
    "sitemap": 10,
    "feed": 10,
    "home": 5,
    "list": 0,
}


def route(found: Verdict) -> str:
    """How the spider follows a link the verdict lets through: "article", "list",
    "maybe_list" or "unknown" (tried as a candidate page)."""
    if found.kind == "article":
        return "article"
    if found.kind == "list":
        return "list" if found.sure else "maybe_list"
    return "unknown"


@lru_cache(maxsize=4096)
def link_route(url: str) -> str | None:
    """`route` of the verdict on a link, or None when the verdict does not let it through.
    Memoised: a link recurs on every list page of its site, and judge_url was the spider's
    costliest call (bench/crawl.py); a few thousand recent links cost a few hundred KB."""
    found = judge_url(url)
    return route(found) if found.fetch else None


def page_number(url: str) -> int:
    """The pagination number a list URL carries (1 when it carries none)."""
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if key.lower() in PAGE_PARAMS and value.isdigit():
            return int(value)
    match = PATH_PAGE.search(parts.path)
    return int(match.group(1)) if match else 1


def section_key(url: str) -> str:
    """A list URL without its page number: the identity of the section it paginates."""
    parts = urlsplit(url)
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if k.lower() not in PAGE_PARAMS)
    return urlunsplit(
        (parts.scheme, parts.netloc, PATH_PAGE.sub("/", parts.path), urlencode(query), "")
    )


@dataclass
class SiteState:
    site: Site
    robots: Protego | None = None
    # robots' answer per URL (spiders.sources.robots_allow): the spider asks for every link of
    # every page, the downloader again for each request; emptied when robots.txt is read.
    robots_answers: dict[str, bool] = field(default_factory=dict)
    first_crawl: bool = False
    feeds_seen: bool = False
    crawl_delay: float | None = None


def is_html(response: Response) -> bool:
    ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return not ctype or ctype.startswith(HTML_TYPES)


_JOIN_PARSES = re.compile(r"/\.|[\\\t\n\r]")  # dot segments, backslashes, what urlsplit strips


def _joined(base: str, origin: str, href: str) -> str:
    """urljoin(base, href), without its parse for the common "/path?query" link: a list page
    gives a hundred links, and urljoin was a tenth of the spider's time (bench/crawl.py)."""
    if href[0] == "/" and not href.startswith("//") and not _JOIN_PARSES.search(href):
        return origin + href
    return urljoin(base, href)


def page_links(
    response: Response, host: str, tree: Selector | None = None
) -> Iterator[tuple[str, str]]:
    """The page's links on the site that the verdict lets through, with their route: each URL
    as the page wrote it (`request_url`: what is sent), once per canonical form (what the verdict
    judges); robots.txt is the spider's to ask.

    The page is parsed into a Selector of the callback's own, never `response.xpath`: the
    selector Scrapy caches on a response points back at it, and that cycle (scrapy#2977) kept
    each parsed page in memory until the next full collection, a tenth of the crawl's peak
    (bench/crawl.py)."""
    if not isinstance(response, TextResponse):
        return  # a body Scrapy could not read as text has no links to give
    if tree is None:
        tree = Selector(response=response)
    seen: set[str] = set()
    base = get_base_url(response)  # what response.urljoin joins with (<base href> included)
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    encoding = response.encoding
    for href in tree.xpath("//a/@href").getall():
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        joined = _joined(base, origin, href)
        # "&page=2" or "utm_source" on an article link is the same article: the first spelling
        # the page gives is the one asked.
        key = canonical_url(joined)
        if key in seen or not same_site(joined, host):
            continue
        seen.add(key)
        kind = link_route(key)
        if kind is not None:
            yield request_url(joined, encoding), kind
