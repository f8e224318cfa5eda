"""The run's life, one Scrapy extension: the same under `krnews crawl` and `scrapy crawl news`.

Before any request: the crawl lock on the store (crawler.crawl.lock), the store itself (one `Store` per
crawl process: the spider, the middlewares, the dupefilter and the pipelines all ask this one),
the runs a kill -9 left `running` marked `interrupted`, the run row and the site rows. A crawl
that cannot start raises from `from_crawler` (`CrawlAborted` or `StoreError`, one line and an
exit code; crawler.cli.execute_crawl re-raises it once Scrapy is done).

While the crawl runs, from Scrapy's signals and two of ours (`fetch_failed` from the spider's
errback, `page_fault` from a callback): the work ledger (crawler.crawl.ledger), pages per site, and a
`fetches` row for every failed fetch. At the end (`spider_closed`): per-site counts, aliases of
redirected links, the validators of settled sources, then `runs.status` and the exit code
(`krnews/exit_code` in the stats, which both commands return).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from asyncio import CancelledError
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.crawl.books import outcome, write_books
from crawler.crawl.deadline import RunStopped, stop_run
from crawler.crawl.exits import EX_CANTCREAT, EX_IOERR, EXIT_LOCKED, CrawlAborted
from crawler.crawl.faults import NOTABLE_ONLY, failure_kind
from crawler.crawl.ledger import FINAL_FAILURES, WorkLedger, request_key
from crawler.crawl.lock import CrawlLock, CrawlLocked, LockError
from crawler.store.db import Store, StoreError, store_error

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.crawl.sites import Site

logger = logging.getLogger(__name__)

# The spider's errback: send_catch_log(fetch_failed, failure=failure).
fetch_failed = object()
# A page that answered but cannot be used (robots.txt 5xx, not HTML, a sitemap that is not XML):
# send_catch_log(page_fault, site=..., url=..., kind=..., status=..., message=...).
page_fault = object()

# Drop reasons (crawler.crawl.reasons.Dropped) that lose a page to a fault: a `fetches` row each.
RECORDED_DROPS = frozenset({"charset", "extract_error", "broken_html"})


def crawl_run(crawler: Any) -> CrawlRun | None:
    """The crawl's CrawlRun extension, or None (a component used outside a crawl, in tests)."""
    get = getattr(crawler, "get_extension", None)
    if get is None:
        return None
    try:
        return get(CrawlRun)
    except RuntimeError:  # asked before the extensions exist
        return None


def _take_lock(db: str) -> CrawlLock:
    try:
        return CrawlLock(db).acquire()
    except CrawlLocked as exc:
        raise CrawlAborted(str(exc), EXIT_LOCKED) from None
    except LockError as exc:
        raise CrawlAborted(str(exc), EX_CANTCREAT) from None


