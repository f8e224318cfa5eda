"""Where a redirect may lead, and which addresses a crawl may reach.

Scrapy's RedirectMiddleware (3xx + Location) and MetaRefreshMiddleware (`<meta http-equiv=
"refresh">`) are replaced by subclasses that judge every hop before it is followed:

- a hop back to a URL already in the chain, or past REDIRECT_MAX_TIMES, is `redirect_loop`;
- a hop off the site (its host family, as `same_site` judges links) is `offsite_redirect`: a
  site must not steer the crawler at another host, a cloud's metadata or admin endpoint, and
  have the answer stored. When the site's home page itself moves to another host, the run says
  so, so that the user can update `home`;
- a hop to an article the store already has is `known_redirect` (the link becomes an alias);
- a hop whose target has the canonical form of its source (`http` to `https`, a reordered or
  cleaned query) is followed once: the duplicate filter, which fingerprints canonical forms,
  would drop it silently.

`AddressGuardMiddleware` refuses requests to private, loopback or link-local addresses
(`private_address`) unless the site's own home is on one (an intranet site, the test sites).
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import error as tx_error

from crawler.crawl.reasons import Refused
from crawler.crawl.run import crawl_run
from crawler.crawl.urls import canonical_url, same_site

logger = logging.getLogger(__name__)


def _site_host(crawler: Any, request: Request) -> str | None:
    spider = getattr(crawler, "spider", None)
    site = getattr(spider, "sites", {}).get(request.meta.get("site"))
    return site.host if site is not None else None


class _Guarded:
    """The judgement shared by both redirect middlewares (`_redirect` is where Scrapy's base
    class turns a hop into the next request)."""

    crawler: Any
    max_redirect_times: int

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        target = redirected.url
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise Refused("redirect_loop", " -> ".join([*chain, target]))
        if request.meta.get("redirect_times", 0) >= self.max_redirect_times:
            raise Refused("redirect_loop", f"max redirections ({self.max_redirect_times}) reached")
        host = _site_host(self.crawler, request)
        if host is not None and not same_site(target, host):
            moved = request.meta.get("krnews_kind") == "home"
            if moved:
                logger.warning(
                    "%s: the home page moved to %s; update `home` in the sites file",
                    request.meta.get("site"),
                    urlsplit(target).netloc,
                )
            what = "home page moved" if moved else "redirect off the site"
            raise Refused("offsite_redirect", f"{what}: {chain[0]} -> {target}")
        run = crawl_run(self.crawler)
        if run is not None and run.redirected(canonical_url(chain[0]), canonical_url(target)):
            raise Refused("known_redirect", f"known article: {chain[0]} -> {target}")
        followed = super()._redirect(redirected, request, reason)  # type: ignore[misc]
        if canonical_url(target) == canonical_url(request.url):
            followed.dont_filter = True
        return followed


class GuardedRedirectMiddleware(_Guarded, RedirectMiddleware):
    """Scrapy's RedirectMiddleware, every hop judged first."""


class GuardedMetaRefreshMiddleware(_Guarded, MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, every hop judged first."""


def _private(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not ip.is_global or ip.is_multicast


class AddressGuardMiddleware:
    """Refuses a request whose host is, or resolves to, an address that is not public, unless
    the site's own home is on such an address."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.answers: dict[str, bool] = {}  # host -> not public

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressGuardMiddleware:
        return cls(crawler)

    async def _not_public(self, host: str) -> bool:
        found = self.answers.get(host)
        if found is None:
            address = host.strip("[]")
            try:
                ipaddress.ip_address(address)
            except ValueError:
                from twisted.internet import reactor

                try:  # Scrapy's caching resolver (DNS_RESOLVER)
                    address = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined,arg-type]
                except (tx_error.DNSLookupError, OSError):
                    return False  # the download says `dns`
            found = self.answers[host] = _private(address)
        return found

    async def process_request(self, request: Request, spider: Any = None) -> None:
        host = urlsplit(request.url).hostname
        if not host or not await self._not_public(host):
            return
        home = _site_host(self.crawler, request)
        if home is not None and await self._not_public(home):
            return
        raise Refused("private_address", f"{host} is not a public address: {request.url}")
