"""`scrapy crawl news -a sites=sites.toml`: the same crawl as `krnews crawl`.

The same sites.toml checks (exit 2 and one line before any request), the `[crawl]` table (under
any `-s` given on the command line), the same lock, run rows, time limit and exit codes. The store
is the KRNEWS_DB setting (`-s KRNEWS_DB=path`, default news.db in the current directory); the
time limit is `-s KRNEWS_MAX_SECONDS=1500`. Any other spider is Scrapy's usual `crawl`.
"""

from __future__ import annotations

import sys

import click
from scrapy.commands.crawl import Command as ScrapyCrawl

SPIDER_ARGS = {"sites", "site"}


class Command(ScrapyCrawl):
    def run(self, args, opts) -> None:
        if len(args) != 1 or args[0] != "news":
            return super().run(args, opts)
        from crawler.cli.running import crawl_table_settings, execute_crawl
        from crawler.cli.summary import summary_line
        from crawler.crawl.exits import EX_IOERR, EXIT_FOR_STORE_REASON, EXIT_USAGE, CrawlAborted
        from crawler.crawl.sites import ConfigError, load_config
        from crawler.store.db import StoreError

        spargs = dict(opts.spargs)
        unknown = set(spargs) - SPIDER_ARGS
        if unknown or not spargs.get("sites"):
            first = f"unknown spider argument(s) {', '.join(sorted(unknown))}; " if unknown else ""
            self._fail(
                first + "scrapy crawl news needs -a sites=sites.toml [-a site=NAME,...]",
                EXIT_USAGE,
            )
            return None
        try:
            config = load_config(spargs["sites"])
            table = crawl_table_settings(config)
        except ConfigError as exc:
            self._fail(str(exc), EXIT_USAGE)
            return None
        settings = self.settings
        assert settings is not None  # Scrapy sets it before run()
        for key, value in table.items():
            # sites.toml over the project's settings, `-s` over sites.toml
            settings.set(key, value, priority="spider")
        db = settings.get("KRNEWS_DB")
        names = tuple(n for n in spargs.get("site", "").split(",") if n)
        try:
            code, summary = execute_crawl(lambda: self.crawler_process, config, db, sites=names)
        except StoreError as exc:
            self._fail(str(exc), EXIT_FOR_STORE_REASON.get(exc.reason, EX_IOERR))
            return None
        except CrawlAborted as exc:
            self._fail(str(exc), exc.exit_code)
            return None
        except click.UsageError as exc:  # an unknown site name
            self._fail(exc.format_message(), EXIT_USAGE)
            return None
        print(summary_line(summary), file=sys.stderr)
        self.exitcode = code
        return None

    def _fail(self, message: str, code: int) -> None:
        print(f"krnews: {message}", file=sys.stderr)
        self.exitcode = code
