"""The one generic news spider (DESIGN.md §1): a site needs only a name and a home URL.

Per site, in order: robots.txt (obeyed; its Sitemap: lines and Crawl-delay used), then the home
page, the sitemaps and the feeds (spiders/sources.py), then section list pages and their
pagination. Every same-site link is judged by `crawler.extract.verdict.judge_url` (spiders/links.py):
articles go to the item pipelines (which ask the verdict again, on the page), lists are followed,
print/search/tag/login and static pages never fetched; a link only a generic URL shape classifies
is fetched and its page offered to the pipelines too: no generic rule drops a link on its own.

The spider only discovers: it yields requests and pages. The rest is a Scrapy component each,
switched on in crawler/crawl/settings.py: the run's life (lock, run row, fetch rows, its end) is
crawler.crawl.run.CrawlRun; a stored article URL is never requested again, and a site's
max_pages is its budget (crawler.crawl.dupefilter); feeds, sitemaps and list pages are asked with
conditional GET and keep their validators only when all the work they gave was done
(crawler.crawl.middlewares, crawler.crawl.ledger). A section's pagination stops after a page whose
articles were all stored before the section's last complete walk ended, never on what this run
learned moments ago (the run's store: `stored_by`, `has_articles`). A failed fetch is sent to
the run (`fetch_failed`, `page_fault`) and the crawl goes on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Request, Response, TextResponse
from scrapy.selector import Selector
from twisted.python.failure import Failure

from crawler.crawl.run import crawl_run, fetch_failed, page_fault
from crawler.crawl.sites import Config, Site, load_config
from crawler.crawl.urls import canonical_url, request_url, same_site
from crawler.store.db import Store
from spiders.links import LISTS, PRIORITY, SiteState, is_html, page_links, page_number, section_key
from spiders.sources import FEED_PROBES, SITEMAP_PROBES, SourcesMixin, probing

logger = logging.getLogger(__name__)


def _utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class NewsSpider(SourcesMixin, scrapy.Spider):
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
        # The run's store (crawler.crawl.run.CrawlRun), for what discovery asks: set on opening.
        self.store: Store | None = None
        # One bound method per callback for the whole crawl: Scrapy checks each callback for a
        # generator `return` value (by parsing its source) and caches that per callable, weakly;
        # a bound method made afresh for every request missed that cache and was parsed again.
        self._callbacks: dict[str, Callable[..., Any]] = {}

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

    async def start(self) -> AsyncIterator[Request]:
        for state in self.states.values():
            yield self._request(
                state,
                urljoin(state.site.home, "/robots.txt"),
                "robots",
                callback=self.parse_robots,
                meta={"handle_httpstatus_all": True, "dont_retry": False},
            )

    # -- discovery ------------------------------------------------------------------------------

    def _discover(self, state: SiteState) -> Iterable[Request]:
        site = state.site
        yield self._request(state, site.home, "home", callback=self.parse_home)
        named = site.sitemaps or (state.robots.sitemaps if state.robots else [])
        # robots.txt's Sitemap: lines may be relative, and may name another host: none is asked
        # off the site, as no sitemap entry or feed item is followed off it.
        sitemaps = [
            u for u in (request_url(urljoin(site.home, u)) for u in named) if self._on(state, u)
        ]
        guesses = [urljoin(site.home, p) for p in SITEMAP_PROBES] if probing(state) else []
        for url in sitemaps or guesses:
            yield self._conditional(state, url, "sitemap", self.parse_sitemap, quiet=not sitemaps)
        for url in site.feeds:
            state.feeds_seen = True
            yield self._conditional(state, url, "feed", self.parse_feed)
        for url in site.sections:
            yield self._conditional(state, url, "list", self.parse_list, meta={"depth": 0})

    def parse_home(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        if not is_html(response) or not isinstance(response, TextResponse):
            return
        tree = Selector(response=response)  # one parse for feeds and links (spiders.links)
        feeds = tree.xpath(
            "//link[@rel='alternate'][contains(@type,'rss') or contains(@type,'atom')]/@href"
        ).getall()
        if not state.feeds_seen:
            probes = not feeds
            guesses = [urljoin(state.site.home, p) for p in FEED_PROBES] if probing(state) else []
            for url in feeds or guesses:
                url = request_url(response.urljoin(url), response.encoding)
                if self._on(state, url):
                    yield self._conditional(state, url, "feed", self.parse_feed, quiet=probes)
        for url, kind in self._links(state, response, tree):
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
        if response.status == 304 or not is_html(response):
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
                store = self.store
                if since and store is not None and store.stored_by(canonical_url(url), since):
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

    def parse_article(self, response: Response) -> Iterable[dict]:
        state = self.states[response.meta["site"]]
        if not is_html(response):
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
        if not is_html(response):
            return
        yield from self.parse_article(response)
        state = self.states[response.meta["site"]]
        for url, kind in self._links(state, response):
            if kind == "article":
                yield from self._article(state, url)

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _on(state: SiteState, url: str) -> bool:
        return url.startswith(("http://", "https://")) and same_site(url, state.site.host)

    def _links(
        self, state: SiteState, response: Response, tree: Selector | None = None
    ) -> Iterable[tuple[str, str]]:
        for url, kind in page_links(response, state.site.host, tree):
            if self.robots_allow(url):
                yield url, kind
            else:
                self.crawler.stats.inc_value("krnews/robots_disallowed")

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
        headers = {"User-Agent": state.site.user_agent} if state.site.user_agent else {}
        meta = {**(meta or {}), "site": state.site.name, "krnews_kind": kind, "quiet": quiet}
        if state.crawl_delay:
            meta["autothrottle_dont_adjust_delay"] = True
        return Request(
            url,
            callback=self._callbacks.setdefault(callback.__name__, callback),
            errback=self._callbacks.setdefault("_failed", self._failed),
            meta=meta,
            headers=headers,
            priority=PRIORITY[kind],
            dont_filter=kind == "robots",
        )

    def _failed(self, failure: Failure) -> None:
        """Every failed request goes to the run (crawler.crawl.run), which records it."""
        self.crawler.signals.send_catch_log(signal=fetch_failed, failure=failure)
