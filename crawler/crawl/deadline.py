"""A deadline that holds: `--max-minutes` (KRNEWS_MAX_SECONDS), SIGTERM and SIGINT (issue 12).

At the limit, or on the first signal: no new request is scheduled (the engine is paused, the
requests waiting in the downloader for their politeness delay are given up, the spider refuses new
ones), the requests in flight get KRNEWS_STOP_GRACE seconds and are then cancelled, and the
spider closes with the reason (`time_limit`, `stopped`): whatever was fully fetched goes through
the pipelines and is stored. A request that started before the cut ends by its own download
timeout at the latest, so the run ends within the limit plus max(DOWNLOAD_TIMEOUT, grace).

A second signal stops at once: the spider closes its run row (status `stopped`) and the reactor
stops without waiting for anything.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from typing import Any

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response
from scrapy.utils.defer import _schedule_coro
from twisted.python.failure import Failure

from crawler.crawl.politeness import SiteClock, asked_pause
from crawler.crawl.reasons import Refused

logger = logging.getLogger(__name__)

# Sent by RunDeadline when the grace is over: the download handler cancels what is in flight.
cancel_downloads = object()
# Sent by whoever needs the run to end early (the spider, when the store cannot be written):
# handled like the time limit, with `reason` and `detail`.
stop_run = object()
# Sent by the download handler when a site said "slow down": key (its download slot), seconds
# (the pause it got). The workers of a distributed crawl keep it in Redis for each other.
site_paused = object()


class RunStopped(Refused):
    """A request given up because the run is stopping (not the site's fault: not recorded)."""

    def __init__(self, message: str) -> None:
        super().__init__("stopped", message)


class StoppableDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler whose downloads in flight can be cancelled all at once."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self._tasks: set[asyncio.Task] = set()
        self._cancelled = False
        self._cap = crawler.settings.getfloat("KRNEWS_MAX_CRAWL_DELAY")
        # When each site may send next (a delay, a "slow down" pause): crawler.crawl.politeness.
        self.clock = SiteClock.of(crawler)
        crawler.signals.connect(self.cancel_all, signal=cancel_downloads)

    async def download_request(self, request: Request) -> Response:
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        delay = slot.delay if slot is not None else 0.0
        turn = self.clock.reserve(key, delay)
        while not self._cancelled:
            left = self.clock.ready_at(key, delay, turn) - time.monotonic()
            if left <= 0:
                break
            await asyncio.sleep(min(0.25, max(left, 0.02)))
        if self._cancelled:
            raise RunStopped(f"run stopping: {request.url} not fetched")
        stamp = self.clock.sending(key)
        task = asyncio.ensure_future(super().download_request(request))
        self._tasks.add(task)
        try:
            response = await task
            pause = asked_pause(response, self._cap)
            if pause:
                self.clock.hold(key, pause)
                self.crawler.signals.send_catch_log(signal=site_paused, key=key, seconds=pause)
            return response
        except asyncio.CancelledError:
            if self._cancelled and task.cancelled():
                raise RunStopped(f"run stopping: {request.url} cancelled in flight") from None
            raise
        finally:
            self._tasks.discard(task)
            self.clock.answered(key, stamp)

    def cancel_all(self) -> None:
        self._cancelled = True
        for task in list(self._tasks):
            task.cancel()


class RunDeadline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.limit = crawler.settings.getfloat("KRNEWS_MAX_SECONDS")
        self.grace = crawler.settings.getfloat("KRNEWS_STOP_GRACE")
        self.reason: str | None = None
        self._signals = 0
        self._calls: list = []
        self._old_handlers: dict[int, Any] = {}

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.stop, signal=stop_run)
        return ext

    def engine_started(self) -> None:
        from twisted.internet import reactor

        if self.limit > 0:
            # counted from when the command started (KRNEWS_STARTED, time.monotonic()), not from
            # when Scrapy got going a few seconds later
            started = self.crawler.settings.getfloat("KRNEWS_STARTED") or time.monotonic()
            left = max(0.0, self.limit - (time.monotonic() - started))
            self._calls.append(reactor.callLater(left, self.stop, "time_limit", self._limit_text()))
        if self.crawler.settings.getbool("KRNEWS_HANDLE_SIGNALS"):
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._old_handlers[signum] = signal.signal(signum, self._on_signal)

    def _limit_text(self) -> str:
        return f"--max-minutes {self.limit / 60:g}"

    def _on_signal(self, signum: int, _frame) -> None:
        # A signal handler may interrupt any code (an article's transaction): the work is done
        # from the reactor, between two callbacks.
        from twisted.internet import reactor

        self._signals += 1
        name = signal.Signals(signum).name
        if self._signals == 1:
            reactor.callFromThread(self.stop, "stopped", name, signum)
        else:
            reactor.callFromThread(self.abort, name, signum)

    def stop(self, reason: str, detail: str, signum: int | None = None, **_kw) -> None:
        """Stop scheduling, let what is in flight finish for a grace, then close the spider."""
        from twisted.internet import reactor

        from crawler.crawl.run import crawl_run

        engine, spider = self.crawler.engine, self.crawler.spider
        if self.reason is not None or engine is None or spider is None:
            return
        self.reason = reason
        if reason != "store_error":
            logger.warning(
                "%s: no new requests; those in flight get %gs, then the run ends",
                "time limit reached" if reason == "time_limit" else f"{detail} received",
                self.grace,
            )
        run = crawl_run(self.crawler)
        if run is not None:
            run.begin_stop(reason, detail, signum)
        engine.pause()
        self._give_up_queued(engine.downloader)
        self._calls.append(reactor.callLater(self.grace, self._cancel_in_flight))
        _schedule_coro(engine.close_spider_async(reason=reason))

    def _give_up_queued(self, downloader) -> None:
        for slot in downloader.slots.values():
            while slot.queue:
                request, deferred = slot.queue.popleft()
                deferred.errback(Failure(RunStopped(f"run stopping: {request.url} not fetched")))

    def _cancel_in_flight(self) -> None:
        self.crawler.signals.send_catch_log(signal=cancel_downloads)

    def abort(self, name: str, signum: int) -> None:
        """The second signal: close the run row now and stop the reactor."""
        from twisted.internet import reactor

        from crawler.crawl.run import crawl_run

        logger.warning("%s received again: stopping at once", name)
        run = crawl_run(self.crawler)
        if run is not None:
            run.abort(name, signum)
        self.stop("stopped", name, signum)  # if the first signal came too early to count
        self._cancel_in_flight()  # no grace now: the reactor's shutdown waits for none
        self._restore_signals()
        if reactor.running:
            reactor.stop()  # type: ignore[misc]  # the reactor module object, not a class

    def spider_closed(self, spider, reason) -> None:
        for call in self._calls:
            if call.active():
                call.cancel()
        self._calls.clear()

    def _restore_signals(self) -> None:
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)
        self._old_handlers.clear()
