"""Middlewares: robots.txt and its Crawl-delay, conditional GET, retry backoff, the run's
ledger (redirects and addresses: crawler.crawl.redirects). One small class each; what they keep
for the run is the CrawlRun extension's (crawler.crawl.run)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.crawl.ledger import request_key
from crawler.crawl.politeness import slow_down
from crawler.crawl.reasons import Refused
from crawler.crawl.run import crawl_run
from crawler.crawl.urls import canonical_url

logger = logging.getLogger(__name__)

# Sent by the spider when a robots.txt asks for a Crawl-delay: host=..., delay=seconds.
crawl_delay_found = object()


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
        mw = cls(crawler)
        crawler.signals.connect(mw.apply_crawl_delay, signal=crawl_delay_found)
        return mw

    def process_request(self, request: Request, spider=None):
        if request.meta.get("krnews_kind") == "robots":
            return
        allowed = getattr(self.crawler.spider, "robots_allow", None)
        if allowed is not None and not allowed(request.url):
            raise Refused("robots_disallowed", f"robots.txt disallows {request.url}")
        return

    def apply_crawl_delay(self, host: str, delay: float) -> None:
        """One request at a time to the host, `delay` seconds apart (AutoThrottle is told not
        to lower it by the spider's `autothrottle_dont_adjust_delay`)."""
        downloader = self.crawler.engine.downloader
        downloader.per_slot_settings[host] = {"delay": delay, "concurrency": 1}
        if host in downloader.slots:
            downloader.slots[host].delay = max(downloader.slots[host].delay, delay)
            downloader.slots[host].concurrency = 1


class ConditionalGetMiddleware:
    """Feeds, sitemaps and list pages (`krnews_source` in meta) are asked with the ETag and
    Last-Modified the store keeps for them; a full answer's validators are handed to the run,
    which keeps them only when all the work the page gave was settled (crawler.crawl.ledger). The
    end of the page's last settled run goes into meta as `krnews_checked_at` (a section's
    pagination stops only on articles stored before it)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if crawl_run(crawler) is None:
            raise NotConfigured("no CrawlRun extension")
        return cls(crawler)

    def process_request(self, request: Request, spider=None):
        meta = request.meta
        if not meta.get("krnews_source") or "krnews_checked_at" in meta:
            return
        run = crawl_run(self.crawler)
        cached = None
        if run is not None:
            key = request_key(request)  # as requested; earlier versions kept the canonical form
            cached = run.store.http_cache_get(key)
            if cached is None and canonical_url(key) != key:
                cached = run.store.http_cache_get(canonical_url(key))
        meta["krnews_checked_at"] = cached["checked_at"] if cached else None
        if cached:
            if cached["etag"]:
                request.headers.setdefault("If-None-Match", cached["etag"])
            if cached["last_modified"]:
                request.headers.setdefault("If-Modified-Since", cached["last_modified"])
        return

    def process_response(self, request: Request, response: Response, spider=None):
        run = crawl_run(self.crawler)
        if request.meta.get("krnews_source") and 200 <= response.status < 300 and run:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            run.source_answered(
                request_key(request),
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
            )
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
        run = crawl_run(self.crawler)
        while left > 0 and not (run is not None and run.stopping):
            await asyncio.sleep(min(left, 0.25))
            left -= 0.25

    # Scrapy takes a coroutine for any middleware method; its stubs say the sync signature.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider=None
    ):
        # "Slow down" (429, 503 + Retry-After): the whole site waits in its download slot
        # (crawler.crawl.politeness) instead of this request alone backing off.
        if slow_down(self.crawler, request, response) is not None:
            return super().process_response(request, response)
        return await self._backed_off(super().process_response(request, response))

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider=None
    ):
        return await self._backed_off(super().process_exception(request, exception))

    async def _backed_off(self, result):
        """A retry Scrapy's middleware made waits its backoff before it goes on."""
        if isinstance(result, Request):
            await self._wait(result)
        return result


class LedgerMiddleware:
    """Spider middleware, next to the spider: tells the run's WorkLedger (crawler.crawl.ledger)
    which requests each page gave, and when its callback has run to the end. While a callback
    runs, `ledger.current` names its page, so a request the spider refuses is charged to it.
    Only the first request for a URL in the run goes on (WorkLedger.gave); a repeat is noted
    for its page and dropped here, before the other middlewares and the scheduler."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _ledger(self) -> Any:
        run = crawl_run(self.crawler)
        return run.ledger if run is not None else None

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
            if self._note(ledger, key, out):
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
            if self._note(ledger, key, out):
                yield out
        ledger.finish(key)

    @staticmethod
    def _note(ledger, key: str, out) -> bool:
        """Tells the ledger of one output; False for a request that another page of the run
        gave already (it now settles this page too), which goes no further."""
        if isinstance(out, Request):
            return ledger.gave(key, out) or out.dont_filter
        if out is not None:
            ledger.item_out(key)
        return True
