"""Store stage: saves each article through the crawl's one crawler.store.db.Store (one transaction
each): the CrawlRun extension's (crawler.crawl.run); outside a crawl, a Store of its own on KRNEWS_DB.

A store that cannot be written (a full disk) is no page's fault: the stage tells the run
(`store_failed`, which ends the run with its own exit code) and drops every item after it as
`store_error`, without a traceback per article.
Stats: krnews/stored/<site> for new or changed articles, krnews/duplicates/<site> for those
among them that belong to a story already stored (a cluster of two or more); unchanged
re-saves count as neither.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from crawler.crawl.reasons import Dropped
from crawler.crawl.run import crawl_run
from crawler.crawl.settings import boilerplate_min_articles
from crawler.store.db import Store, StoreError, store_error
from crawler.store.learned import BoilerplateMemory, reclean_learned

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, path: str, stats: Any, crawler: Any = None, threshold: int = 0) -> None:
        self.path = path
        self.stats = stats
        self.crawler = crawler
        self.failure: StoreError | None = None
        self.store: Store | None = None
        self._own_store = False
        self.memory = (
            BoilerplateMemory(min_articles=threshold) if threshold else BoilerplateMemory()
        )

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        return cls(
            settings.get("KRNEWS_DB"), crawler.stats, crawler, boilerplate_min_articles(settings)
        )

    def open_spider(self) -> None:
        run = crawl_run(self.crawler)
        if run is not None:
            self.store = run.store
        else:
            self.store = Store(self.path, background_checkpoints=True)
            self._own_store = True
        # Site-learned boilerplate counts go in each article's own transaction.
        self.store.on_save.append(self.memory.on_save)

    def close_spider(self) -> None:
        if self.store is None:
            return
        try:
            if self.failure is None:
                changed = reclean_learned(self.store, self.memory.take_learned())
                if changed:
                    self.stats.set_value("krnews/recleaned", changed)
                    logger.info("took newly learned site boilerplate out of %d articles", changed)
        except sqlite3.Error as exc:
            self._failed(exc)
        self.store.on_save.remove(self.memory.on_save)
        if self._own_store:
            self.store.close()
        self.store = None

    def process_item(self, item: dict) -> dict:
        if self.store is None:
            raise RuntimeError("StorePipeline.process_item before open_spider")
        if self.failure is not None:
            raise Dropped("store_error", str(self.failure))
        try:
            article_id, stored = self.store.save_article(item)
        except sqlite3.OperationalError as exc:
            self._failed(exc)
            raise Dropped("store_error", str(self.failure)) from None
        item["id"] = article_id
        if stored:
            site = item.get("site", "unknown")
            self.stats.inc_value(f"krnews/stored/{site}")
            if self.store.in_cluster(article_id):
                self.stats.inc_value(f"krnews/duplicates/{site}")
            logger.debug("stored %s (%s) as article %s", item.get("url"), site, article_id)
        return item

    def _failed(self, exc: sqlite3.Error) -> None:
        self.failure = store_error(self.path, exc)
        run = crawl_run(self.crawler)
        if run is not None:
            run.store_failed(self.failure)
        else:
            logger.error("%s", self.failure)
