"""What `krnews crawl --redis`, `krnews ingest` and `krnews worker` share: the ingester run with
the one-process crawl's settings, and its logging."""

from __future__ import annotations

import logging
import sys

from crawler.crawl.sites import Config


def run_ingester(
    url: str,
    config: Config,
    db: str,
    *,
    workers: int,
    sites: tuple[str, ...] = (),
    log_file: str | None = None,
    quiet: bool = False,
    verbose: bool = False,
    max_minutes: float | None = None,
    overrides: dict | None = None,
) -> tuple[int, dict]:
    import uuid

    from crawler.cli.running import crawl_table_settings
    from crawler.distributed.start import limit_seconds, spawn

    settings = {**crawl_table_settings(config), **(overrides or {})}
    if max_minutes:
        settings["KRNEWS_MAX_SECONDS"] = max_minutes * 60
    setup_logging(log_file, verbose)
    token = uuid.uuid4().hex[:12]
    procs = [spawn(url, token, verbose, limit_seconds(settings)) for _ in range(workers)]
    try:
        from crawler.distributed.ingest import Ingester

        ingester = Ingester(url, config, db, sites, workers, settings, verbose, token, procs)
        return ingester.run()
    finally:
        for proc in procs:  # a run that never started (a held lock, no Redis): none waits on
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def setup_logging(log_file: str | None, verbose: bool) -> None:
    """Warnings on stderr (the whole log with --verbose), the whole log in --log-file, in the
    one-process crawl's format; a log file that cannot be created exits 73 as there."""
    from crawler.cli.running import add_log_file
    from crawler.crawl.settings import LOG_FORMAT

    root = logging.getLogger()
    root.setLevel(logging.INFO)
    if log_file:
        add_log_file(log_file, LOG_FORMAT)  # first, before anything is started
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
