"""Robots.txt, sitemaps and feeds: the sources a site names for itself (a mixin of the spider,
spiders/news.py). robots.txt is fetched first; its Sitemap: lines and Crawl-delay are used, and
`robots_allow` is what the spider and crawler.crawl.middlewares.RobotsMiddleware ask. Sitemap and
feed entries are article links (a sitemap's other pages are candidates, judged on the page)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
from protego import Protego
from scrapy.http import Request, Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from crawler.crawl.middlewares import crawl_delay_found
from crawler.crawl.urls import canonical_url, request_url, same_site
from crawler.extract.verdict import judge_url
from spiders.links import SiteState

logger = logging.getLogger(__name__)

# Where feeds and sitemaps usually are when neither the home page nor robots.txt says. Probes are
# quiet: their 404s are expected and not recorded as failures.
FEED_PROBES = ("/rss/allArticle.xml", "/feed/", "/rss.xml", "/rss")
SITEMAP_PROBES = ("/sitemap.xml",)
# A guessed feed or sitemap URL costs a site's delay like any page: on a site whose robots.txt
# Crawl-delay is this long or longer, only the sources it names are asked (five guesses at a
# 30 s delay were 2.5 minutes of one run, for URLs that mostly answer 404).
NO_PROBES_DELAY = 5.0


def probing(state: SiteState) -> bool:
    """Whether the site's sitemap and feed URLs may be guessed."""
    return not state.crawl_delay or state.crawl_delay < NO_PROBES_DELAY


class SourcesMixin:
    """The spider's robots.txt, sitemap and feed callbacks; the rest of discovery is NewsSpider's."""

    # NewsSpider's (annotations only: the spider defines them)
    states: dict[str, SiteState]
    _by_netloc: dict[str, str]
    settings: Any
    crawler: Any
    _discover: Callable[[SiteState], Iterable[Request]]
    _article: Callable[..., Iterable[Request]]
    _conditional: Callable[..., Request]
    _request: Callable[..., Request]
    _fault: Callable[..., None]
    parse_candidate: Callable[[Response], Iterable[Any]]

    def robots_allow(self, url: str) -> bool:
        name = self._by_netloc.get(urlsplit(url).netloc.lower())
        if name is None:
            return True
        state = self.states[name]
        if state.robots is None:
            return True
        answers = state.robots_answers
        allowed = answers.get(url)
        if allowed is None:
            if len(answers) >= 4096:
                answers.clear()
            allowed = answers[url] = state.robots.can_fetch(url, self._ua_token(name))
        return allowed

    def _ua_token(self, name: str) -> str:
        return self.states[name].site.user_agent or self.settings.get("USER_AGENT")

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
        state.robots_answers.clear()
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
        cap = self.settings.getfloat("KRNEWS_MAX_CRAWL_DELAY")
        if cap and delay > cap:
            # crawler.crawl.politeness: honoured up to the cap, and said
            message = f"robots.txt asks Crawl-delay {delay:g}s; crawled at the cap of {cap:g}s"
            logger.warning("%s: %s", state.site.name, message)
            robots = urljoin(state.site.home, "/robots.txt")
            self._fault(state.site.name, robots, "crawl_delay_capped", None, message)
            delay = cap
        state.crawl_delay = delay
        self.crawler.signals.send_catch_log(
            signal=crawl_delay_found, host=state.site.host, delay=delay
        )
        logger.info("%s: robots.txt Crawl-delay %.1fs", state.site.name, delay)

    def parse_feed(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        if response.status == 304:
            return
        state.feeds_seen = True
        for link, category in self._feed_entries(response.body):
            url = request_url(response.urljoin(link))
            if same_site(url, state.site.host) and judge_url(canonical_url(url)).fetch:
                yield from self._article(state, url, category)

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        state = self.states[response.meta["site"]]
        if response.status == 304:
            return
        body = response.body
        if gzip_magic_number(response):
            # Bounded by the download size cap, as Scrapy's SitemapSpider does: 1.5 MB of gzip
            # can inflate to 1.5 GB.
            limit = response.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
            try:
                body = gunzip(response.body, max_size=limit)
            except ValueError as err:  # scrapy's _DecompressionMaxSizeExceeded
                self._fault(state.site.name, response.url, "too_large", response.status, str(err))
                return
            except (OSError, EOFError):
                self._fault(
                    state.site.name, response.url, "broken_xml", response.status, "bad gzip"
                )
                return
        try:
            sitemap = Sitemap(body)
        except (StopIteration, lxml.etree.XMLSyntaxError):
            self._fault(
                state.site.name, response.url, "broken_xml", response.status, "sitemap is not XML"
            )
            return
        for entry in sitemap:
            url = request_url(response.urljoin(entry.get("loc", "")))
            if not same_site(url, state.site.host):
                continue
            if sitemap.type == "sitemapindex":
                yield self._conditional(state, url, "sitemap", self.parse_sitemap)
                continue
            found = judge_url(canonical_url(url))
            if found.kind == "article":
                yield from self._article(state, url)
            elif found.fetch:
                # A sitemap lists pages, not only articles; the verdict on the page decides
                # (permalinks are often Hangul slugs ending in "/", the shape of a list).
                yield self._request(
                    state, url, "candidate", callback=self.parse_candidate, quiet=True
                )

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
