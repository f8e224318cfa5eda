"""`krnews crawl`: one incremental crawl, safe from cron."""

from __future__ import annotations

import sys
from typing import Any

import click

from crawler.cli.running import crawl_table_settings, run_crawl
from crawler.cli.summary import print_summary
from crawler.crawl.exits import EXIT_USAGE, CrawlAborted
from crawler.crawl.settings import KRNEWS_DB, KRNEWS_SITES
from crawler.crawl.sites import ConfigError, load_config


@click.command()
@click.option(
    "--sites",
    "sites_file",
    default=KRNEWS_SITES,
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
@click.option("--redis", "redis_url", help="redis://HOST:PORT/N: crawl with workers (issue 27).")
@click.option(
    "--workers",
    type=click.IntRange(0),
    default=1,
    show_default=True,
    help="With --redis: Scrapy worker processes started here (0: only remote ones).",
)
def crawl(
    sites_file: str,
    db: str,
    site_names: tuple[str, ...],
    max_minutes: float | None,
    log_file: str | None,
    quiet: bool,
    verbose: bool,
    redis_url: str | None = None,
    workers: int = 1,
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
    options: dict[str, Any] = dict(  # noqa: C408
        sites=site_names, log_file=log_file, quiet=quiet, verbose=verbose, max_minutes=max_minutes
    )
    try:
        if redis_url:  # crawler/distributed: nothing of it is imported without --redis
            from crawler.distributed.cli import run_ingester

            code, summary = run_ingester(redis_url, config, db, workers=workers, **options)
        else:
            code, summary = run_crawl(config, db, **options)
    except CrawlAborted as exc:
        click.echo(f"krnews: {exc}", err=True)
        print_summary(exc.summary, table=False)
        sys.exit(exc.exit_code)
    print_summary(summary, table=not quiet)
    sys.exit(code)


command = crawl
