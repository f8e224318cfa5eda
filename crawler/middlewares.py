"""Middlewares: robots.txt, redirect loops, retry backoff, the run's ledger. One small class each."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urljoin

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.ledger import request_key

logger = logging.getLogger(__name__)


class RobotsMiddleware:
    """Refuses any request robots.txt disallows, redirects included.

    The spider fetches and parses each site's robots.txt before anything else (it needs the
    Sitemap: lines and Crawl-delay too) and exposes `robots_allow(url)`; this is the safety net
    that also catches a redirect into a disallowed path.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request, spider=None):
        if request.meta.get("krnews_kind") == "robots":
            return
        allowed = getattr(self.crawler.spider, "robots_allow", None)
        if allowed is not None and not allowed(request.url):
            raise IgnoreRequest(f"robots.txt disallows {request.url}")
        return


class RedirectGuardMiddleware:
    """Looks at each redirect before Scrapy's RedirectMiddleware follows it.

    A redirect back to a URL already in the chain becomes an error with its own name (without
    this, Scrapy's duplicate filter silently drops the looping request and nothing records that
    the page was lost). A redirect to an article the store already has is not followed: the
    spider records the link as an alias, so the next run does not even ask.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider=None):
        if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
            target = urljoin(request.url, response.headers["Location"].decode("latin-1"))
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target in chain:
                raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, target])}")
            on_redirect = getattr(self.crawler.spider, "on_redirect", None)
            if on_redirect is not None and on_redirect(chain[0], target):
                raise IgnoreRequest(f"known article: {chain[0]} -> {target}")
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting base**n seconds (capped) before the n-th retry of a request, so that
    a struggling server is not hit again at once."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def _wait(self, retry: Request | None) -> None:
        if retry is None:
            return
        attempt = retry.meta.get("retry_times", 1)
        left = min(self.cap, self.base ** (attempt - 1))
        # In steps, so that a run that is stopping does not wait out a long backoff.
        while left > 0 and not getattr(self.crawler.spider, "stop_reason", None):
            await asyncio.sleep(min(left, 0.25))
            left -= 0.25

    async def process_response(self, request: Request, response: Response, spider=None):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result)
        return result

    async def process_exception(self, request: Request, exception: Exception, spider=None):
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result)
        return result


class LedgerMiddleware:
    """Spider middleware, next to the spider: tells the spider's WorkLedger (crawler.ledger)
    which requests each page gave, and when its callback has run to the end. While a callback
    runs, `ledger.current` names its page, so a request the spider refuses is charged to it."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _ledger(self):
        return getattr(self.crawler.spider, "ledger", None)

    def process_spider_output(self, response: Response, result, spider=None):
        ledger = self._ledger()
        if ledger is None:
            yield from result
            return
        key = request_key(response.request)
        results = iter(result)
        while True:
            ledger.current = key
            try:
                out = next(results)
            except StopIteration:
                break
            finally:
                ledger.current = None
            self._note(ledger, key, out)
            yield out
        ledger.finish(key)

    async def process_spider_output_async(self, response: Response, result, spider=None):
        ledger = self._ledger()
        if ledger is None:
            async for out in result:
                yield out
            return
        key = request_key(response.request)
        # Scrapy hands a sync callback's output over as an async iterator that runs each step of
        # the generator without awaiting anything else, so `current` is the right page here too.
        results = aiter(result)
        while True:
            ledger.current = key
            try:
                out = await anext(results)
            except StopAsyncIteration:
                break
            finally:
                ledger.current = None
            self._note(ledger, key, out)
            yield out
        ledger.finish(key)

    @staticmethod
    def _note(ledger, key: str, out) -> None:
        if isinstance(out, Request):
            ledger.gave(key, out)
        elif out is not None:
            ledger.item_out(key)
