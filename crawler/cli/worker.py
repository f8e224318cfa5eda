"""`krnews worker --redis URL`: one Scrapy worker of a distributed crawl (crawler/distributed/),
on this machine, for the run an ingester (`krnews crawl --redis` or `krnews ingest --redis`)
announced in Redis."""

from __future__ import annotations

import sys

import click

from crawler.crawl.exits import CrawlAborted


@click.command()
@click.option("--redis", "redis_url", required=True, help="redis://HOST:PORT/N of the crawl.")
@click.option("--run", "token", help="The run to join (default: the one running now).")
@click.option("--wait", default=30.0, show_default=True, help="Seconds to wait for a run.")
@click.option("--verbose", "-v", is_flag=True, help="The whole crawl log on stderr.")
def worker(redis_url: str, token: str | None, wait: float, verbose: bool) -> None:
    """Fetch, extract and clean for a distributed crawl; the ingester stores.

    Exit codes: 0 done (or no crawl to join); 69 Redis cannot be reached or was lost.
    """
    from crawler.distributed.start import run_worker

    try:
        code = run_worker(redis_url, token, wait, verbose)
    except CrawlAborted as exc:
        click.echo(f"krnews: {exc}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code)


command = worker
