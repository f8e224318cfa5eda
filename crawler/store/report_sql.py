"""The reads of `krnews report`: a handful of grouped queries, whatever the number of articles
(crawler/query/report/collect.py turns their rows into a `Report`).

Times are compared as Julian days computed by SQLite, because `published` carries the page's
offset (+09:00) and `fetched_at` is UTC: comparing the ISO strings would be off by nine hours.
Every `now`, `since` below is a Julian day (`julian`). Rows are `sqlite3.Row`s, read inside
`snapshot`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime


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


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction, rows by column name: every figure comes from the same snapshot
    while a crawl writes."""
    conn.row_factory = sqlite3.Row
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.rollback()


def site_rows(conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    """The `sites` rows (home, profile, first_seen, last_success, ...) by name."""
    return {r["name"]: r for r in conn.execute("SELECT * FROM sites")}


def sites_seen(conn: sqlite3.Connection) -> set[str]:
    """Every site a run crawled or an article comes from."""
    found = conn.execute("SELECT site FROM run_sites UNION SELECT site FROM articles").fetchall()
    return {r[0] for r in found}


def article_counts(
    conn: sqlite3.Connection, *, now: float, since: float, week_ago: float, base_start: float
) -> Iterable[sqlite3.Row]:
    """Per site: total, first and newest article time (t), published in the last day (n24h),
    the last week (n7d) and from `base_start` to a week ago (nbase), fetched since (nperiod)."""
    return conn.execute(
        f"""SELECT site, COUNT(*) AS total, MIN(t) AS first_t, MAX(t) AS newest_t,
                   SUM(t >= :now - 1) AS n24h, SUM(t >= :week_ago) AS n7d,
                   SUM(fetched >= :since) AS nperiod,
                   SUM(t >= :base_start AND t < :week_ago) AS nbase
            FROM (SELECT site, {ARTICLE_TIME} AS t, julianday(fetched_at) AS fetched
                  FROM articles) GROUP BY site""",
        {"now": now, "since": since, "week_ago": week_ago, "base_start": base_start},
    )


def articles_per_day(
    conn: sqlite3.Connection, *, now: float, since: float
) -> Iterable[sqlite3.Row]:
    """(site, day: the Korean date, n) of the articles from `since` to `now`."""
    return conn.execute(
        f"""SELECT site, date(t, '+9 hours') AS day, COUNT(*) AS n
            FROM (SELECT site, {ARTICLE_TIME} AS t FROM articles)
            WHERE t >= :since AND t <= :now GROUP BY site, day""",
        {"now": now, "since": since},
    )


def finished_runs_per_site(conn: sqlite3.Connection) -> Iterable[sqlite3.Row]:
    """(site, n): how many finished runs included the site."""
    return conn.execute(
        """SELECT rs.site, COUNT(*) AS n FROM run_sites rs JOIN runs r ON r.id = rs.run_id
           WHERE r.finished IS NOT NULL GROUP BY rs.site"""
    )


def recent_site_runs(conn: sqlite3.Connection, runs: int) -> Iterable[sqlite3.Row]:
    """Each site's last `runs` finished runs, oldest first: site, run_id, started, finished,
    pages, articles, errors."""
    return conn.execute(
        """SELECT * FROM (
             SELECT rs.site, rs.run_id, r.started, r.finished, rs.pages, rs.articles, rs.errors,
                    ROW_NUMBER() OVER (PARTITION BY rs.site ORDER BY rs.run_id DESC) AS back
             FROM run_sites rs JOIN runs r ON r.id = rs.run_id WHERE r.finished IS NOT NULL)
           WHERE back <= :n ORDER BY site, run_id""",
        {"n": runs},
    )


def fetch_errors_by_kind(conn: sqlite3.Connection, run_ids: list[int]) -> Iterable[sqlite3.Row]:
    """(run_id, site, kind, n) of the failed fetches of those runs, most frequent first."""
    marks = ",".join("?" * len(run_ids))
    return conn.execute(
        f"""SELECT run_id, site, kind, COUNT(*) AS n FROM fetches WHERE run_id IN ({marks})
            GROUP BY run_id, site, kind ORDER BY n DESC, kind""",
        run_ids,
    )


def extraction_health(
    conn: sqlite3.Connection,
    latest: Iterable[tuple[str, str, str | None]],
    *,
    min_body: int,
    days: float,
) -> Iterable[sqlite3.Row]:
    """Per site and `in_latest` (fetched during its latest run, or in the `days` before it):
    n, no_date, no_author, short (a body under `min_body` characters). `latest` holds each
    site's latest run as (site, started, finished), kept in a temp table for the join."""
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS report_latest(site TEXT PRIMARY KEY, "
        "started REAL, finished REAL)"
    )
    conn.execute("DELETE FROM report_latest")
    conn.executemany("INSERT INTO report_latest VALUES (?, julianday(?), julianday(?))", latest)
    return conn.execute(
        """SELECT a.site, julianday(a.fetched_at) >= l.started AS in_latest, COUNT(*) AS n,
                  SUM(a.published IS NULL OR a.published = '') AS no_date,
                  SUM(a.author IS NULL OR a.author = '') AS no_author,
                  SUM(a.body IS NULL OR length(a.body) < :min_body) AS short
           FROM articles a JOIN report_latest l ON l.site = a.site
           WHERE julianday(a.fetched_at) <= l.finished
             AND julianday(a.fetched_at) >= l.started - :days
           GROUP BY a.site, in_latest""",
        {"min_body": min_body, "days": days},
    )


def cross_site_copies(conn: sqlite3.Connection, *, since: float) -> dict[str, int]:
    """Per site, its articles fetched since `since` that copy another site's story."""
    return dict(
        conn.execute(
            """SELECT a.site, COUNT(*) FROM articles a JOIN articles c ON c.id = a.dup_of
                WHERE c.site != a.site AND julianday(a.fetched_at) >= :since
                GROUP BY a.site""",
            {"since": since},
        ).fetchall()
    )


def runs_since(conn: sqlite3.Connection, *, since: float) -> list[sqlite3.Row]:
    """The newest 200 runs started since `since`, newest first, with `duration` in seconds."""
    return conn.execute(
        """SELECT *, (julianday(finished) - julianday(started)) * 86400 AS duration FROM runs
           WHERE julianday(started) >= :since ORDER BY id DESC LIMIT 200""",
        {"since": since},
    ).fetchall()


def top_clusters(conn: sqlite3.Connection, *, since: float, top: int) -> list[sqlite3.Row]:
    """The `top` story clusters of articles since `since`, most sites first: cid (the
    canonical id), n (articles), s (their sites, comma-separated), ns (how many sites)."""
    return conn.execute(
        f"""SELECT COALESCE(dup_of, id) AS cid, COUNT(*) AS n, GROUP_CONCAT(DISTINCT site) AS s,
                   COUNT(DISTINCT site) AS ns
            FROM articles WHERE {ARTICLE_TIME} >= :since
            GROUP BY cid HAVING n > 1 ORDER BY ns DESC, n DESC, cid LIMIT :k""",
        {"since": since, "k": top},
    ).fetchall()


def headline(conn: sqlite3.Connection, article_id: int) -> sqlite3.Row | None:
    """title, url, site, published of one article; None when it is gone."""
    return conn.execute(
        "SELECT title, url, site, published FROM articles WHERE id = ?", [article_id]
    ).fetchone()


# -- stories: the text-reuse views (crawler/store/views.py: story_reuse, one row per version) --

STORY_VIEWS = ("story_reuse", "outlet_reuse")


def has_story_views(conn: sqlite3.Connection) -> bool:
    """Whether the store has the text-reuse views: a store of an older schema that no crawl has
    migrated yet does not (a report opens it read-only and never migrates)."""
    marks = ",".join("?" * len(STORY_VIEWS))
    found = conn.execute(
        f"SELECT COUNT(*) FROM sqlite_master WHERE type IN ('view', 'table') AND name IN ({marks})",
        STORY_VIEWS,
    ).fetchone()[0]
    return found == len(STORY_VIEWS)


_VERSION_TIME = "COALESCE(julianday(r.published), julianday(a.fetched_at))"


def biggest_stories(conn: sqlite3.Connection, *, since: float, top: int) -> list[sqlite3.Row]:
    """Every version of the `top` stories with a version since `since`, most outlets first, then
    most versions, then the newest: story, outlets, versions, and per version article_id, site,
    title, url, published, lag_minutes, copied_share, is_first; the first version of each story
    first, the others by lag."""
    return conn.execute(
        f"""WITH versions AS (
                SELECT r.*, a.url, {_VERSION_TIME} AS t
                FROM story_reuse r LEFT JOIN articles a ON a.id = r.article_id),
            chosen AS (
                SELECT story, COUNT(DISTINCT site) AS outlets, COUNT(*) AS versions,
                       MAX(t) AS last_t
                FROM versions GROUP BY story HAVING MAX(t) >= :since
                ORDER BY outlets DESC, versions DESC, last_t DESC, story LIMIT :k)
            SELECT c.outlets, c.versions, v.story, v.article_id, v.site, v.title, v.url,
                   v.published, v.lag_minutes, v.copied_share, v.is_first
            FROM chosen c JOIN versions v ON v.story = c.story
            ORDER BY c.outlets DESC, c.versions DESC, c.last_t DESC, c.story,
                     v.is_first DESC, v.lag_minutes, v.article_id""",
        {"since": since, "k": top},
    ).fetchall()


def originals_and_copies(conn: sqlite3.Connection, *, since: float) -> dict[str, tuple[int, int]]:
    """Per site, of its story versions published since `since`: (firsts: it ran the story
    first, versions of others: another outlet ran the story first; its own re-runs are
    neither), as outlet_reuse counts them by month."""
    rows = conn.execute(
        f"""SELECT r.site, SUM(r.is_first = 1), SUM(r.is_first = 0 AND f.site != r.site)
            FROM story_reuse r LEFT JOIN articles a ON a.id = r.article_id
            LEFT JOIN story_reuse f ON f.story = r.story AND f.is_first = 1
            WHERE {_VERSION_TIME} >= :since GROUP BY r.site""",
        {"since": since},
    ).fetchall()
    return {site: (firsts or 0, copies or 0) for site, firsts, copies in rows}
