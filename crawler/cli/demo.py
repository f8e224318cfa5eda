"""`krnews demo`: the bundled demo news sites served on 127.0.0.x and crawled into the store."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from crawler.cli.running import run_crawl
from crawler.cli.summary import print_summary
from crawler.crawl.exits import EX_UNAVAILABLE, EXIT_FETCH_ERRORS, EXIT_OK
from crawler.crawl.settings import KRNEWS_DB

# Our own servers: no need to be polite to them, and the demo should take seconds.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_TIMEOUT": 10,
}


@click.command()
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


command = demo
