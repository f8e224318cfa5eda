"""The run's books at its end (crawler.crawl.run.CrawlRun.close_run): per-site counts, aliases of
redirected links, the validators of settled sources; then its `runs.status` and exit code.

Of the outcome, a store that cannot be written wins (its own exit code, crawler.crawl.exits),
then a stop by signal (128 + the signal), the time limit, a crawl that did not finish, a spent
`max_pages` budget; otherwise `ok`, or `partial` when some fetches failed (exit code 1 whenever
one did)."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

from crawler.crawl.exits import EX_IOERR, EXIT_FETCH_ERRORS, EXIT_FOR_STORE_REASON, EXIT_OK

if TYPE_CHECKING:
    from crawler.crawl.run import CrawlRun


def write_books(run: CrawlRun, totals: dict[str, int]) -> None:
    """Writes the run's counts (adding them up in `totals`), aliases and validators; raises
    sqlite3.Error."""
    for name, site in run.sites.items():
        counts = {
            "pages": run.stats.get_value(f"krnews/pages/{name}", 0),
            "articles": run.stats.get_value(f"krnews/stored/{name}", 0),
            "duplicates": run.stats.get_value(f"krnews/duplicates/{name}", 0),
            "errors": run.stats.get_value(f"krnews/errors/{name}", 0),
        }
        for key, value in counts.items():
            totals[key] += value
        run.store.record_site_run(run.run_id, name, **counts)
        if counts["pages"] and not counts["errors"]:
            run.store.upsert_site(name, site.home, success=True)
    for target, source in run.redirects.items():
        run.store.add_alias(source, target)
    # Validators only for work that was finished: a source whose links were not all
    # settled in this run (a budget, the time limit, a signal, a timeout) is fetched
    # again in full next time; the end of its last settled run stays, as the evidence
    # its pagination may stop on. Written only now: a run killed midway leaves none.
    for url, (etag, modified) in run.sources.items():
        if run.ledger.settled(url):
            run.store.http_cache_put(url, etag, modified)
        else:
            run.store.http_cache_forget(url)


def outcome(run: CrawlRun, reason: str, errors: int) -> tuple[str, int]:
    """(runs.status, exit code) of the run; sets `run.stop_detail` for a stop or a budget."""
    if run.store_failure is not None:
        return "failed", EXIT_FOR_STORE_REASON.get(run.store_failure.reason, EX_IOERR)
    if reason in ("stopped", "shutdown") or run.stop_reason == "stopped":
        if not run.stop_detail:
            run.stop_detail = "a shutdown"
        return "stopped", 128 + (run.signum or signal.SIGTERM)
    fetch_code = EXIT_FETCH_ERRORS if errors else EXIT_OK
    if reason == "time_limit":
        return "time_limit", fetch_code
    if reason != "finished":
        return "failed", 1
    if run.over_budget:
        names = [name for name in run.sites if name in run.over_budget]
        run.stop_detail = f"max_pages of {', '.join(names)}"
        return "budget", fetch_code
    return ("partial" if errors else "ok"), fetch_code
