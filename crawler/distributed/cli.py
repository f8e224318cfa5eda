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
    from crawler.cli.running import crawl_table_settings
    from crawler.distributed.ingest import Ingester

    settings = {**crawl_table_settings(config), **(overrides or {})}
    if max_minutes:
        settings["KRNEWS_MAX_SECONDS"] = max_minutes * 60
    setup_logging(log_file, verbose)
    return Ingester(url, config, db, sites, workers, settings, verbose).run()


def setup_logging(log_file: str | None, verbose: bool) -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    root.addHandler(handler)
    if log_file:
        root.addHandler(logging.FileHandler(log_file, encoding="utf-8"))
