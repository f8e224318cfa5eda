"""A worker of a distributed crawl: the one-process crawl's Scrapy components, with the run's
life (crawler.crawl.run.CrawlRun) replaced by `WorkerRun`, which has no lock and no SQLite: the
store's questions are answered by the run's published keys (crawler.distributed.published), and
its fetch rows, articles and end-of-run books go to the ingester on the run's stream.

Articles leave after the extract and clean stages (`Outbox`); dedup and the store are the
ingester's. The books (pages and errors per site, aliases of redirected links, the validators
of the sources this worker settled) are the last message a worker sends, after all its articles,
so the ingester writes validators only once what they vouch for is committed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import socket
import time
from typing import TYPE_CHECKING, Any

from protego import Protego
from scrapy import signals
from twisted.internet import task

from crawler.crawl.deadline import site_paused, stop_run
from crawler.crawl.ledger import WorkLedger
from crawler.crawl.politeness import SiteClock
from crawler.crawl.run import CrawlRun
from crawler.distributed.link import HEARTBEAT, LEASE_MS, Keys, lost
from crawler.distributed.published import StoreView
from spiders.news import NewsSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Seconds between the worker's nudges of its engine, and between flushes of its outbox. Scrapy
# asks its scheduler again after each response and otherwise every 5 s (the engine's own
# heartbeat, "for scenarios where the scheduler reports having pending requests but returns
# none"): that is a worker's normal state while the other workers hold the sites with work, so
# without the nudge a worker with nothing in flight takes a freed site, or sees the run's end,
# up to 5 s late.
WAKE = 0.1
OUTBOX = 64  # messages buffered before they go to the stream in one round trip


def send(client: Any, keys: Keys, kind: str, body: Any) -> None:
    client.xadd(keys.stream, {"k": kind, "d": pickle.dumps(body, protocol=5)})


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class WorkerRun(CrawlRun):
    def __init__(self, crawler: Crawler) -> None:  # not super().__init__: it takes the lock
        from scrapy_redis.connection import (  # type: ignore[import-untyped]
            get_redis_from_settings,
        )

        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = ""
        self.sites = dict(getattr(crawler.spider, "sites", {}))
        self.ledger = WorkLedger()
        self.redirects = {}
        self.sources = {}
        self.over_budget = set()
        self.stop_reason = None
        self.stop_detail = ""
        self.signum = None
        self.store_failure = None
        self._closed = False
        self.url = settings.get("REDIS_URL")
        self.keys = Keys(settings.get("KRNEWS_RUN_TOKEN"))
        self.worker = settings.get("KRNEWS_WORKER_ID")
        self.client = get_redis_from_settings(settings)
        self.store = StoreView(self.client, self.keys)  # type: ignore[assignment]
        self.run_id = int(settings.get("KRNEWS_RUN_ID"))
        self.stats.set_value("krnews/run_id", self.run_id)
        self._beat = task.LoopingCall(self.heartbeat)
        self._wake = task.LoopingCall(self.wake)
        self._outbox: list[tuple[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerRun:
        run = super().from_crawler(crawler)
        assert isinstance(run, WorkerRun)
        crawler.signals.connect(run.engine_started, signal=signals.engine_started)
        crawler.signals.connect(run.site_paused, signal=site_paused)
        return run

    def site_paused(self, key: str, seconds: float) -> None:
        """Kept for the other workers: one that takes the site over waits out the pause."""
        import redis

        try:
            until = time.time() + seconds
            if float(self.client.hget(self.keys.paused, key) or 0) < until:
                self.client.hset(self.keys.paused, key, until)
        except redis.RedisError as exc:
            lost(self.url, exc)

    def engine_started(self) -> None:
        self.heartbeat()
        self._beat.start(HEARTBEAT, now=False)
        self._wake.start(WAKE, now=False)

    def wake(self) -> None:
        """The outbox flushed, and the engine asked to look at the scheduler again."""
        self.flush()
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def heartbeat(self) -> None:
        import redis

        try:
            self.client.set(self.keys.alive(self.worker), "1", px=LEASE_MS)
            engine = getattr(self.crawler, "engine", None)
            queue = getattr(getattr(engine, "scheduler", None), "queue", None)
            if queue is not None:
                queue.renew()
            gone = not self.client.exists(self.keys.ingester)
        except redis.RedisError as exc:
            lost(self.url, exc)
            return
        if gone and not self.stopping:
            logger.error("the ingester of run %s is gone; this worker stops", self.run_id)
            self.crawler.signals.send_catch_log(
                signal=stop_run, reason="stopped", detail="the ingester is gone"
            )

    def record(self, site: str, url: str, kind: str, status: int | None, message: str) -> None:
        """Counted and logged as in one process; the row goes to the ingester."""
        self.count_fetch(site, url, kind, message)
        self._send("fetch", (site, url, kind, status, message))

    def _send(self, kind: str, body: Any) -> None:
        """Buffered, in order: a worker killed before a flush loses only what it had not
        settled anyway (nothing of it is stored or acknowledged, so the next run does it)."""
        self._outbox.append((kind, body))
        if len(self._outbox) >= OUTBOX:
            self.flush()

    def flush(self) -> None:
        import redis

        if not self._outbox:
            return
        batch, self._outbox = self._outbox, []
        try:
            pipe = self.client.pipeline(transaction=False)
            for kind, body in batch:
                send(pipe, self.keys, kind, body)
            pipe.execute()
        except redis.RedisError as exc:
            lost(self.url, exc)

    def spider_closed(self, reason: str) -> None:
        for loop in (self._beat, self._wake):
            if loop.running:
                loop.stop()
        self.close_run(reason)

    def close_run(self, reason: str) -> None:
        """The worker's books, its last message."""
        if self._closed:
            return
        self._closed = True
        counts = {}
        for name in self.sites:
            for what in ("pages", "errors"):
                value = self.stats.get_value(f"krnews/{what}/{name}", 0)
                if value:
                    counts[f"krnews/{what}/{name}"] = value
        settled = {u: v for u, v in self.sources.items() if self.ledger.settled(u)}
        books = {
            "worker": self.worker,
            "reason": reason,
            "stop_reason": self.stop_reason,
            "stop_detail": self.stop_detail,
            "signum": self.signum,
            "counts": counts,
            "redirects": self.redirects,
            "settled": settled,
            "unsettled": [u for u in self.sources if u not in settled],
            "over_budget": sorted(self.over_budget),
        }
        self._send("books", books)
        self.flush()
        with contextlib.suppress(Exception):
            self.client.delete(self.keys.alive(self.worker))
        self.stats.set_value("krnews/exit_code", 0)


