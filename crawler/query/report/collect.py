"""Reads the store into a `Report`: the rows of crawler/store/report_sql.py's grouped queries
(a handful, whatever the number of articles) made into per-site figures.

The times the queries take and give are Julian days (`report_sql.julian`): `published` carries
the page's offset (+09:00) and `fetched_at` is UTC, so only SQLite's julianday compares them.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import asdict
from datetime import datetime, timedelta

from crawler.query.report.config import ReportConfig
from crawler.query.report.health import classify
from crawler.query.report.model import (
    STATUSES,
    Cluster,
    Health,
    Report,
    RunRow,
    SiteReport,
    SiteRun,
)
from crawler.query.report.stories import collect_stories
from crawler.store import report_sql
from crawler.store.report_sql import from_julian, julian

KST = timedelta(hours=9)


def collect(
    conn: sqlite3.Connection,
    cfg: ReportConfig,
    *,
    now: datetime,
    since: datetime,
    site_names: list[str] | None = None,
    db_label: str = "",
) -> Report:
    """The whole report; `site_names` (from sites.toml) limits it to those sites. Counts cover
    `since` to `now`; the per-day charts only the last `chart_days` days of that."""
    params = {"now": julian(now), "since": julian(since)}
    days = _days(since, now)[-max(cfg.chart_days, 1) :]
    with report_sql.snapshot(conn):
        return _collect(conn, cfg, params, days, site_names, now, since, db_label)


def _collect(
    conn: sqlite3.Connection,
    cfg: ReportConfig,
    params: dict,
    days: list[str],
    site_names: list[str] | None,
    now: datetime,
    since: datetime,
    db_label: str,
) -> Report:
    sites = _sites(conn, site_names)
    _article_counts(conn, sites, cfg, params)
    _daily(conn, sites, days, params)
    latest = _site_runs(conn, sites, cfg)
    _errors_by_kind(conn, sites, latest)
    _health(conn, sites, latest, cfg)
    _duplicates(conn, sites, params)
    stories = collect_stories(conn, sites, since=params["since"], top=cfg.top_stories)
    for site in sites.values():
        site.status, site.reasons = classify(site, cfg)
    order = {status: i for i, status in enumerate(STATUSES)}
    return Report(
        generated=now.isoformat(timespec="seconds"),
        since=since.isoformat(timespec="seconds"),
        db=db_label,
        days=days,
        sites=sorted(sites.values(), key=lambda s: (order[s.status], s.name)),
        runs=_runs(conn, params),
        clusters=_clusters(conn, cfg, params),
        thresholds=asdict(cfg),
        stories=stories,
    )


def _days(since: datetime, now: datetime) -> list[str]:
    first, last = (since + KST).date(), (now + KST).date()
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def _sites(conn: sqlite3.Connection, names: list[str] | None) -> dict[str, SiteReport]:
    rows = report_sql.site_rows(conn)
    if names is None:
        names = sorted(set(rows) | report_sql.sites_seen(conn))
    sites = {}
    for name in names:
        row = rows.get(name)
        sites[name] = SiteReport(
            name=name,
            home=row["home"] if row else None,
            profile=row["profile"] if row else None,
            first_seen=row["first_seen"] if row else None,
            last_success=row["last_success"] if row else None,
        )
    return sites


def _article_counts(
    conn: sqlite3.Connection, sites: dict[str, SiteReport], cfg: ReportConfig, params: dict
) -> None:
    week_ago = params["now"] - 7
    base_start = week_ago - cfg.baseline_days
    rows = report_sql.article_counts(conn, **params, week_ago=week_ago, base_start=base_start)
    for row in rows:
        site = sites.get(row["site"])
        if site is None:
            continue
        site.articles_total = row["total"]
        site.articles_24h, site.articles_7d = row["n24h"], row["n7d"]
        site.articles_period = row["nperiod"]
        newest = from_julian(row["newest_t"])
        site.newest_article = newest.isoformat(timespec="seconds") if newest else None
        site.newest_age_hours = max(0.0, (params["now"] - row["newest_t"]) * 24)
        # A site with under a week of history before the last seven days has no usual rate yet.
        span = week_ago - max(base_start, row["first_t"])
        if span >= 7:
            site.usual_per_day = row["nbase"] / span


def _daily(
    conn: sqlite3.Connection, sites: dict[str, SiteReport], days: list[str], params: dict
) -> None:
    index = {day: i for i, day in enumerate(days)}
    for site in sites.values():
        site.daily = [0] * len(days)
    for row in report_sql.articles_per_day(conn, **params):
        report = sites.get(row["site"])
        if report is not None and row["day"] in index:
            report.daily[index[row["day"]]] = row["n"]


def _site_runs(
    conn: sqlite3.Connection, sites: dict[str, SiteReport], cfg: ReportConfig
) -> dict[str, SiteRun]:
    """Fills runs, last_run and the error trend; returns each site's latest finished run."""
    for row in report_sql.finished_runs_per_site(conn):
        if row["site"] in sites:
            sites[row["site"]].runs = row["n"]
    history: dict[str, list[SiteRun]] = defaultdict(list)
    for row in report_sql.recent_site_runs(conn, max(cfg.history_runs, 1)):
        history[row["site"]].append(
            SiteRun(
                row["run_id"],
                row["started"],
                row["finished"],
                row["pages"] or 0,
                row["articles"] or 0,
                row["errors"] or 0,
            )
        )
    latest = {}
    for name, runs in history.items():
        site = sites.get(name)
        if site is None:
            continue
        site.last_run = latest[name] = runs[-1]
        site.error_trend = [run.errors for run in runs]
        site.error_trend_word = _trend(site.error_trend)
    return latest


