"""The report built from a store: the options `krnews report` reads (crawler/cli/report.py) turned
into a `Report` and its rendered text."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from crawler.query.report.collect import collect
from crawler.query.report.config import load_config
from crawler.query.report.model import Report
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