class Outbox:
    """The worker's last item stage: the cleaned article goes to the ingester's stream."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Outbox:
        return cls(crawler)

    def process_item(self, item: dict) -> dict:
        run = self.crawler.get_extension(WorkerRun)
        if run is None:
            raise RuntimeError("Outbox outside a worker")
        run._send("article", dict(item))
        return item


class WorkerSpider(NewsSpider):
    """The news spider, keeping each robots.txt it reads in the run's keys, so that a worker
    that takes a site over from a dead one obeys it without asking the site again."""

    def parse_robots(self, response: Any) -> Any:
        run = self.crawler.get_extension(WorkerRun)
        if response.status < 500:
            text = response.text if response.status == 200 else ""
            run.client.hset(run.keys.robots, response.meta["site"], text)
        yield from super().parse_robots(response)

    def site_taken(self, site: str) -> None:
        """crawler.distributed.queue: this worker now holds the site's lease. A site another
        worker was crawling (its robots.txt is read) is held for a "slow down" pause that
        worker got and for one delay, so the site's gaps stay as in one process."""
        state = self.states.get(site)
        if state is None:
            return
        run = self.crawler.get_extension(WorkerRun)
        pipe = run.client.pipeline(transaction=False)
        pipe.hget(run.keys.robots, site)
        pipe.hget(run.keys.paused, state.site.host)
        text, paused = pipe.execute()
        if text is None:
            return  # not read yet: its request is in the site's queue, the site is new
        if state.robots is None:
            state.robots = Protego.parse(text.decode("utf-8"))
            delay = state.robots.crawl_delay(self._ua_token(site))
            if delay:
                self._apply_crawl_delay(state, float(delay))
        hold = max(state.crawl_delay or 0.0, self.settings.getfloat("DOWNLOAD_DELAY"))
        if paused is not None:
            hold = max(hold, float(paused) - time.time())
        if hold > 0:
            SiteClock.of(self.crawler).hold(state.site.host, hold)