def _trend(errors: list[int]) -> str:
    if len(errors) < 2:
        return "flat"
    before = sorted(errors[:-1])
    median = before[len(before) // 2]
    if errors[-1] > median:
        return "up"
    return "down" if errors[-1] < median else "flat"


def _errors_by_kind(
    conn: sqlite3.Connection, sites: dict[str, SiteReport], latest: dict[str, SiteRun]
) -> None:
    run_ids = sorted({run.run_id for run in latest.values()})
    if not run_ids:
        return
    for row in report_sql.fetch_errors_by_kind(conn, run_ids):
        run = latest.get(row["site"])
        if run is not None and run.run_id == row["run_id"]:
            sites[row["site"]].errors_by_kind[row["kind"]] = row["n"]


def _health(
    conn: sqlite3.Connection,
    sites: dict[str, SiteReport],
    latest: dict[str, SiteRun],
    cfg: ReportConfig,
) -> None:
    """Latest run's articles (fetched while it ran) against the site's articles of the
    baseline window before it: a redesign shows as a jump in one run."""
    if not latest:
        return
    rows = report_sql.extraction_health(
        conn,
        [(name, run.started, run.finished) for name, run in latest.items()],
        min_body=cfg.min_body_chars,
        days=cfg.baseline_days,
    )
    for row in rows:
        n = row["n"]
        health = Health(n, row["no_date"] / n, row["no_author"] / n, row["short"] / n)
        if row["in_latest"]:
            sites[row["site"]].health_latest = health
        else:
            sites[row["site"]].health_history = health


def _duplicates(conn: sqlite3.Connection, sites: dict[str, SiteReport], params: dict) -> None:
    copies = report_sql.cross_site_copies(conn, since=params["since"])
    for site in sites.values():
        if site.articles_period:
            site.duplicate_share = copies.get(site.name, 0) / site.articles_period


def _runs(conn: sqlite3.Connection, params: dict) -> list[RunRow]:
    rows = report_sql.runs_since(conn, since=params["since"])
    return [
        RunRow(
            r["id"],
            r["started"],
            r["finished"],
            round(r["duration"], 1) if r["duration"] is not None else None,
            r["status"],
            r["exit_code"],
            r["pages"] or 0,
            r["articles"] or 0,
            r["duplicates"] or 0,
            r["errors"] or 0,
        )
        for r in reversed(rows)
    ]


def _clusters(conn: sqlite3.Connection, cfg: ReportConfig, params: dict) -> list[Cluster]:
    clusters = []
    for row in report_sql.top_clusters(conn, since=params["since"], top=cfg.top_clusters):
        head = report_sql.headline(conn, row["cid"])
        if head is None:  # canonical deleted since; the cluster has no headline to show
            continue
        clusters.append(
            Cluster(
                row["cid"],
                head["title"] or "",
                head["url"],
                head["site"],
                head["published"],
                row["n"],
                sorted(row["s"].split(",")),
            )
        )
    return clusters
