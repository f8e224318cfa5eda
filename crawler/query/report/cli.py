"""`krnews report`: the click command the CLI registers."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from crawler.crawl.settings import KRNEWS_DB
from crawler.query.report.collect import collect
from crawler.query.report.config import ReportConfigError, load_config
from crawler.query.report.model import Report
from crawler.query.report.render import RENDERERS, check_lines
from crawler.store.reader import StoreMissingError, open_read_only

_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$")
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7}
KST_OFFSET = timedelta(hours=9)


def parse_since(value: str, now: datetime) -> datetime:
    """`24h`, `7d`, `2w`, or an ISO date/datetime (Korea time when it has no offset)."""
    match = _RELATIVE.match(value)
    if match:
        return now - timedelta(hours=float(match[1]) * _UNIT_HOURS[match[2]])
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r}: use 24h, 7d, 2w, or a date like 2026-11-01") from None
    if moment.tzinfo is None:
        moment = (moment - KST_OFFSET).replace(tzinfo=UTC)
    return moment.astimezone(UTC)


FORMAT_OF_SUFFIX = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md",
                    ".json": "json", ".txt": "text"}  # fmt: skip


def format_for(output: Path | None) -> str:
    """The format a file name asks for (`r.md` is Markdown); text for stdout or other names."""
    return FORMAT_OF_SUFFIX.get(output.suffix.lower(), "text") if output is not None else "text"


def open_store(db: Path) -> sqlite3.Connection:
    """Read-only: a report never creates, migrates or locks the store a crawl is writing."""
    try:
        return open_read_only(db)
    except StoreMissingError:
        raise click.UsageError(
            f"no store at {db}; run `krnews crawl` (or `krnews demo`) first"
        ) from None


def build_report(
    db: Path,
    sites_toml: Path | None = None,
    *,
    since: datetime | None = None,
    now: datetime | None = None,
) -> Report:
    """The report for the store at `db`, with the thresholds and sites of `sites_toml`."""
    now = now or datetime.now(UTC)
    cfg, names = load_config(sites_toml)
    conn = open_store(db)
    try:
        return collect(
            conn,
            cfg,
            now=now,
            since=since or now - timedelta(days=7),
            site_names=names,
            db_label=str(db),
        )
    finally:
        conn.close()


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
    default="sites.toml",
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
