"""Reads the store into a `Report`: a handful of grouped queries, whatever the number of articles.

Times are compared as Julian days computed by SQLite, because `published` carries the page's
offset (+09:00) and `fetched_at` is UTC: comparing the ISO strings would be off by nine hours.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

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

KST = timedelta(hours=9)


def article_time(alias: str = "") -> str:
    """SQL for an article's time: its publication date, or when it was fetched if the date is
    missing or unreadable (a redesign that loses dates must not make the site look empty too)."""
    prefix = f"{alias}." if alias else ""
    return f"COALESCE(julianday({prefix}published), julianday({prefix}fetched_at))"


ARTICLE_TIME = article_time()


def julian(moment: datetime) -> float:
    return moment.timestamp() / 86400 + 2440587.5


def from_julian(day: float | None) -> datetime | None:
    if day is None:
        return None
    return datetime.fromtimestamp((day - 2440587.5) * 86400, UTC)


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
    conn.row_factory = sqlite3.Row
    params = {"now": julian(now), "since": julian(since)}
    days = _days(since, now)[-max(cfg.chart_days, 1) :]
    # one read transaction: every figure comes from the same snapshot while a crawl writes
    conn.execute("BEGIN")
    try:
        return _collect(conn, cfg, params, days, site_names, now, since, db_label)
    finally:
        conn.rollback()


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
    )


def _days(since: datetime, now: datetime) -> list[str]:
    first, last = (since + KST).date(), (now + KST).date()
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def _sites(conn: sqlite3.Connection, names: list[str] | None) -> dict[str, SiteReport]:
    rows = {r["name"]: r for r in conn.execute("SELECT * FROM sites")}
    if names is None:
        found = conn.execute(
            "SELECT site FROM run_sites UNION SELECT site FROM articles"
        ).fetchall()
        names = sorted(set(rows) | {r[0] for r in found})
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
    rows = conn.execute(
        f"""SELECT site, COUNT(*) AS total, MIN(t) AS first_t, MAX(t) AS newest_t,
                   SUM(t >= :now - 1) AS n24h, SUM(t >= :week_ago) AS n7d,
                   SUM(fetched >= :since) AS nperiod,
                   SUM(t >= :base_start AND t < :week_ago) AS nbase
            FROM (SELECT site, {ARTICLE_TIME} AS t, julianday(fetched_at) AS fetched
                  FROM articles) GROUP BY site""",
        {**params, "week_ago": week_ago, "base_start": base_start},
    )
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
    rows = conn.execute(
        f"""SELECT site, date(t, '+9 hours') AS day, COUNT(*) AS n
            FROM (SELECT site, {ARTICLE_TIME} AS t FROM articles)
            WHERE t >= :since AND t <= :now GROUP BY site, day""",
        params,
    )
    for row in rows:
        report = sites.get(row["site"])
        if report is not None and row["day"] in index:
            report.daily[index[row["day"]]] = row["n"]


def _site_runs(
    conn: sqlite3.Connection, sites: dict[str, SiteReport], cfg: ReportConfig
) -> dict[str, SiteRun]:
    """Fills runs, last_run and the error trend; returns each site's latest finished run."""
    for row in conn.execute(
        """SELECT rs.site, COUNT(*) AS n FROM run_sites rs JOIN runs r ON r.id = rs.run_id
           WHERE r.finished IS NOT NULL GROUP BY rs.site"""
    ):
        if row["site"] in sites:
            sites[row["site"]].runs = row["n"]
    history: dict[str, list[SiteRun]] = defaultdict(list)
    rows = conn.execute(
        """SELECT * FROM (
             SELECT rs.site, rs.run_id, r.started, r.finished, rs.pages, rs.articles, rs.errors,
                    ROW_NUMBER() OVER (PARTITION BY rs.site ORDER BY rs.run_id DESC) AS back
             FROM run_sites rs JOIN runs r ON r.id = rs.run_id WHERE r.finished IS NOT NULL)
           WHERE back <= :n ORDER BY site, run_id""",
        {"n": max(cfg.history_runs, 1)},
    )
    for row in rows:
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
    marks = ",".join("?" * len(run_ids))
    rows = conn.execute(
        f"""SELECT run_id, site, kind, COUNT(*) AS n FROM fetches WHERE run_id IN ({marks})
            GROUP BY run_id, site, kind ORDER BY n DESC, kind""",
        run_ids,
    )
    for row in rows:
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
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS report_latest(site TEXT PRIMARY KEY, "
        "started REAL, finished REAL)"
    )
    conn.execute("DELETE FROM report_latest")
    conn.executemany(
        "INSERT INTO report_latest VALUES (?, julianday(?), julianday(?))",
        [(name, run.started, run.finished) for name, run in latest.items()],
    )
    rows = conn.execute(
        """SELECT a.site, julianday(a.fetched_at) >= l.started AS in_latest, COUNT(*) AS n,
                  SUM(a.published IS NULL OR a.published = '') AS no_date,
                  SUM(a.author IS NULL OR a.author = '') AS no_author,
                  SUM(a.body IS NULL OR length(a.body) < :min_body) AS short
           FROM articles a JOIN report_latest l ON l.site = a.site
           WHERE julianday(a.fetched_at) <= l.finished
             AND julianday(a.fetched_at) >= l.started - :days
           GROUP BY a.site, in_latest""",
        {"min_body": cfg.min_body_chars, "days": cfg.baseline_days},
    )
    for row in rows:
        n = row["n"]
        health = Health(n, row["no_date"] / n, row["no_author"] / n, row["short"] / n)
        if row["in_latest"]:
            sites[row["site"]].health_latest = health
        else:
            sites[row["site"]].health_history = health


def _duplicates(conn: sqlite3.Connection, sites: dict[str, SiteReport], params: dict) -> None:
    copies = dict(
        conn.execute(
            """SELECT a.site, COUNT(*) FROM articles a JOIN articles c ON c.id = a.dup_of
                WHERE c.site != a.site AND julianday(a.fetched_at) >= :since
                GROUP BY a.site""",
            params,
        ).fetchall()
    )
    for site in sites.values():
        if site.articles_period:
            site.duplicate_share = copies.get(site.name, 0) / site.articles_period


def _runs(conn: sqlite3.Connection, params: dict) -> list[RunRow]:
    rows = conn.execute(
        """SELECT *, (julianday(finished) - julianday(started)) * 86400 AS duration FROM runs
           WHERE julianday(started) >= :since ORDER BY id DESC LIMIT 200""",
        params,
    ).fetchall()
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
    rows = conn.execute(
        f"""SELECT COALESCE(dup_of, id) AS cid, COUNT(*) AS n, GROUP_CONCAT(DISTINCT site) AS s,
                   COUNT(DISTINCT site) AS ns
            FROM articles WHERE {ARTICLE_TIME} >= :since
            GROUP BY cid HAVING n > 1 ORDER BY ns DESC, n DESC, cid LIMIT :k""",
        {**params, "k": cfg.top_clusters},
    ).fetchall()
    clusters = []
    for row in rows:
        head = conn.execute(
            "SELECT title, url, site, published FROM articles WHERE id = ?", [row["cid"]]
        ).fetchone()
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
