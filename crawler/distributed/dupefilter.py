"""The shared seen set: scrapy-redis's Redis dupefilter, keyed by the crawl's own fingerprint (a
URL's canonical form, crawler.crawl.urls.CanonicalFingerprinter), with the one-process checks of
crawler.crawl.dupefilter on top (stored articles, gone links, a site's max_pages), asked of the
worker's StoreView."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy.http import Request
from scrapy_redis.connection import get_redis_from_settings  # type: ignore[import-untyped]
from scrapy_redis.dupefilter import RFPDupeFilter  # type: ignore[import-untyped]

from crawler.crawl.dupefilter import StoredArticleFilter
from crawler.crawl.ledger import request_key
from crawler.crawl.run import crawl_run
from crawler.distributed.link import Keys


class SharedFilter(RFPDupeFilter):
    def __init__(self, server: Any, key: str, debug: bool = False) -> None:
        super().__init__(server, key, debug)
        self.crawler: Any = None
        self.gone_days = 0.0
        self.scheduled: Counter[str] = Counter()
        self.judged: set[bytes] = set()

    @classmethod
    def from_spider(cls, spider: Any) -> SharedFilter:
        settings = spider.crawler.settings
        keys = Keys(settings.get("KRNEWS_RUN_TOKEN"))
        dupefilter = cls(
            get_redis_from_settings(settings), keys.seen, settings.getbool("DUPEFILTER_DEBUG")
        )
        dupefilter.crawler = spider.crawler
        dupefilter.gone_days = settings.getfloat("KRNEWS_GONE_DAYS")
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    def request_seen(self, request: Request) -> bool:
        run = crawl_run(self.crawler)
        if run is None:
            return super().request_seen(request)
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
        if fingerprint in self.judged:
            run.ledger.joined(request)
            return True
        self.judged.add(fingerprint)
        skipped = StoredArticleFilter._stored_before(self, run, request)  # type: ignore[arg-type]
        if skipped is not None:
            run.ledger.finish(request_key(request))
            self.crawler.stats.inc_value(f"krnews/{skipped}")
            request.meta["krnews_filtered"] = skipped
            return True
        if not StoredArticleFilter._in_budget(self, run, request):  # type: ignore[arg-type]
            request.meta["krnews_filtered"] = "budget"
            return True
        return super().request_seen(request)

    def log(self, request: Request, spider: Any) -> None:
        if "krnews_filtered" not in request.meta:
            super().log(request, spider)

    def close(self, reason: str = "") -> None:
        """Kept: the other workers still share it; the ingester deletes the run's keys."""
