"""Store stage: saves each article through crawler.store.Store (one transaction each).

Settings: KRNEWS_DB (default "news.db"). The run row (KRNEWS_RUN_ID) is the CLI's business:
it reads the stats below when the crawl ends, so this stage works with or without it.
A store that cannot be written (a full disk) is no page's fault: the stage tells the spider
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

from scrapy.exceptions import DropItem

from crawler.store import Store, StoreError, store_error
from pipelines.clean import BoilerplateMemory, reclean_learned

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, path: str, stats: Any, crawler: Any = None) -> None:
        self.path = path
        self.stats = stats
        self.crawler = crawler
        self.failure: StoreError | None = None
        self.store: Store | None = None
        self.memory: BoilerplateMemory | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler.settings.get("KRNEWS_DB", "news.db"), crawler.stats, crawler)

    def open_spider(self) -> None:
        # Site-learned boilerplate counts go in each article's own transaction.
        self.memory = BoilerplateMemory()
        self.store = Store(self.path, on_save=[self.memory.on_save], background_checkpoints=True)

    def close_spider(self) -> None:
        if self.store is not None:
            try:
                if self.failure is None:
                    changed = reclean_learned(self.store, self.memory.take_learned())
                    if changed:
                        self.stats.set_value("krnews/recleaned", changed)
                        logger.info(
                            "took newly learned site boilerplate out of %d articles", changed
                        )
            except sqlite3.Error as exc:
                self._failed(exc)
            self.store.close()
            self.store = None

    def process_item(self, item: dict) -> dict:
        if self.store is None:
            raise RuntimeError("StorePipeline.process_item before open_spider")
        if self.failure is not None:
            raise DropItem(f"store_error: {self.failure}")
        try:
            article_id, stored = self.store.save_article(item)
        except sqlite3.OperationalError as exc:
            self._failed(exc)
            raise DropItem(f"store_error: {self.failure}") from None
        item["id"] = article_id
        if stored:
            site = item.get("site", "unknown")
            self.stats.inc_value(f"krnews/stored/{site}")
            if self._in_cluster(article_id):
                self.stats.inc_value(f"krnews/duplicates/{site}")
            logger.debug("stored %s (%s) as article %s", item.get("url"), site, article_id)
        return item

    def _failed(self, exc: sqlite3.Error) -> None:
        self.failure = store_error(self.path, exc)
        spider = getattr(self.crawler, "spider", None)
        if hasattr(spider, "store_failed"):
            spider.store_failed(self.failure)
        else:
            logger.error("%s", self.failure)

    def _in_cluster(self, article_id: int) -> bool:
        # An older copy arriving late becomes the canonical (dup_of NULL) of an existing story.
        (linked,) = self.store.db.execute(
            "SELECT dup_of IS NOT NULL OR EXISTS (SELECT 1 FROM articles WHERE dup_of = ?) "
            "FROM articles WHERE id = ?",
            [article_id, article_id],
        ).fetchone()
        return bool(linked)
