"""The shared seen set: scrapy-redis's Redis dupefilter, keyed by the crawl's own fingerprint (a
URL's canonical form, crawler.crawl.urls.CanonicalFingerprinter), with the one-process checks of
crawler.crawl.dupefilter on top (stored articles, gone links, a site's max_pages), asked of the
run's published keys (crawler.distributed.published) in the same Lua call as the seen set."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy.http import Request
from scrapy_redis.connection import get_redis_from_settings  # type: ignore[import-untyped]
from scrapy_redis.dupefilter import RFPDupeFilter  # type: ignore[import-untyped]

from crawler.crawl.dupefilter import store_questions
from crawler.crawl.ledger import request_key
from crawler.crawl.run import crawl_run
from crawler.distributed.link import Keys

# KEYS: the known URLs, the gone URLs, the seen set; ARGV: the fingerprint, the URL whose recent
# 404 skips it ("" not asked), 1 when the site's budget is spent, then the URLs under which a
# stored article skips it. The answer, in the order the one-process filter asks.
JUDGE = """
for i = 4, #ARGV do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return 'known_skipped' end
end
if ARGV[2] ~= '' and redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 then return 'gone_skipped' end
if ARGV[3] == '1' then return 'budget' end
if redis.call('SADD', KEYS[3], ARGV[1]) == 1 then return 'new' end
return 'seen'
"""


class SharedFilter(RFPDupeFilter):
    def __init__(self, server: Any, key: str, debug: bool = False) -> None:
        super().__init__(server, key, debug)
        self._judge = server.register_script(JUDGE)
        self.keys: Keys = Keys("")
        self.crawler: Any = None
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
        dupefilter.keys = keys
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    def request_seen(self, request: Request) -> bool:
        """The one-process filter's judgement (crawler.crawl.dupefilter), asked of Redis in
        one round trip: stored, gone, over budget, or seen by any worker."""
        run = crawl_run(self.crawler)
        if run is None:
            return super().request_seen(request)
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
        if fingerprint in self.judged:
            run.ledger.joined(request)
            return True
        self.judged.add(fingerprint)
        known, gone = store_questions(request)
        site = request.meta.get("site")
        if not isinstance(site, str) or site not in run.sites:
            site = None  # not a site of the run: no budget
        over = site is not None and self.scheduled[site] >= run.sites[site].max_pages
        keys = [self.keys.known, self.keys.gone, self.key]
        answer = self._judge(
            keys=keys, args=[fingerprint.hex(), gone or "", int(over), *known]
        ).decode()
        if answer in ("known_skipped", "gone_skipped"):
            run.ledger.finish(request_key(request))
            self.crawler.stats.inc_value(f"krnews/{answer}")
            request.meta["krnews_filtered"] = answer
            return True
        if answer == "budget" and site is not None:
            run.budget_reached(site)
            request.meta["krnews_filtered"] = "budget"
            return True
        if site is not None:
            self.scheduled[site] += 1
        return answer == "seen"

    def log(self, request: Request, spider: Any) -> None:
        if "krnews_filtered" not in request.meta:
            super().log(request, spider)

    def close(self, reason: str = "") -> None:
        """Kept: the other workers still share it; the ingester deletes the run's keys."""
