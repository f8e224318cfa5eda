"""The one generic news spider (DESIGN.md §1): a site needs only a name and a home URL.

Per site, in order: robots.txt (obeyed; its Sitemap: lines and Crawl-delay used), then the home
page, the sitemaps and the feeds, then section list pages and their pagination. Every same-site
link is judged by `crawler.extract.verdict.judge_url`: article pages are yielded to the item pipelines
(which ask the verdict again, on the page), list pages are followed, print/search/tag/login and
static pages never fetched. A link only a generic URL shape classifies is fetched and its page
offered to the pipelines too: no generic rule drops a link on its own.

The spider only discovers: it yields requests and pages. The rest is a Scrapy component each,
switched on in crawler/crawl/settings.py: the run's life (lock, run row, fetch rows, the end of the run)
is crawler.crawl.run.CrawlRun; an article URL already stored is never requested again
(crawler.crawl.dupefilter); feeds, sitemaps and list pages are asked with conditional GET and keep
their validators only when all the work they gave was done (crawler.crawl.middlewares, crawler.crawl.ledger);
a site's max_pages is crawler.crawl.middlewares.BudgetMiddleware. A section's pagination stops after a
page whose articles were all stored before the section's last complete walk ended, never on what
this run learned moments ago: the spider asks the run's store (`stored_by`, `has_articles`).
A failed fetch is sent to the run (`fetch_failed`, `page_fault`) and the crawl goes on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import scrapy
from protego import Protego
from scrapy import signals
from scrapy.http import Request, Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from crawler.crawl.middlewares import crawl_delay_found
from crawler.crawl.run import crawl_run, fetch_failed, page_fault
from crawler.crawl.sites import Config, Site, load_config
from crawler.crawl.urls import canonical_url, same_site
from crawler.extract.verdict import Verdict, judge_url
from crawler.store.db import Store

logger = logging.getLogger(__name__)

# Where feeds and sitemaps usually are when neither the home page nor robots.txt says. Probes are
# quiet: their 404s are expected and not recorded as failures.
FEED_PROBES = ("/rss/allArticle.xml", "/feed/", "/rss.xml", "/rss")
SITEMAP_PROBES = ("/sitemap.xml",)
PAGE_PARAMS = ("page", "p", "pg", "pageno", "pageindex", "cpage", "paged")
PATH_PAGE = re.compile(r"/page/(\d+)/?$")
HTML_TYPES = ("text/html", "application/xhtml")
# Link routes (`_route`): a list by a family's own pattern, or one guessed from a generic shape
# (fetched as a list and offered to the pipelines as a page, since it may be an article).
LISTS = ("list", "maybe_list")

PRIORITY = {
    "robots": 30,
    "article": 20,
    "candidate": 15,
    "sitemap": 10,
    "feed": 10,
    "home": 5,
    "list": 0,
}


def _utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _route(found: Verdict) -> str:
    """How the spider follows a link the verdict lets through: "article", "list",
    "maybe_list" or "unknown" (tried as a candidate page)."""
    if found.kind == "article":
        return "article"
    if found.kind == "list":
        return "list" if found.sure else "maybe_list"
    return "unknown"


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
    first_crawl: bool = False
    feeds_seen: bool = False
    crawl_delay: float | None = None


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        sites: str | None = None,
        site: str | None = None,
        config: Config | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if config is None:
            if not sites:
                raise ValueError("NewsSpider needs a sites file: -a sites=sites.toml")
            config = load_config(sites)
        wanted = {s for s in (site or "").split(",") if s}
        chosen = [s for s in config.sites if not wanted or s.name in wanted]
        unknown = wanted - {s.name for s in config.sites}
        if unknown:
            raise ValueError(f"no site named {', '.join(sorted(unknown))} in the sites file")
        self.config = config
        self.states = {s.name: SiteState(s) for s in chosen}
        self.sites: dict[str, Site] = {s.name: s for s in chosen}
        self._by_netloc = {urlsplit(s.home).netloc.lower(): s.name for s in chosen}
        self.max_list_pages = 50
        # The run's store (crawler.crawl.run.CrawlRun), for what discovery asks: set when the spider
        # opens.
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_list_pages = crawler.settings.getint("KRNEWS_MAX_LIST_PAGES")
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        return spider

    def _opened(self) -> None:
        run = crawl_run(self.crawler)
        if run is None:
            return
        self.store = run.store
        for state in self.states.values():
            state.first_crawl = not self.store.has_articles(state.site.name)

    def _fault(self, site: str, url: str, kind: str, status: int | None, message: str) -> None:
        self.crawler.signals.send_catch_log(
            signal=page_fault, site=site, url=url, kind=kind, status=status, message=message
        )

    # -- robots.txt ---------------------------------------------------------------------------

    def robots_allow(self, url: str) -> bool:
        name = self._by_netloc.get(urlsplit(url).netloc.lower())
        if name is None:
            return True
        robots = self.states[name].robots
        return robots is None or robots.can_fetch(url, self._ua_token(name))

    def _ua_token(self, name: str) -> str:
        return self.states[name].site.user_agent or self.settings.get("USER_AGENT")

    async def start(self) -> AsyncIterator[Request]:
        for state in self.states.values():
            yield self._request(
                state,
                urljoin(state.site.home, "/robots.txt"),
                "robots",
                callback=self.parse_robots,
                meta={"handle_httpstatus_all": True, "dont_retry": False},
            )

    def parse_robots(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        name = state.site.name
        if response.status >= 500:
            # RFC 9309 §2.3.1.4: an unreachable robots.txt means complete disallow.
            self._fault(
                name,
                response.url,
                "robots_5xx",
                response.status,
                f"robots.txt answered HTTP {response.status}; site skipped this run",
            )
            return
        if response.status == 200:
            state.robots = Protego.parse(response.text)
            delay = state.robots.crawl_delay(self._ua_token(name))
            if delay:
                self._apply_crawl_delay(state, float(delay))
        else:
            state.robots = Protego.parse("")
            if response.status == 404:
                self._fault(name, response.url, "robots_404", 404, "no robots.txt: all allowed")
        yield from self._discover(state)

    def _apply_crawl_delay(self, state: SiteState, delay: float) -> None:
        state.crawl_delay = delay
        self.crawler.signals.send_catch_log(
            signal=crawl_delay_found, host=state.site.host, delay=delay
        )
        logger.info("%s: robots.txt Crawl-delay %.1fs", state.site.name, delay)

    # -- discovery ------------------------------------------------------------------------------

    def _discover(self, state: SiteState) -> Iterable[Request]:
        site = state.site
        yield self._request(state, site.home, "home", callback=self.parse_home)
        sitemaps = list(site.sitemaps) or list(state.robots.sitemaps if state.robots else [])
        for url in sitemaps or [urljoin(site.home, p) for p in SITEMAP_PROBES]:
            yield self._conditional(state, url, "sitemap", self.parse_sitemap, quiet=not sitemaps)
        for url in site.feeds:
            state.feeds_seen = True
            yield self._conditional(state, url, "feed", self.parse_feed)
        for url in site.sections:
            yield self._conditional(state, url, "list", self.parse_list, meta={"depth": 0})

    def parse_home(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        if not self._is_html(response):
            return
        feeds = response.xpath(
            "//link[@rel='alternate'][contains(@type,'rss') or contains(@type,'atom')]/@href"
        ).getall()
        if not state.feeds_seen:
            probes = not feeds
            for url in feeds or [urljoin(state.site.home, p) for p in FEED_PROBES]:
                yield self._conditional(
                    state, response.urljoin(url), "feed", self.parse_feed, quiet=probes
                )
        for url, kind in self._links(state, response):
            if kind == "article":
                yield from self._article(state, url)
            elif kind in LISTS and not state.site.sections and page_number(url) == 1:
                # Sections start at their first page; later pages are reached one by one, so
                # that the walk can stop at the first page with nothing new.
                yield from self._list(state, url, kind, {"depth": 0})
            elif kind == "unknown" and state.first_crawl:
                # Unclassified links are tried only on a site's first crawl: some are articles
                # or sections in a layout no profile knows; later runs rely on what that found.
                yield self._request(
                    state, url, "candidate", callback=self.parse_candidate, quiet=True
                )

    def parse_list(self, response: Response) -> Iterable[Request | dict]:
        state = self.states[response.meta["site"]]
        if response.status == 304 or not self._is_html(response):
            return
        if response.meta.get("offer"):
            yield from self.parse_article(response)  # a guessed list may be an article
        depth = response.meta.get("depth", 0)
        # Evidence that the walk may stop is from earlier runs only: articles stored before the
        # last complete walk of this section ended (the http_cache row of its first page).
        since = response.meta.get("walk_since" if depth else "krnews_checked_at")
        here_key, here_page = section_key(response.url), page_number(response.url)
        new_articles = known_articles = 0
        pagination: list[str] = []
        for url, kind in self._links(state, response):
            if kind == "article":
                if since and self.store is not None and self.store.stored_by(url, since):
                    known_articles += 1
                else:
                    new_articles += 1
                    yield from self._article(state, url, response.meta.get("section"))
            elif kind in LISTS:
                if section_key(url) == here_key:
                    if page_number(url) == here_page + 1:
                        pagination.append(url)
                elif depth == 0 and here_page == 1 and page_number(url) == 1:
                    yield from self._list(state, url, kind, {"depth": 0})
        # Incremental rule: a page that shows no new article ends its section's walk.
        if new_articles and depth + 1 < self.max_list_pages:
            for url in pagination[:1]:
                yield self._request(
                    state,
                    url,
                    "list",
                    callback=self.parse_list,
                    meta={"depth": depth + 1, "walk_since": since},
                )

    def parse_feed(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        if response.status == 304:
            return
        state.feeds_seen = True
        for link, category in self._feed_entries(response.body):
            url = canonical_url(response.urljoin(link))
            if same_site(url, state.site.host) and judge_url(url).fetch:
                yield from self._article(state, url, category)

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        if response.status == 304:
            return
        body = gunzip(response.body) if gzip_magic_number(response) else response.body
        try:
            sitemap = Sitemap(body)
        except (StopIteration, lxml.etree.XMLSyntaxError):
            self._fault(
                state.site.name, response.url, "broken_xml", response.status, "sitemap is not XML"
            )
            return
        for entry in sitemap:
            url = canonical_url(response.urljoin(entry.get("loc", "")))
            if not same_site(url, state.site.host):
                continue
            if sitemap.type == "sitemapindex":
                yield self._conditional(state, url, "sitemap", self.parse_sitemap)
                continue
            found = judge_url(url)
            if found.kind == "article":
                yield from self._article(state, url)
            elif found.fetch:
                # A sitemap lists pages, not only articles; the verdict on the page decides
                # (permalinks are often Hangul slugs ending in "/", the shape of a list).
                yield self._request(
                    state, url, "candidate", callback=self.parse_candidate, quiet=True
                )

    def parse_article(self, response: Response) -> Iterable[dict]:
        state = self.states[response.meta["site"]]
        if not self._is_html(response):
            ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
            self._fault(
                state.site.name,
                response.url,
                "not_html",
                response.status,
                f"Content-Type {ctype or 'missing'}",
            )
            return
        yield {
            "url": canonical_url(response.url),
            "requested_url": canonical_url(response.meta.get("redirect_urls", [response.url])[0]),
            "site": state.site.name,
            "status": response.status,
            "headers": {
                k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
                for k, v in response.headers.items()
            },
            "body": response.body,
            "fetched_at": _utcnow(),
            "profile": state.site.profile,
            "charset": state.site.charset,
            "section": response.meta.get("section"),
        }

    def parse_candidate(self, response: Response) -> Iterable[dict | Request]:
        """A page no URL rule could classify: offered to the pipelines as a possible article and
        read as a possible list page."""
        if not self._is_html(response):
            return
        yield from self.parse_article(response)
        state = self.states[response.meta["site"]]
        for url, kind in self._links(state, response):
            if kind == "article":
                yield from self._article(state, url)

    # -- helpers --------------------------------------------------------------------------------

    def _links(self, state: SiteState, response: Response) -> Iterable[tuple[str, str]]:
        seen: set[str] = set()
        for href in response.xpath("//a/@href").getall():
            href = href.strip()
            if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            # Canonical first: "&page=2" or "utm_source" on an article link is the same article.
            url = canonical_url(response.urljoin(href))
            if url in seen or not same_site(url, state.site.host):
                continue
            seen.add(url)
            found = judge_url(url)
            if not found.fetch:
                continue
            kind = _route(found)
            if not self.robots_allow(url):
                self.crawler.stats.inc_value("krnews/robots_disallowed")
                continue
            yield url, kind

    def _feed_entries(self, body: bytes) -> Iterable[tuple[str, str | None]]:
        parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
        root = lxml.etree.fromstring(body, parser=parser)
        if root is None:
            return
        for item in root.iter("item", "{*}item", "{*}entry"):
            link = item.findtext("link") or item.findtext("{*}link")
            if not link:
                for el in item.iter("{*}link"):
                    if el.get("rel", "alternate") == "alternate" and el.get("href"):
                        link = el.get("href")
                        break
            category = item.findtext("category") or None
            if link:
                yield link.strip(), (category.strip() if category else None)

    def _list(self, state: SiteState, url: str, kind: str, meta: dict) -> Iterable[Request]:
        if kind == "maybe_list":
            # offered to the pipelines; not asked at all when it is a permalink stored as an
            # article in an earlier run (crawler.crawl.dupefilter)
            meta = {**meta, "offer": True}
        yield self._conditional(state, url, "list", self.parse_list, meta=meta)

    def _article(self, state: SiteState, url: str, section: str | None = None) -> Iterable[Request]:
        # not asked when stored, or gone in an earlier run (crawler.crawl.dupefilter)
        yield self._request(
            state,
            url,
            "article",
            callback=self.parse_article,
            meta={"section": section} if section else None,
        )

    def _conditional(
        self,
        state: SiteState,
        url: str,
        kind: str,
        callback: Callable[..., Any],
        *,
        quiet: bool = False,
        meta: dict | None = None,
    ) -> Request:
        meta = {**(meta or {}), "handle_httpstatus_list": [304], "krnews_source": True}
        # asked with the validators of its last answer (crawler.crawl.middlewares.ConditionalGet...)
        return self._request(state, url, kind, callback=callback, quiet=quiet, meta=meta)

    def _request(
        self,
        state: SiteState,
        url: str,
        kind: str,
        *,
        callback: Callable[..., Any],
        quiet: bool = False,
        meta: dict | None = None,
    ) -> Request:
        headers = {}
        if state.site.user_agent:
            headers["User-Agent"] = state.site.user_agent
        meta = {**(meta or {}), "site": state.site.name, "krnews_kind": kind, "quiet": quiet}
        if state.crawl_delay:
            meta["autothrottle_dont_adjust_delay"] = True
        return Request(
            url,
            callback=callback,
            errback=self._failed,
            meta=meta,
            headers=headers,
            priority=PRIORITY[kind],
            dont_filter=kind == "robots",
        )

    def _is_html(self, response: Response) -> bool:
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        return not ctype or ctype.startswith(HTML_TYPES)

    def _failed(self, failure: Failure) -> None:
        """Every failed request goes to the run (crawler.crawl.run), which records it."""
        self.crawler.signals.send_catch_log(signal=fetch_failed, failure=failure)
