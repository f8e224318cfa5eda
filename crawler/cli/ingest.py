"""`krnews ingest --redis URL`: the store writer of a distributed crawl whose workers run
elsewhere (`krnews worker --redis URL` on each machine): `krnews crawl --redis --workers 0`."""

from __future__ import annotations

import click

from crawler.cli.crawl import crawl


@click.command(context_settings={"ignore_unknown_options": False})
@click.pass_context
@click.option("--redis", "redis_url", required=True, help="redis://HOST:PORT/N of the crawl.")
@click.option("--sites", "sites_file", default=None, help="The sites config (DESIGN.md §3).")
@click.option("--db", default=None, help="The SQLite store.")
@click.option("--site", "site_names", multiple=True, help="Crawl only this site (repeatable).")
@click.option("--max-minutes", type=float, help="Stop the run after this many minutes.")
@click.option("--quiet", "-q", is_flag=True, help="Warnings and the summary only (for cron).")
@click.option("--verbose", "-v", is_flag=True, help="The whole log on stderr.")
def ingest(ctx: click.Context, redis_url: str, **options) -> None:
    """Store what remote workers crawl: one run, under the store's lock, as `krnews crawl`."""
    given = {k: v for k, v in options.items() if v not in (None, ())}
    ctx.invoke(crawl, redis_url=redis_url, workers=0, **given)


command = ingest
