"""`krnews` (also `python -m crawler`): the commands of DESIGN.md §6."""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler import __version__
from crawler.crawl.exits import (  # noqa: F401  (the codes are part of crawler.cli's names)
    EX_CANTCREAT,
    EX_DATAERR,
    EX_IOERR,
    EX_SOFTWARE,
    EX_UNAVAILABLE,
    EXIT_FETCH_ERRORS,
    EXIT_FOR_STORE_REASON,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    CrawlAborted,
)
from crawler.crawl.settings import KRNEWS_DB
from crawler.crawl.sites import Config, ConfigError, check_table, load_config
from crawler.query.terminal import for_terminal

if TYPE_CHECKING:
    from scrapy.settings import Settings


class KrnewsGroup(click.Group):
    """Every command answers a store it cannot use with one line and its exit code."""

    def invoke(self, ctx: click.Context):
        from crawler.store.db import StoreError, store_error

        args = [*ctx._protected_args, *ctx.args]  # the command's own, before it parses them
        try:
            return super().invoke(ctx)
        except sqlite3.Error as exc:  # a command that reads the file without crawler.store.db
            db = args[args.index("--db") + 1] if "--db" in args[:-1] else KRNEWS_DB
            error = store_error(db, exc)
            click.echo(f"krnews: {error}", err=True)
            ctx.exit(EXIT_FOR_STORE_REASON.get(error.reason, EX_IOERR))
        except StoreError as exc:
            click.echo(f"krnews: {exc}", err=True)
            ctx.exit(EXIT_FOR_STORE_REASON.get(exc.reason, EX_IOERR))
        except CrawlAborted as exc:
            click.echo(f"krnews: {exc}", err=True)
            ctx.exit(exc.exit_code)


# Our own servers: no need to be polite to them, and the demo should take seconds.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_TIMEOUT": 10,
}


