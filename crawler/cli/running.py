"""How a crawl runs: Scrapy settings from sites.toml and the command line, logging, and the one
crawl under `krnews crawl`, `krnews demo` and `scrapy crawl news` alike."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import click

from crawler import __version__
from crawler.crawl.exits import EX_CANTCREAT, EX_SOFTWARE, CrawlAborted
from crawler.crawl.sites import Config, ConfigError, check_table

if TYPE_CHECKING:
    from scrapy.settings import Settings


# The optional [crawl] table of sites.toml: politeness and identity for every site of the file.
CRAWL_KEYS = {
    "download_delay": ("DOWNLOAD_DELAY", float),
    "concurrency_per_site": ("CONCURRENT_REQUESTS_PER_DOMAIN", int),
    "autothrottle": ("AUTOTHROTTLE_ENABLED", bool),
    "timeout": ("DOWNLOAD_TIMEOUT", float),
    "retries": ("RETRY_TIMES", int),
    "max_page_bytes": ("DOWNLOAD_MAXSIZE", int),
    "max_list_pages": ("KRNEWS_MAX_LIST_PAGES", int),
    "max_crawl_delay": ("KRNEWS_MAX_CRAWL_DELAY", float),
}


def crawl_table_settings(config: Config) -> dict:
    """Scrapy settings from sites.toml's [crawl] table; a bad key or value is a ConfigError."""
    where = f"{config.path or 'sites.toml'}: [crawl]"
    kinds = {"contact_url": str, **{key: kind for key, (_name, kind) in CRAWL_KEYS.items()}}
    table = check_table(where, config.extra.get("crawl", {}), kinds)
    settings = {CRAWL_KEYS[key][0]: value for key, value in table.items() if key in CRAWL_KEYS}
    if "contact_url" in table:
        if not table["contact_url"].startswith(("http://", "https://")):
            raise ConfigError(f"{where}: contact_url must be an http(s) URL")
        settings["USER_AGENT"] = f"kr-news-crawler/{__version__} (+{table['contact_url']})"
    return settings


def crawl_settings(config: Config, db: str, **overrides) -> Settings:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.crawl.settings", priority="project")
    for key, value in crawl_table_settings(config).items():
        settings.set(key, value, priority="cmdline")
    settings.set("KRNEWS_DB", db, priority="cmdline")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def _setup_logging(settings, log_file: str | None, quiet: bool, verbose: bool = False) -> None:
    """On stderr: warnings only (the progress line and the table say the rest), the whole log
    with --verbose; the live progress line only on a terminal and never with --quiet. The
    --log-file keeps the whole log in every case; it is opened first, before the lock or a run
    row exist, so that a log file that cannot be created leaves nothing behind."""
    level = logging.INFO if verbose else logging.WARNING
    settings.set("LOG_LEVEL", logging.getLevelName(level), priority="cmdline")
    if quiet:
        settings.set("KRNEWS_PROGRESS", False, priority="cmdline")
    if log_file:
        # Scrapy leaves the root logger at NOTSET and filters in its own stderr handler, so
        # INFO records still reach this one.
        add_log_file(log_file, settings.get("LOG_FORMAT"))


def add_log_file(log_file: str, log_format: str) -> None:
    """The whole log (INFO and up) also to `log_file`; one that cannot be created is a
    CrawlAborted with EX_CANTCREAT, before anything else is done."""
    try:
        handler = logging.FileHandler(log_file, encoding="utf-8")
    except OSError as exc:
        raise CrawlAborted(
            f"cannot create the log file {log_file}: {exc.strerror or exc}", EX_CANTCREAT
        ) from None
    handler.setFormatter(logging.Formatter(log_format))
    handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)


