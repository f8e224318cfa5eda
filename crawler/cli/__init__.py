"""`krnews` (also `python -m crawler`): the commands of DESIGN.md §6, one module each.

`crawler.cli.<command>` holds each command; a command's module is imported only when that
command runs or `--help` lists it, so `krnews search` does not pay for Scrapy (tests/test_startup.py).
"""

from __future__ import annotations

import importlib
import sqlite3

import click

from crawler import __version__
from crawler.crawl.exits import EX_IOERR, EXIT_FOR_STORE_REASON, CrawlAborted
from crawler.crawl.settings import KRNEWS_DB

# Command name -> "module:attribute" of its click command, in the order `--help` lists them.
COMMANDS = {
    "crawl": "crawler.cli.crawl:command",
    "demo": "crawler.cli.demo:command",
    "extract": "crawler.cli.extract:command",
    "ingest": "crawler.cli.ingest:command",
    "report": "crawler.cli.report:command",
    "search": "crawler.cli.search:command",
    "story": "crawler.cli.story:command",
    "worker": "crawler.cli.worker:command",
}


class KrnewsGroup(click.Group):
    """Every command answers a store it cannot use with one line and its exit code; the
    commands are loaded by name from COMMANDS (click's lazy-group pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context):
        from crawler.store.errors import StoreError, store_error

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


@click.group(cls=KrnewsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="krnews")
def main() -> None:
    """Crawl Korean local news sites into a clean, deduplicated, searchable SQLite store."""
