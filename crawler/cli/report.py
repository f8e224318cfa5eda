"""`krnews report`: the crawl status report as HTML, Markdown, JSON or a terminal summary
(crawler/query/report builds it)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click

from crawler.crawl.settings import KRNEWS_DB, KRNEWS_SITES
from crawler.query.report.build import build_report, format_for, parse_since
from crawler.query.report.config import ReportConfigError
from crawler.query.report.render import RENDERERS, check_lines


@click.command("report")
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=KRNEWS_DB,
    show_default=True,
    help="The store to report on (opened read-only).",
)
@click.option(
    "--sites",
    "sites_toml",
    type=click.Path(path_type=Path),
    default=KRNEWS_SITES,
    show_default=True,
    help="Sites to cover and [report] thresholds; skipped when the default is absent.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(RENDERERS)),
    default=None,
    help="html, md, json or text; default: from the name of -o (.html, .md, .json, .txt), "
    "text on stdout.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report to this file instead of stdout.",
)
@click.option(
    "--since",
    default="7d",
    show_default=True,
    help="Start of the period for charts, runs, clusters and duplicate rates: "
    "24h, 7d, 2w or a date.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Print one line per failing or stale site and exit 1 if there is any; "
    "silent with exit 0 otherwise (cron mails only output).",
)
def report_command(
    db: Path, sites_toml: Path | None, fmt: str | None, output: Path | None, since: str, check: bool
) -> None:
    """The crawl status report: per-site health, freshness, errors and duplicate rates."""
    now = datetime.now(UTC)
    start = parse_since(since, now)
    explicit = click.get_current_context().get_parameter_source("sites_toml")
    if (
        sites_toml is not None
        and not sites_toml.is_file()
        and explicit == click.core.ParameterSource.DEFAULT
    ):
        sites_toml = None
    try:
        report = build_report(db, sites_toml, since=start, now=now)
    except ReportConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise click.UsageError(f"{db}: not a readable crawl store ({exc})") from exc
    if fmt is None:
        fmt = format_for(output)
    if output is not None:
        output.write_text(RENDERERS[fmt](report), encoding="utf-8")
    if check:
        lines = check_lines(report)
        if lines:
            click.echo("\n".join(lines))
            click.get_current_context().exit(1)
        return
    if output is None:
        click.echo(RENDERERS[fmt](report), nl=False)


command = report_command
