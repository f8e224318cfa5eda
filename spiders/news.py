"""The one generic news spider (DESIGN.md §1): a site needs only a name and a home URL.

Per site, in order: robots.txt (obeyed; its Sitemap: lines and Crawl-delay used), then the home
page, the sitemaps and the feeds, then section list pages and their pagination. Every same-site
link is judged by `crawler.verdict.judge_url`: article pages are yielded to the item pipelines
(which ask the verdict again, on the page), list pages are followed, print/search/tag/login and
static pages never fetched. A link only a generic URL shape classifies is fetched and its page
offered to the pipelines too: no generic rule drops a link on its own.

Incremental by construction (the store is the seen set): an article URL already stored is never
requested again; feeds, sitemaps and list pages are fetched with conditional GET, and keep the
validators of a run only when all the work they gave was done in it (crawler.ledger); a section's
pagination stops after a page whose articles were all stored before the section's last complete
walk ended, never on what this run learned moments ago. Every failed fetch becomes a row in
`fetches` and the crawl goes on. A run cut short (crawler.deadline, a max_pages budget) says so
in its `runs` row.
"""

from __future__ import annotations

import logging
import re
import signal
import sqlite3
from asyncio import CancelledError
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import scrapy
from protego import Protego
from scrapy import signals
from scrapy.http import Request, Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from crawler.deadline import RunStopped, stop_run
from crawler.faults import NOTABLE_ONLY, failure_kind
from crawler.ledger import FINAL_FAILURES, WorkLedger, request_key
from crawler.lock import CrawlLock
from crawler.sites import Config, Site, load_config
from crawler.store import Store, StoreError, store_error
from crawler.urls import canonical_url, same_site
from crawler.verdict import Verdict, judge_url

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
    scheduled: int = 0  # requests made for the site this run (robots.txt not counted)
    budget_logged: bool = False
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
        self._by_netloc = {urlsplit(s.home).netloc.lower(): s.name for s in chosen}
        # conditional pages answered in full this run -> their validators (kept if settled)
        self._sources: dict[str, tuple[str | None, str | None]] = {}
        self._redirects: dict[str, str] = {}  # target -> the link that redirected to it
        self.ledger = WorkLedger()
        self.stop_reason: str | None = None  # time_limit, stopped, store_error
        self.stop_detail = ""
        self._signum: int | None = None
        self.store_failure: StoreError | None = None
        self._run_closed = False

    # -- set-up and tear-down --------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.db_path = settings.get("KRNEWS_DB")
        spider.max_list_pages = settings.getint("KRNEWS_MAX_LIST_PAGES")
        spider.gone_days = settings.getfloat("KRNEWS_GONE_DAYS")
        spider._lock = None
        if not settings.getbool("KRNEWS_LOCK_HELD"):  # `scrapy crawl` rather than `krnews crawl`
            spider._lock = CrawlLock(spider.db_path).acquire()
        spider.store = Store(spider.db_path)
        run_id = settings.get("KRNEWS_RUN_ID")
        spider.owns_run = run_id is None
        spider.run_id = (
            int(run_id) if run_id is not None else spider.store.start_run(list(spider.states), None)
        )
        for state in spider.states.values():
            if spider.owns_run:  # else the run's owner (crawler.cli.execute_crawl) wrote them
                spider.store.upsert_site(state.site.name, state.site.home, state.site.profile)
            state.first_crawl = not spider._has_articles(state.site.name)
        crawler.signals.connect(spider._on_item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider._on_item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider._on_item_error, signal=signals.item_error)
        crawler.signals.connect(spider._on_response, signal=signals.response_received)
        return spider

    def _has_articles(self, site: str) -> bool:
        return (
            self.store.db.execute(
                "SELECT 1 FROM articles WHERE site = ? LIMIT 1", [site]
            ).fetchone()
            is not None
        )

    def closed(self, reason: str) -> None:
        self._close_run(reason)
        self.store.close()
        if self._lock is not None:
            self._lock.release()

    def _close_run(self, reason: str) -> None:
        """Counts, aliases, the validators of settled work, and the run row; once."""
        if self._run_closed:
            return
        self._run_closed = True
        stats = self.crawler.stats
        totals = {"pages": 0, "articles": 0, "duplicates": 0, "errors": 0}
        budget_cut = False
        try:
            for name in self.states:
                counts = {
                    "pages": stats.get_value(f"krnews/pages/{name}", 0),
                    "articles": stats.get_value(f"krnews/stored/{name}", 0),
                    "duplicates": stats.get_value(f"krnews/duplicates/{name}", 0),
                    "errors": stats.get_value(f"krnews/errors/{name}", 0),
                }
                budget_cut = budget_cut or self.states[name].budget_logged
                for key, value in counts.items():
                    totals[key] += value
                self.store.record_site_run(self.run_id, name, **counts)
                if counts["pages"] and not counts["errors"]:
                    self.store.upsert_site(name, self.states[name].site.home, success=True)
            for target, source in self._redirects.items():
                self.store.add_alias(source, target)
            # Validators only for work that was finished: a source whose links were not all
            # settled in this run (a budget, the time limit, a signal, a timeout) is fetched
            # again in full next time; the end of its last settled run stays, as the evidence
            # its pagination may stop on. Written only now: a run killed midway leaves none.
            for url, (etag, modified) in self._sources.items():
                if self.ledger.settled(url):
                    self.store.http_cache_put(url, etag, modified)
                else:
                    self.store.http_cache_forget(url)
        except sqlite3.Error as exc:
            self.store_failed(store_error(self.db_path, exc))
        status, exit_code = self._outcome(reason, totals["errors"], budget_cut)
        stats.set_value("krnews/exit_code", exit_code)
        stats.set_value("krnews/run_id", self.run_id)
        stats.set_value("krnews/stop_detail", self.stop_detail)
        try:
            self.store.finish_run(self.run_id, status, exit_code, totals)
        except sqlite3.Error as exc:
            self.store_failed(store_error(self.db_path, exc))
            stats.set_value("krnews/run_row_open", True)

    def _outcome(self, reason: str, errors: int, budget_cut: bool) -> tuple[str, int]:
        """(runs.status, exit code) of the run."""
        from crawler.cli import EXIT_FOR_STORE_REASON

        if self.store_failure is not None:
            return "failed", EXIT_FOR_STORE_REASON.get(self.store_failure.reason, 74)
        if reason in ("stopped", "shutdown") or self.stop_reason == "stopped":
            if not self.stop_detail:
                self.stop_detail = "a shutdown"
            return "stopped", 128 + (self._signum or signal.SIGTERM)
        fetch_code = 1 if errors else 0
        if reason == "time_limit":
            return "time_limit", fetch_code
        if reason != "finished":
            return "failed", 1
        if budget_cut:
            names = [n for n, st in self.states.items() if st.budget_logged]
            self.stop_detail = f"max_pages of {', '.join(names)}"
            return "budget", fetch_code
        return ("partial" if errors else "ok"), fetch_code

    def begin_stop(self, reason: str, detail: str, signum: int | None = None) -> None:
        """crawler.deadline: from now on no request is made; the run closes soon."""
        self.stop_reason, self.stop_detail, self._signum = reason, detail, signum

    def abort_run(self, detail: str, signum: int) -> None:
        """crawler.deadline, on a second signal: the run row is closed now."""
        self.stop_reason, self.stop_detail, self._signum = "stopped", detail, signum
        self._close_run("stopped")

    def store_failed(self, error: StoreError) -> None:
        """The store cannot be written (a full disk): said once, and the run ends."""
        if self.store_failure is not None:
            return
        self.store_failure = error
        logger.error("%s", error)
        self.crawler.signals.send_catch_log(
            signal=stop_run, reason="store_error", detail=str(error)
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
                count=False,
                meta={"handle_httpstatus_all": True, "dont_retry": False},
            )

    def parse_robots(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        name = state.site.name
        if response.status >= 500:
            # RFC 9309 §2.3.1.4: an unreachable robots.txt means complete disallow.
            self._record(
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
                self._record(name, response.url, "robots_404", 404, "no robots.txt: all allowed")
        yield from self._discover(state)

    def _robots_failed(self, failure) -> None:
        name = failure.request.meta["site"]
        kind, status, message = failure_kind(failure)
        self._record(
            name,
            failure.request.url,
            kind,
            status,
            f"robots.txt unreachable ({message}); site skipped this run",
        )

    def _apply_crawl_delay(self, state: SiteState, delay: float) -> None:
        state.crawl_delay = delay
        downloader = self.crawler.engine.downloader
        host = state.site.host
        downloader.per_slot_settings[host] = {"delay": delay, "concurrency": 1}
        if host in downloader.slots:
            downloader.slots[host].delay = max(downloader.slots[host].delay, delay)
            downloader.slots[host].concurrency = 1
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

    def parse_list(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        if response.status == 304 or not self._is_html(response):
            return
        self._remember_validators(response)
        if response.meta.get("offer"):
            yield from self.parse_article(response)  # a guessed list may be an article
        depth = response.meta.get("depth", 0)
        # Evidence that the walk may stop is from earlier runs only: articles stored before the
        # last complete walk of this section ended (the http_cache row of its first page).
        since = response.meta.get("walk_since") if depth else self._walk_since(response)
        here_key, here_page = section_key(response.url), page_number(response.url)
        new_articles = known_articles = 0
        pagination: list[str] = []
        for url, kind in self._links(state, response):
            if kind == "article":
                if since and self.store.stored_by(canonical_url(url), since):
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

    def _walk_since(self, response: Response) -> str | None:
        cached = self.store.http_cache_get(request_key(response.request))
        return cached["checked_at"] if cached else None

    def parse_feed(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        if response.status == 304:
            return
        state.feeds_seen = True
        self._remember_validators(response)
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
            self._record(
                state.site.name, response.url, "broken_xml", response.status, "sitemap is not XML"
            )
            return
        self._remember_validators(response)
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
            elif found.fetch and not self._known(url):
                # A sitemap lists pages, not only articles; the verdict on the page decides
                # (permalinks are often Hangul slugs ending in "/", the shape of a list).
                yield self._request(
                    state, url, "candidate", callback=self.parse_candidate, quiet=True
                )

    def parse_article(self, response: Response) -> Iterable[dict]:
        state = self.states[response.meta["site"]]
        if not self._is_html(response):
            ctype = response.headers.get("Content-Type", b"").decode("latin-1")
            self._record(
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

    def _known(self, url: str) -> bool:
        return self.store.is_known_url(canonical_url(url))

    def on_redirect(self, source: str, target: str) -> bool:
        """Called for each redirect (crawler.middlewares.RedirectGuardMiddleware): True when
        the target is an article already stored, so it is not fetched again. Either way the
        link is remembered, to become an alias of the article once the run ends."""
        source, target = canonical_url(source), canonical_url(target)
        self._redirects[target] = source
        return self._known(target)

    def _gone(self, url: str) -> bool:
        """A link that answered 404/410 in an earlier run of the last KRNEWS_GONE_DAYS days: not
        asked again (a dead link on a home page must not turn every later run into "some
        fetches failed"), but tried again after that, in case the page comes back."""
        return (
            self.store.db.execute(
                "SELECT 1 FROM fetches WHERE url = ? AND kind IN ('http_404', 'http_410') "
                "AND run_id != ? AND julianday(time) > julianday('now', ?) LIMIT 1",
                [url, self.run_id, f"-{self.gone_days} days"],
            ).fetchone()
            is not None
        )

    def _list(self, state: SiteState, url: str, kind: str, meta: dict) -> Iterable[Request]:
        if kind == "maybe_list":
            if self._known(url):  # a permalink stored as an article in an earlier run
                self.crawler.stats.inc_value("krnews/known_skipped")
                return
            meta = {**meta, "offer": True}
        yield self._conditional(state, url, "list", self.parse_list, meta=meta)

    def _article(self, state: SiteState, url: str, section: str | None = None) -> Iterable[Request]:
        if self._known(url):
            self.crawler.stats.inc_value("krnews/known_skipped")
            return
        if self._gone(url):
            self.crawler.stats.inc_value("krnews/gone_skipped")
            return
        request = self._request(
            state,
            url,
            "article",
            callback=self.parse_article,
            meta={"section": section} if section else None,
        )
        if request is not None:
            yield request

    def _conditional(
        self,
        state: SiteState,
        url: str,
        kind: str,
        callback,
        *,
        quiet: bool = False,
        meta: dict | None = None,
    ) -> Request | None:
        headers = {}
        cached = self.store.http_cache_get(url)
        if cached:
            if cached["etag"]:
                headers["If-None-Match"] = cached["etag"]
            if cached["last_modified"]:
                headers["If-Modified-Since"] = cached["last_modified"]
        meta = {**(meta or {}), "handle_httpstatus_list": [304], "krnews_source": True}
        return self._request(
            state, url, kind, callback=callback, quiet=quiet, meta=meta, headers=headers
        )

    def _request(
        self,
        state: SiteState,
        url: str,
        kind: str,
        *,
        callback,
        quiet: bool = False,
        count: bool = True,
        meta: dict | None = None,
        headers: dict | None = None,
    ) -> Request | None:
        if self.stop_reason is not None:
            self.ledger.refused()
            return None
        if count:
            if state.scheduled >= state.site.max_pages:
                self.ledger.refused()
                if not state.budget_logged:
                    logger.warning(
                        "%s: max_pages (%d) reached; the rest waits for the next run",
                        state.site.name,
                        state.site.max_pages,
                    )
                    state.budget_logged = True
                    self.crawler.stats.inc_value(f"krnews/budget_reached/{state.site.name}")
                return None
            state.scheduled += 1
        headers = dict(headers or {})
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

    def _remember_validators(self, response: Response) -> None:
        if not response.meta.get("krnews_source"):
            return
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        self._sources[request_key(response.request)] = (
            etag.decode("latin-1") if etag else None,
            modified.decode("latin-1") if modified else None,
        )

    def _is_html(self, response: Response) -> bool:
        ctype = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        return not ctype or ctype.startswith(HTML_TYPES)

    def _failed(self, failure) -> None:
        request = failure.request
        if failure.check(RunStopped) or (self.stop_reason and failure.check(CancelledError)):
            self.crawler.stats.inc_value("krnews/given_up_at_stop")
            return None
        if request.meta.get("krnews_kind") == "robots":
            return self._robots_failed(failure)
        kind, status, message = failure_kind(failure)
        if kind in FINAL_FAILURES:
            self.ledger.finish(request_key(request))
        if request.meta.get("quiet") and kind in ("http_404", "http_410", "http_4xx"):
            return None
        if kind in ("robots_disallowed", "known_redirect"):
            self.crawler.stats.inc_value(f"krnews/{kind}")
            return None
        # The URL as linked: for a redirect loop, where the chain started.
        url = request.meta.get("redirect_urls", [request.url])[0]
        self._record(request.meta["site"], url, kind, status, message)
        return None

    def _record(self, site: str, url: str, kind: str, status: int | None, message: str) -> None:
        if kind not in NOTABLE_ONLY:
            self.crawler.stats.inc_value(f"krnews/errors/{site}")
            logger.warning("%s: %s %s (%s)", site, kind, url, message)
        else:
            logger.info("%s: %s %s", site, kind, url)
        self.crawler.stats.inc_value(f"krnews/fetch_kind/{kind}")
        if self.store_failure is not None:
            return
        try:
            self.store.record_fetch(self.run_id, site, url, kind, status=status, error=message)
        except sqlite3.Error as exc:
            self.store_failed(store_error(self.db_path, exc))

    def _on_item_scraped(self, item, response, spider=None) -> None:
        if response is not None:
            self.ledger.item_done(request_key(response.request))

    def _on_item_dropped(self, item, response, exception, spider=None) -> None:
        reason = str(exception)
        kind = reason.split(":", 1)[0].strip()
        if response is not None:
            self.ledger.item_done(request_key(response.request), ok=kind != "store_error")
        if kind == "store_error":
            return
        if kind in ("charset", "extract_error", "broken_html"):
            self._record(item.get("site", "?"), item.get("url", "?"), kind, None, reason)

    def _on_item_error(self, item, response, spider=None, failure=None) -> None:
        if response is not None:
            self.ledger.item_done(request_key(response.request), ok=False)
        self._record(
            item.get("site", "?"),
            item.get("url", "?"),
            "extract_error",
            None,
            f"{failure.type.__name__}: {failure.value}" if failure else "pipeline error",
        )

    def _on_response(self, response: Response, request: Request, spider=None) -> None:
        """The per-site "pages fetched": every answered request once, whatever its callback, but
        not an error answer (that one is counted in krnews/errors, and the report reads the
        error share as errors / (pages + errors))."""
        name = request.meta.get("site")
        if name and response.status < 400:
            self.crawler.stats.inc_value(f"krnews/pages/{name}")
