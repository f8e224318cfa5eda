"""The ingester's side of the run's books: what each message on the stream does to the store
(an article through dedup and the store stage, a fetch row, a worker's books), and the
stand-in for a one-process CrawlRun that crawler.crawl.books reads at the end of the run."""

from __future__ import annotations

import logging
import pickle
import sqlite3
from collections import Counter
from typing import Any

from crawler.crawl.reasons import Dropped
from crawler.store.db import StoreError, store_error
from pipelines.dedup import add_dedup_fields
from pipelines.store import StorePipeline

logger = logging.getLogger(__name__)


class Stats:
    """The few calls of Scrapy's stats collector that the store stage and the books make."""

    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value


class Settled:
    """The ledger's one question at the end of the run: did a worker settle this source?"""

    def __init__(self) -> None:
        self.urls: set[str] = set()

    def settled(self, url: str) -> bool:
        return url in self.urls


class RunBooks:
    """What crawler.crawl.books.write_books and outcome read of a run, from the workers' books."""

    def __init__(self, store: Any, db: str, run_id: int, sites: dict, threshold: int) -> None:
        self.store, self.db_path, self.run_id, self.sites = store, db, run_id, sites
        self.stats = Stats()
        self.redirects: dict[str, str] = {}
        self.sources: dict[str, tuple[str | None, str | None]] = {}
        self.ledger = Settled()
        self.over_budget: set[str] = set()
        self.stop_reason: str | None = None
        self.stop_detail = ""
        self.signum: int | None = None
        self.store_failure: StoreError | None = None
        self.reasons: list[str] = []
        self.books_from: set[str] = set()
        self.pipeline = StorePipeline(db, self.stats, None, threshold)
        self.pipeline.store = store
        store.on_save.append(self.pipeline.memory.on_save)

    def take(self, kind: str, data: bytes) -> None:
        """One message, committed to the store before the caller acknowledges it."""
        body = pickle.loads(data)
        if kind == "article":
            self.article(body)
        elif kind == "fetch":
            site, url, fault, status, message = body
            if self.store_failure is None:
                try:
                    self.store.record_fetch(
                        self.run_id, site, url, fault, status=status, error=message
                    )
                except sqlite3.Error as exc:
                    self.failed(store_error(self.db_path, exc))
        elif kind == "books":
            self.books(body)

    def article(self, item: dict) -> None:
        if self.store_failure is not None:
            return
        try:
            self.pipeline.process_item(add_dedup_fields(item))
        except Dropped:
            pass
        if self.pipeline.failure is not None:
            self.failed(self.pipeline.failure)

    def books(self, books: dict) -> None:
        self.books_from.add(books["worker"])
        self.reasons.append(books["reason"])
        for key, value in books["counts"].items():
            self.stats.inc_value(key, value)
        self.redirects.update(books["redirects"])
        for url, validators in books["settled"].items():
            self.sources[url] = validators
            self.ledger.urls.add(url)
        for url in books["unsettled"]:
            self.sources.setdefault(url, (None, None))
        self.over_budget.update(books["over_budget"])
        if books["stop_reason"] and not self.stop_reason:
            self.stop_reason = books["stop_reason"]
            self.stop_detail = books["stop_detail"]
            self.signum = books["signum"]

    def failed(self, error: StoreError) -> None:
        if self.store_failure is None:
            self.store_failure = error
            logger.error("%s", error)

    def reason(self, lost_workers: int) -> str:
        """The run's end as Scrapy would name it for one process."""
        if self.stop_reason == "stopped" or "shutdown" in self.reasons:
            return "stopped"
        if "time_limit" in self.reasons or self.stop_reason == "time_limit":
            return "time_limit"
        if lost_workers or any(r != "finished" for r in self.reasons) or not self.reasons:
            return "worker_lost"
        return "finished"

    def finish(self) -> None:
        """The store stage's end: newly learned boilerplate taken out of earlier articles."""
        if self.store_failure is None:
            self.pipeline.close_spider()