# The optional [crawl] table of sites.toml: politeness and identity for every site of the file.
CRAWL_KEYS = {
    "download_delay": ("DOWNLOAD_DELAY", float),
    "concurrency_per_site": ("CONCURRENT_REQUESTS_PER_DOMAIN", int),
    "autothrottle": ("AUTOTHROTTLE_ENABLED", bool),
    "timeout": ("DOWNLOAD_TIMEOUT", float),
    "retries": ("RETRY_TIMES", int),
    "max_page_bytes": ("DOWNLOAD_MAXSIZE", int),
    "max_list_pages": ("KRNEWS_MAX_LIST_PAGES", int),
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
        try:
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise CrawlAborted(
                f"cannot create the log file {log_file}: {exc.strerror or exc}", EX_CANTCREAT
            ) from None
        handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT")))
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
    from crawler.store.db import StoreError

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


def print_summary(summary: dict, *, table: bool) -> None:
    if not summary:
        return
    if table and summary.get("per_site"):
        rows = summary["per_site"]
        width = max(len("site"), *(len(r["site"]) for r in rows))
        header = (
            f"{'site':<{width}}  {'pages':>6}  {'articles':>8}  {'duplicates':>10}  {'errors':>6}"
        )
        click.echo(header)
        click.echo("-" * len(header))
        for r in rows:
            click.echo(
                f"{r['site']:<{width}}  {r['pages']:>6}  {r['articles']:>8}  "
                f"{r['duplicates']:>10}  {r['errors']:>6}"
            )
    # The table is the command's output (stdout, also when piped); the one-line summary goes
    # with the log on stderr, so that cron mails it and a pipe gets only the table.
    click.echo(summary_line(summary), err=True)


CUT_SHORT = {
    "time_limit": "cut short by {detail}",
    "stopped": "stopped by {detail}",
    "budget": "cut short by {detail}",
}


def summary_line(summary: dict) -> str:
    """The run's one line; a run cut short says by what, and that the next run goes on."""
    cut = CUT_SHORT.get(summary["status"])
    why = (
        f" ({cut.format(detail=summary.get('stop_detail') or summary['status'])}; "
        "the next run does the rest)"
        if cut
        else ""
    )
    return (
        f"krnews: run {summary['id']} {summary['status']} in {summary['seconds']}s{why}: "
        f"{summary['pages']} pages, {summary['articles']} new articles, "
        f"{summary['duplicates']} duplicates, {summary['errors']} errors "
        f"(exit {summary['exit_code']})"
    )


@click.group(cls=KrnewsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="krnews")
def main() -> None:
    """Crawl Korean local news sites into a clean, deduplicated, searchable SQLite store."""


@main.command()
@click.option(
    "--sites",
    "sites_file",
    default="sites.toml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The sites config (DESIGN.md §3).",
)
@click.option("--db", default=KRNEWS_DB, show_default=True, help="The SQLite store.")
@click.option("--site", "site_names", multiple=True, help="Crawl only this site (repeatable).")
@click.option("--max-minutes", type=float, help="Stop the run after this many minutes.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Also write the log here.")
@click.option("--quiet", "-q", is_flag=True, help="Warnings and the summary only (for cron).")
@click.option("--verbose", "-v", is_flag=True, help="The whole crawl log on stderr.")
def crawl(
    sites_file: str,
    db: str,
    site_names: tuple[str, ...],
    max_minutes: float | None,
    log_file: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """One incremental crawl; safe from cron.

    Exit codes: 0 done; 1 done but some fetches failed (see the `fetches` table); 2 bad usage or
    config; 65 the db is not a store, or is newer than this krnews; 73 the db, its lock or the
    log file cannot be created; 74 I/O error or disk full; 75 another crawl on the same db is
    still running (try later); 130/143 stopped by SIGINT/SIGTERM. README lists them all.
    """
    if max_minutes is not None and max_minutes <= 0:
        raise click.UsageError("--max-minutes must be more than 0")
    try:
        config = load_config(sites_file)
        crawl_table_settings(config)
    except ConfigError as exc:
        click.echo(f"krnews: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        code, summary = run_crawl(
            config,
            db,
            sites=site_names,
            log_file=log_file,
            quiet=quiet,
            verbose=verbose,
            max_minutes=max_minutes,
        )
    except CrawlAborted as exc:
        click.echo(f"krnews: {exc}", err=True)
        print_summary(exc.summary, table=False)
        sys.exit(exc.exit_code)
    print_summary(summary, table=not quiet)
    sys.exit(code)


@main.command()
@click.option("--db", default=KRNEWS_DB, show_default=True, help="The SQLite store.")
@click.option(
    "--port",
    default=18080,
    show_default=True,
    help="Port of the demo sites (each on its own 127.0.0.x); 0 picks free ports.",
)
@click.option("--verbose", "-v", is_flag=True, help="The whole crawl log, not only warnings.")
def demo(db: str, port: int, verbose: bool) -> None:
    """Serve the bundled demo news sites on 127.0.0.x and crawl them into the store."""
    from crawler.crawl.sites import parse_config
    from crawler.demo.server import DemoSites

    demo_sites = DemoSites(port=port)
    try:
        demo_sites.start()
    except OSError as exc:
        click.echo(
            f"krnews: cannot serve the demo sites on port {port}: {exc.strerror or exc}; "
            "choose another with --port (0 picks free ones)",
            err=True,
        )
        sys.exit(EX_UNAVAILABLE)
    with contextlib.closing(demo_sites) as sites:
        lines = [f'[[site]]\nname = "{s["name"]}"\nhome = "{s["home"]}"\n' for s in sites.sites]
        config = parse_config("\n".join(lines), "demo sites")
        click.echo(f"Demo sites: {', '.join(s['home'] for s in sites.sites)}", err=True)
        code, summary = run_crawl(
            config, db, quiet=not verbose, verbose=verbose, overrides=DEMO_SETTINGS
        )
    print_summary(summary, table=True)
    if code == EXIT_FETCH_ERRORS:
        click.echo("(The demo sites carry dead links on purpose: see the `fetches` table.)")
    if summary:
        click.echo(f"Stored in {db}. Try: {_this_command()} search 고양시 --db {db}")
    # Failed fetches are part of the demo; only a crawl that could not run is a failure here.
    sys.exit(EXIT_OK if code in (EXIT_OK, EXIT_FETCH_ERRORS) else code)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", help="The page's address (for profile detection); one FILE only.")
def extract(files: tuple[str, ...], url: str | None) -> None:
    """Run extract and clean on saved pages and print one JSON object per page."""
    from crawler.extract.charset import CharsetError
    from pipelines.clean import clean_article
    from pipelines.extract import NotAnArticle, extract_page

    if url and len(files) > 1:
        raise click.UsageError("--url gives the address of a single page")
    failed = False
    for name in files:
        path = Path(name)
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        page_url = url or path.resolve().as_uri()
        try:
            article = clean_article(extract_page(raw, page_url))
        except NotAnArticle as exc:
            click.echo(f"krnews: {name}: not an article ({exc})", err=True)
            failed = True
            continue
        except CharsetError as exc:
            click.echo(f"krnews: {name}: cannot decode ({exc})", err=True)
            failed = True
            continue
        article.pop("paragraphs", None)
        article.pop("aliases", None)  # the store's business; the output is the article's columns
        line = json.dumps(article, ensure_ascii=False)
        click.echo(for_terminal(line) if sys.stdout.isatty() else line)
    sys.exit(1 if failed else 0)


def _this_command() -> str:
    """How the user ran krnews (`.venv/bin/krnews`, `python -m crawler`), to print hints they
    can paste: a bare `krnews` is often not on PATH."""
    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name == "krnews":
        return argv0
    if not argv0.endswith("__main__.py"):
        return "krnews"
    exe = os.path.relpath(sys.executable)
    return f"{exe if not exe.startswith('..') else sys.executable} -m crawler"


def _register_commands_of_other_modules() -> None:
    from crawler.query.report import report_command
    from crawler.query.search import search_command

    main.add_command(report_command, "report")
    main.add_command(search_command, "search")


_register_commands_of_other_modules()
