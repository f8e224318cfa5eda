"""`krnews` (also `python -m crawler`): the commands of DESIGN.md §6."""

from __future__ import annotations

import gzip
import json
import logging
import os
import sys
import time
from pathlib import Path

import click

from crawler import __version__
from crawler.lock import CrawlLock, CrawlLocked
from crawler.sites import Config, ConfigError, check_table, load_config
from crawler.terminal import for_terminal

EXIT_OK, EXIT_FETCH_ERRORS, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75

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


def crawl_settings(config: Config, db: str, **overrides) -> scrapy.settings.Settings:  # noqa: F821
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in crawl_table_settings(config).items():
        settings.set(key, value, priority="cmdline")
    settings.set("KRNEWS_DB", db, priority="cmdline")
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def _setup_logging(settings, log_file: str | None, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.INFO
    settings.set("LOG_LEVEL", logging.getLevelName(level), priority="cmdline")
    if quiet:
        settings.set("KRNEWS_PROGRESS", False, priority="cmdline")
    if log_file:
        # The file keeps the full log even under --quiet: Scrapy leaves the root logger at NOTSET
        # and filters in its own stderr handler, so INFO records still reach this one.
        handler = logging.FileHandler(log_file, encoding="utf-8")
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
    max_minutes: float | None = None,
    overrides: dict | None = None,
) -> tuple[int, dict]:
    """One crawl under the store's lock. Returns (exit code, run summary)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.store import Store
    from spiders.news import NewsSpider

    names = sites or tuple(s.name for s in config.sites)
    unknown = set(names) - {s.name for s in config.sites}
    if unknown:
        raise click.UsageError(f"no site named {', '.join(sorted(unknown))} in the sites file")
    try:
        lock = CrawlLock(db).acquire()
    except CrawlLocked as exc:
        click.echo(f"krnews: {exc}", err=True)
        return EXIT_LOCKED, {}
    try:
        store = Store(db)
        # We hold the lock, so any run still marked running was killed: say so in `runs`.
        store.db.execute(
            "UPDATE runs SET status = 'interrupted', finished = COALESCE(finished, started) "
            "WHERE status = 'running'"
        )
        store.db.conn.commit()
        run_id = store.start_run(list(names), os.getpid())
        store.close()
        extra = dict(overrides or {})
        if max_minutes:
            extra["CLOSESPIDER_TIMEOUT"] = max_minutes * 60
        settings = crawl_settings(config, db, KRNEWS_RUN_ID=run_id, KRNEWS_LOCK_HELD=True, **extra)
        _setup_logging(settings, log_file, quiet)
        started = time.monotonic()
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, config=config, site=",".join(names))
        process.start()
        exit_code = crawler.stats.get_value("krnews/exit_code")
        summary = run_summary(db, run_id, time.monotonic() - started)
        if exit_code is None:  # the spider never closed normally
            exit_code = EXIT_FETCH_ERRORS
        return exit_code, summary
    finally:
        lock.release()


def run_summary(db: str, run_id: int, seconds: float) -> dict:
    from crawler.store import Store

    store = Store(db)
    try:
        run = dict(store.db["runs"].get(run_id))
        run["seconds"] = round(seconds, 1)
        run["per_site"] = [
            dict(r)
            for r in store.db.query(
                "SELECT site, pages, articles, duplicates, errors FROM run_sites WHERE run_id = ? "
                "ORDER BY site",
                [run_id],
            )
        ]
        return run
    finally:
        store.close()


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
    click.echo(
        f"krnews: run {summary['id']} {summary['status']} in {summary['seconds']}s: "
        f"{summary['pages']} pages, {summary['articles']} new articles, "
        f"{summary['duplicates']} duplicates, {summary['errors']} errors "
        f"(exit {summary['exit_code']})",
        err=not table,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--db", default="news.db", show_default=True, help="The SQLite store.")
@click.option("--site", "site_names", multiple=True, help="Crawl only this site (repeatable).")
@click.option("--max-minutes", type=float, help="Stop the run after this many minutes.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Also write the log here.")
@click.option("--quiet", "-q", is_flag=True, help="Warnings and the summary only (for cron).")
def crawl(
    sites_file: str,
    db: str,
    site_names: tuple[str, ...],
    max_minutes: float | None,
    log_file: str | None,
    quiet: bool,
) -> None:
    """One incremental crawl; safe from cron.

    Exit codes: 0 done; 1 done but some fetches failed (see the `fetches` table); 2 bad usage or
    config; 75 another crawl on the same db is still running (try later).
    """
    try:
        config = load_config(sites_file)
        crawl_table_settings(config)
    except ConfigError as exc:
        click.echo(f"krnews: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    code, summary = run_crawl(
        config, db, sites=site_names, log_file=log_file, quiet=quiet, max_minutes=max_minutes
    )
    print_summary(summary, table=not quiet and sys.stdout.isatty())
    sys.exit(code)


@main.command()
@click.option("--db", default="news.db", show_default=True, help="The SQLite store.")
@click.option(
    "--port",
    default=18080,
    show_default=True,
    help="Port of the demo sites (each on its own 127.0.0.x); 0 picks free ports.",
)
@click.option("--verbose", "-v", is_flag=True, help="The whole crawl log, not only warnings.")
def demo(db: str, port: int, verbose: bool) -> None:
    """Serve the bundled demo news sites on 127.0.0.x and crawl them into the store."""
    from crawler.demo.server import DemoSites
    from crawler.sites import parse_config

    with DemoSites(port=port) as sites:
        lines = [f'[[site]]\nname = "{s["name"]}"\nhome = "{s["home"]}"\n' for s in sites.sites]
        config = parse_config("\n".join(lines), "demo sites")
        click.echo(f"Demo sites: {', '.join(s['home'] for s in sites.sites)}", err=True)
        code, summary = run_crawl(config, db, quiet=not verbose, overrides=DEMO_SETTINGS)
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
    from crawler.charset import CharsetError
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
    from crawler.report import report_command
    from crawler.search import search_command

    main.add_command(report_command, "report")
    main.add_command(search_command, "search")


_register_commands_of_other_modules()