def run_crawl(
    config: Config,
    db: str,
    *,
    sites: tuple[str, ...] = (),
    log_file: str | None = None,
    quiet: bool = False,
    verbose: bool = False,
    max_minutes: float | None = None,
    overrides: dict | None = None,
) -> tuple[int, dict]:
    """One crawl under the store's lock. Returns (exit code, run summary); raises CrawlAborted
    (or StoreError) when the crawl cannot run."""
    from scrapy.crawler import CrawlerProcess

    extra = dict(overrides or {})
    if max_minutes:
        extra["KRNEWS_MAX_SECONDS"] = max_minutes * 60
    settings = crawl_settings(config, db, **extra)
    _setup_logging(settings, log_file, quiet, verbose)
    return execute_crawl(lambda: CrawlerProcess(settings), config, db, sites=sites)


def execute_crawl(make_process, config: Config, db: str, *, sites: tuple[str, ...] = ()):
    """The one way a crawl runs, under `krnews crawl` and `scrapy crawl news` alike. The run's
    life (the lock, the run row, the killed runs before it marked `interrupted`) is the
    crawler.crawl.run.CrawlRun extension's; a crawl it refuses to start (`CrawlAborted`, `StoreError`)
    is raised here, once Scrapy is done. `make_process()` gives the Scrapy crawler process."""
    from spiders.news import NewsSpider

    started = time.monotonic()
    names = sites or tuple(s.name for s in config.sites)
    unknown = set(names) - {s.name for s in config.sites}
    if unknown:
        raise click.UsageError(f"no site named {', '.join(sorted(unknown))} in the sites file")
    process = make_process()
    crawler = process.create_crawler(NewsSpider)
    crawler.settings.set("KRNEWS_STARTED", started, priority="cmdline")
    refused: list[BaseException] = []
    _on_start_failure(process.crawl(crawler, config=config, site=",".join(names)), refused)
    # Scrapy sets the root logger to NOTSET and its own to DEBUG and filters in its handlers,
    # so each debug call (a line per response and per item) made a record no handler kept.
    floor = min((h.level for h in logging.root.handlers), default=logging.NOTSET)
    for name in ("", "scrapy"):
        logging.getLogger(name).setLevel(floor)
    # crawler.crawl.deadline handles SIGTERM and SIGINT: a stop closes the run row too.
    process.start(install_signal_handlers=False)
    if refused:
        raise refused[0]
    stats = crawler.stats
    run_id = stats.get_value("krnews/run_id")
    exit_code = stats.get_value("krnews/exit_code")
    summary = stats.get_value("krnews/summary")
    if exit_code is None or summary is None:
        from crawler.store.db import Store

        with Store(db) as store:
            if exit_code is None:  # the run was opened and never closed: a bug
                exit_code = EX_SOFTWARE
                if run_id is not None:
                    store.fail_open_run(run_id, EX_SOFTWARE)
            if run_id is None:
                raise CrawlAborted(
                    "the crawl ended before its run started (see the log)", exit_code
                )
            summary = store.run_summary(run_id)
    summary = dict(summary)
    summary["seconds"] = round(time.monotonic() - started, 1)
    summary["stop_detail"] = stats.get_value("krnews/stop_detail") or ""
    if stats.get_value("krnews/run_row_open"):
        raise CrawlAborted(
            f"run {run_id} could not be closed in {db} (the store cannot be written); "
            "the next run marks it interrupted",
            exit_code,
            summary,
        )
    return exit_code, summary


def _on_start_failure(crawling, refused: list[BaseException]) -> None:
    """Keeps the exception a crawl failed with before it started (the lock is held, the store
    cannot be opened: raised by the CrawlRun extension) instead of Scrapy's traceback."""
    from crawler.store.errors import StoreError

    def keep(error: BaseException) -> None:
        if isinstance(error, CrawlAborted | StoreError):
            refused.append(error)
        else:
            logging.getLogger(__name__).error("the crawl failed to start: %r", error)
            refused.append(CrawlAborted(f"the crawl failed to start: {error}", EX_SOFTWARE))

    def task_done(task) -> None:
        if not task.cancelled() and task.exception() is not None:
            keep(task.exception())

    if hasattr(crawling, "addErrback"):  # CrawlerProcess: a Deferred
        crawling.addErrback(lambda failure: keep(failure.value))
    else:  # AsyncCrawlerProcess (`scrapy crawl`): an asyncio Task
        crawling.add_done_callback(task_done)
