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
from typing import TYPE_CHECKING, Any

from protego import Protego
from scrapy import signals
from twisted.internet import task

from crawler.crawl.deadline import stop_run
from crawler.crawl.ledger import WorkLedger
from crawler.crawl.run import CrawlRun
from crawler.distributed.link import HEARTBEAT, LEASE_MS, Keys, lost
from crawler.distributed.published import StoreView
from spiders.news import NewsSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerRun:
        run = super().from_crawler(crawler)
        assert isinstance(run, WorkerRun)
        crawler.signals.connect(run.engine_started, signal=signals.engine_started)
        return run

    def engine_started(self) -> None:
        self.heartbeat()
        self._beat.start(HEARTBEAT, now=False)

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
        import redis

        try:
            send(self.client, self.keys, kind, body)
        except redis.RedisError as exc:
            lost(self.url, exc)

    def spider_closed(self, reason: str) -> None:
        if self._beat.running:
            self._beat.stop()
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
        """crawler.distributed.queue: this worker now holds the site's lease."""
        state = self.states.get(site)
        if state is None or state.robots is not None:
            return
        run = self.crawler.get_extension(WorkerRun)
        text = run.client.hget(run.keys.robots, site)
        if text is None:
            return  # not read yet: its request is in the site's queue
        state.robots = Protego.parse(text.decode("utf-8"))
        delay = state.robots.crawl_delay(self._ua_token(site))
        if delay:
            self._apply_crawl_delay(state, float(delay))