class CrawlRun:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path: str = crawler.settings.get("KRNEWS_DB")
        self.sites: dict[str, Site] = dict(getattr(crawler.spider, "sites", {}))
        self.ledger = WorkLedger()
        self.redirects: dict[str, str] = {}  # target -> the link that redirected to it
        # conditional pages answered in full this run -> their validators (kept if settled)
        self.sources: dict[str, tuple[str | None, str | None]] = {}
        self.over_budget: set[str] = set()  # sites whose max_pages ran out
        self.stop_reason: str | None = None  # time_limit, stopped, store_error
        self.stop_detail = ""
        self.signum: int | None = None
        self.store_failure: StoreError | None = None
        self._closed = False
        self.lock = _take_lock(self.db_path)
        try:
            self.store = Store(self.db_path, background_checkpoints=True)
        except BaseException:
            self.lock.release()
            raise
        try:
            self.run_id = self._open_run()
            self.stats.set_value("krnews/run_id", self.run_id)
        except BaseException:
            self.store.close()
            self.lock.release()
            raise

    def _open_run(self) -> int:
        try:
            # We hold the lock, so any run still marked running was killed: say so in `runs`.
            self.store.mark_interrupted()
            run_id = self.store.start_run(list(self.sites), os.getpid())
        except sqlite3.Error as exc:
            raise store_error(self.db_path, exc) from None
        try:
            for site in self.sites.values():
                self.store.upsert_site(site.name, site.home, site.profile)
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.store.finish_run(run_id, "failed", EX_IOERR, {})
            raise store_error(self.db_path, exc) from None
        return run_id

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRun:
        run = cls(crawler)
        connect = crawler.signals.connect
        connect(run.item_scraped, signal=signals.item_scraped)
        connect(run.item_dropped, signal=signals.item_dropped)
        connect(run.item_error, signal=signals.item_error)
        connect(run.response_received, signal=signals.response_received)
        connect(run.spider_closed, signal=signals.spider_closed)
        connect(run.fetch_failed, signal=fetch_failed)
        connect(run.record, signal=page_fault)
        return run

    # -- while the crawl runs ---------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self.stop_reason is not None

    def redirected(self, source: str, target: str) -> bool:
        """A redirect (crawler.crawl.redirects), canonical URLs: True when
        the target is an article already stored. Either way the link becomes an alias of the
        article once the run ends."""
        self.redirects[target] = source
        return self.store.is_known_url(target)

    def source_answered(self, key: str, etag: str | None, modified: str | None) -> None:
        """A conditional page answered in full (crawler.crawl.middlewares.ConditionalGetMiddleware)."""
        self.sources[key] = (etag, modified)

    def fetch_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(RunStopped) or (self.stopping and failure.check(CancelledError)):
            self.stats.inc_value("krnews/given_up_at_stop")
            return
        site = request.meta["site"]
        kind, status, message = failure_kind(failure)
        if request.meta.get("krnews_kind") == "robots":
            message = f"robots.txt unreachable ({message}); site skipped this run"
            self.record(site, request.url, kind, status, message)
            return
        if kind in FINAL_FAILURES:
            self.ledger.finish(request_key(request))
        if request.meta.get("quiet") and kind in ("http_404", "http_410", "http_4xx"):
            return
        if kind in ("robots_disallowed", "known_redirect"):
            self.stats.inc_value(f"krnews/{kind}")
            return
        # The URL as linked: for a redirect loop, where the chain started.
        self.record(site, request_key(request), kind, status, message)

    def budget_reached(self, site: str) -> None:
        """The site's max_pages ran out (crawler.crawl.dupefilter): said once; the run is `budget`."""
        if site in self.over_budget:
            return
        self.over_budget.add(site)
        logger.warning(
            "%s: max_pages (%d) reached; the rest waits for the next run",
            site,
            self.sites[site].max_pages,
        )
        self.stats.inc_value(f"krnews/budget_reached/{site}")

    def record(self, site: str, url: str, kind: str, status: int | None, message: str) -> None:
        """One failed fetch: counted, logged and kept as a `fetches` row."""
        self.count_fetch(site, url, kind, message)
        if self.store_failure is not None:
            return
        try:
            self.store.record_fetch(self.run_id, site, url, kind, status=status, error=message)
        except sqlite3.Error as exc:
            self.store_failed(store_error(self.db_path, exc))

    def count_fetch(self, site: str, url: str, kind: str, message: str) -> None:
        """A failed fetch in the stats and the log (a notable one only at INFO)."""
        if kind not in NOTABLE_ONLY:
            self.stats.inc_value(f"krnews/errors/{site}")
            logger.warning("%s: %s %s (%s)", site, kind, url, message)
        else:
            logger.info("%s: %s %s", site, kind, url)
        self.stats.inc_value(f"krnews/fetch_kind/{kind}")

    def item_scraped(self, item: Any, response: Response | None) -> None:
        if response is not None:
            self.ledger.item_done(request_key(response.request))

    def item_dropped(self, item: Any, response: Response | None, exception: Exception) -> None:
        reason = getattr(exception, "reason", "other")
        if response is not None:
            self.ledger.item_done(request_key(response.request), ok=reason != "store_error")
        if reason in RECORDED_DROPS:
            self.record(item.get("site", "?"), item.get("url", "?"), reason, None, str(exception))

    def item_error(self, item: Any, response: Response | None, failure: Failure | None = None):
        if response is not None:
            self.ledger.item_done(request_key(response.request), ok=False)
        self.record(
            item.get("site", "?"),
            item.get("url", "?"),
            "extract_error",
            None,
            f"{failure.type.__name__}: {failure.value}" if failure else "pipeline error",
        )

    def response_received(self, response: Response, request: Request) -> None:
        """The per-site "pages fetched": every answered request once, whatever its callback, but
        not an error answer (that one is counted in krnews/errors, and the report reads the
        error share as errors / (pages + errors))."""
        name = request.meta.get("site")
        if name and response.status < 400:
            self.stats.inc_value(f"krnews/pages/{name}")

    # -- stopping -------------------------------------------------------------------------------

    def begin_stop(self, reason: str, detail: str, signum: int | None = None) -> None:
        """crawler.crawl.deadline: from now on no request is made; the run closes soon."""
        self.stop_reason, self.stop_detail, self.signum = reason, detail, signum

    def abort(self, detail: str, signum: int) -> None:
        """crawler.crawl.deadline, on a second signal: the run row is closed now."""
        self.stop_reason, self.stop_detail, self.signum = "stopped", detail, signum
        self.close_run("stopped")

    def store_failed(self, error: StoreError) -> None:
        """The store cannot be written (a full disk): said once, and the run ends."""
        if self.store_failure is not None:
            return
        self.store_failure = error
        logger.error("%s", error)
        self.crawler.signals.send_catch_log(
            signal=stop_run, reason="store_error", detail=str(error)
        )

    # -- the end of the run ----------------------------------------------------------------------

    def spider_closed(self, reason: str) -> None:
        try:
            self.close_run(reason)
        finally:
            self.store.close()
            self.lock.release()

    def close_run(self, reason: str) -> None:
        """Counts, aliases, the validators of settled work, and the run row; once."""
        if self._closed:
            return
        self._closed = True
        totals = {"pages": 0, "articles": 0, "duplicates": 0, "errors": 0}
        try:
            write_books(self, totals)
        except sqlite3.Error as exc:
            self.store_failed(store_error(self.db_path, exc))
        status, exit_code = outcome(self, reason, totals["errors"])
        self.stats.set_value("krnews/exit_code", exit_code)
        self.stats.set_value("krnews/run_id", self.run_id)
        self.stats.set_value("krnews/stop_detail", self.stop_detail)
        try:
            self.store.finish_run(self.run_id, status, exit_code, totals)
        except sqlite3.Error as exc:
            self.store_failed(store_error(self.db_path, exc))
            self.stats.set_value("krnews/run_row_open", True)
        with contextlib.suppress(sqlite3.Error):  # else the command reads it from the file
            self.stats.set_value("krnews/summary", self.store.run_summary(self.run_id))
