"""Store stage: saves each article through crawler.store.Store (one transaction each).

Settings: KRNEWS_DB (default "news.db"). The run row (KRNEWS_RUN_ID) is the CLI's business:
it reads the stats below when the crawl ends, so this stage works with or without it.
Stats: krnews/stored/<site> for new or changed articles, krnews/duplicates/<site> for those
among them that belong to a story already stored (a cluster of two or more); unchanged
re-saves count as neither.
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.store import Store
from pipelines.clean import BoilerplateMemory, reclean_learned

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, path: str, stats: Any) -> None:
        self.path = path
        self.stats = stats
        self.store: Store | None = None
        self.memory: BoilerplateMemory | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler.settings.get("KRNEWS_DB", "news.db"), crawler.stats)

    def open_spider(self) -> None:
        # Site-learned boilerplate counts go in each article's own transaction.
        self.memory = BoilerplateMemory()
        self.store = Store(self.path, on_save=[self.memory.on_save], background_checkpoints=True)

    def close_spider(self) -> None:
        if self.store is not None:
            changed = reclean_learned(self.store, self.memory.take_learned())
            if changed:
                self.stats.set_value("krnews/recleaned", changed)
                logger.info("took newly learned site boilerplate out of %d articles", changed)
            self.store.close()
            self.store = None

    def process_item(self, item: dict) -> dict:
        if self.store is None:
            raise RuntimeError("StorePipeline.process_item before open_spider")
        article_id, stored = self.store.save_article(item)
        item["id"] = article_id
        if stored:
            site = item.get("site", "unknown")
            self.stats.inc_value(f"krnews/stored/{site}")
            if self._in_cluster(article_id):
                self.stats.inc_value(f"krnews/duplicates/{site}")
            logger.debug("stored %s (%s) as article %s", item.get("url"), site, article_id)
        return item

    def _in_cluster(self, article_id: int) -> bool:
        # An older copy arriving late becomes the canonical (dup_of NULL) of an existing story.
        (linked,) = self.store.db.execute(
            "SELECT dup_of IS NOT NULL OR EXISTS (SELECT 1 FROM articles WHERE dup_of = ?) "
            "FROM articles WHERE id = ?",
            [article_id, article_id],
        ).fetchone()
        return bool(linked)
