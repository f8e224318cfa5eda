"""What a run asks, as Scrapy's DUPEFILTER_CLASS (a shared scheduler such as scrapy-redis can put
its own in its place, with these checks on top, DESIGN.md §8).

Besides Scrapy's own duplicate filter (one request per URL in a run):

- an article page is not requested again when the store has it under that URL or reached it
  through that URL (an alias), nor a link that answered 404/410 in an earlier run of the last
  KRNEWS_GONE_DAYS days (a dead link on a home page must not turn every later run into "some
  fetches failed"; after that it is tried again, in case the page comes back). Such a request
  is settled in the run's ledger: the work was done by an earlier run;
- a site's `max_pages` is its budget of requests scheduled in this run (robots.txt and the
  stored articles above not counted); a request past it is refused and leaves the page that
  gave it unsettled, so the next run does the rest.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request

from crawler.crawl.ledger import request_key
from crawler.crawl.run import crawl_run
from crawler.crawl.urls import canonical_url, url_key

# The kinds of request (meta `krnews_kind`) that fetch a page which may be a stored article.
PAGE_KINDS = frozenset({"article", "candidate"})


def store_questions(request: Request) -> tuple[list[str], str | None]:
    """What the store is asked of a request before it is made: the URLs under which a stored
    article would make it `known_skipped`, and the URL that makes it `gone_skipped` if it
    answered 404/410 lately (None: not asked). Nothing for robots.txt, feeds and lists."""
    kind = request.meta.get("krnews_kind")
    if kind not in PAGE_KINDS and not request.meta.get("offer"):
        return [], None
    url = canonical_url(request.url)
    # url_key: the form stores written before the stored URL kept the site's query order
    known = [url] if url_key(url) == url else [url, url_key(url)]
    return known, url if kind == "article" else None


class StoredArticleFilter(RFPDupeFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crawler: Any = None
        self.gone_days = 0.0
        self.scheduled: Counter[str] = Counter()  # requests let through per site
        # Fingerprints of the requests judged in this run, made or not (Scrapy's own set holds
        # only those made, and offers no look-up without adding).
        self.judged: set[bytes] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoredArticleFilter:
        dupefilter = super().from_crawler(crawler)
        dupefilter.crawler = crawler
        dupefilter.gone_days = crawler.settings.getfloat("KRNEWS_GONE_DAYS")
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        run = crawl_run(self.crawler)
        if run is None:
            return super().request_seen(request)
        # Each request is judged once per run: a link that every list page repeats is looked up
        # in the store once, and only a request that is scheduled counts against the budget.
        fingerprint = self.fingerprinter.fingerprint(request)
        if fingerprint in self.judged:
            run.ledger.joined(request)
            return True
        self.judged.add(fingerprint)
        skipped = self._stored_before(run, request)
        if skipped is not None:
            run.ledger.finish(request_key(request))
            self.crawler.stats.inc_value(f"krnews/{skipped}")
            request.meta["krnews_filtered"] = skipped
            return True
        if not self._in_budget(run, request):
            request.meta["krnews_filtered"] = "budget"
            return True
        return super().request_seen(request)

    def _stored_before(self, run: Any, request: Request) -> str | None:
        """Why the request is not made (`known_skipped`, `gone_skipped`), or None."""
        known, gone = store_questions(request)
        if any(run.store.is_known_url(url) for url in known):
            return "known_skipped"
        if gone and run.store.recently_gone(gone, self.gone_days, run.run_id):
            return "gone_skipped"
        return None

    def _in_budget(self, run: Any, request: Request) -> bool:
        site = request.meta.get("site")
        if not isinstance(site, str) or site not in run.sites:
            return True
        if self.scheduled[site] >= run.sites[site].max_pages:
            run.budget_reached(site)
            return False
        self.scheduled[site] += 1
        return True

    def log(self, request: Request, spider: Any) -> None:
        if "krnews_filtered" not in request.meta:  # counted in krnews/* instead
            super().log(request, spider)
