"""The Store's run books: runs, per-site counts, failed fetches, sites, HTTP validators.

A mixin of crawler.store.db.Store: what the crawl (crawler/crawl/run.py, the dupefilter, the
middlewares) asks and says, by name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlite_utils import Database


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RunsMixin:
    db: Database

    def start_run(self, sites: Iterable[str], pid: int | None = None) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO runs (started, status, pid, sites) VALUES (?, 'running', ?, ?)",
                [_now(), pid if pid is not None else os.getpid(), json.dumps(list(sites))],
            )
        assert cursor.lastrowid is not None  # an INSERT always gives one
        return cursor.lastrowid

    def finish_run(self, run_id: int, status: str, exit_code: int, counts: dict) -> None:
        allowed = {"pages", "articles", "duplicates", "errors"}
        unknown = set(counts) - allowed
        if unknown:
            raise ValueError(f"unknown run counts {sorted(unknown)}; allowed: {sorted(allowed)}")
        sets = "".join(f", {key} = ?" for key in counts)
        with self.db.atomic():
            self.db.execute(
                f"UPDATE runs SET finished = ?, status = ?, exit_code = ?{sets} WHERE id = ?",
                [_now(), status, exit_code, *counts.values(), run_id],
            )

    def record_fetch(
        self,
        run_id: int | None,
        site: str,
        url: str,
        kind: str,
        status: int | None = None,
        error: str | None = None,
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO fetches (run_id, site, url, status, kind, error, time) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [run_id, site, url, status, kind, error, _now()],
            )

    def record_site_run(
        self,
        run_id: int,
        site: str,
        pages: int = 0,
        articles: int = 0,
        duplicates: int = 0,
        errors: int = 0,
    ) -> None:
        """Add to the site's counts for the run (called once or several times per run)."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO run_sites (run_id, site, pages, articles, duplicates, errors) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, site) DO UPDATE SET "
                "pages = pages + excluded.pages, articles = articles + excluded.articles, "
                "duplicates = duplicates + excluded.duplicates, "
                "errors = errors + excluded.errors",
                [run_id, site, pages, articles, duplicates, errors],
            )

    def upsert_site(
        self, name: str, home: str, profile: str | None = None, success: bool = False
    ) -> None:
        now = _now()
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO sites (name, home, profile, first_seen, last_success) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET home = excluded.home, "
                "profile = coalesce(excluded.profile, profile), "
                "last_success = coalesce(excluded.last_success, last_success)",
                [name, home, profile, now, now if success else None],
            )

    def http_cache_get(self, url: str) -> dict | None:
        row = self.db.execute(
            "SELECT etag, last_modified, checked_at FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        if row is None:
            return None
        return {"etag": row[0], "last_modified": row[1], "checked_at": row[2]}

    def http_cache_put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO http_cache (url, etag, last_modified, checked_at) "
                "VALUES (?, ?, ?, ?)",
                [url, etag, last_modified, _now()],
            )

    def http_cache_forget(self, url: str) -> None:
        """Forget the validators of `url` (the next request is unconditional); its checked_at,
        the end of the last run that did all the work the page gave, stays."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE http_cache SET etag = NULL, last_modified = NULL WHERE url = ?", [url]
            )

    def stored_by(self, url: str, when: str) -> bool:
        """True when an article stored under this URL (or reached through it) was fetched at or
        before `when`: evidence from an earlier run, not from moments ago."""
        return (
            self.db.execute(
                "SELECT 1 FROM articles WHERE url = ? AND fetched_at <= ? UNION ALL "
                "SELECT 1 FROM url_aliases JOIN articles ON articles.id = url_aliases.article_id "
                "WHERE alias = ? AND articles.fetched_at <= ? LIMIT 1",
                [url, when, url, when],
            ).fetchone()
            is not None
        )

    def has_articles(self, site: str) -> bool:
        """True when any article of the site is stored (a site's first crawl has none)."""
        found = self.db.execute("SELECT 1 FROM articles WHERE site = ? LIMIT 1", [site])
        return found.fetchone() is not None

    def recently_gone(self, url: str, days: float, run_id: int | None) -> bool:
        """True when `url` answered 404/410 in another run of the last `days` days."""
        found = self.db.execute(
            "SELECT 1 FROM fetches WHERE url = ? AND kind IN ('http_404', 'http_410') "
            "AND run_id IS NOT ? AND julianday(time) > julianday('now', ?) LIMIT 1",
            [url, run_id, f"-{days} days"],
        )
        return found.fetchone() is not None

    def mark_interrupted(self) -> int:
        """Marks every run still `running` as `interrupted` (called under the crawl lock, so
        such a run was killed); returns how many."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE runs SET status = 'interrupted', finished = COALESCE(finished, started) "
                "WHERE status = 'running'"
            )
        return cursor.rowcount

    def fail_open_run(self, run_id: int, exit_code: int) -> None:
        """Closes the run as `failed` if it is still `running` (a crawl that never closed it)."""
        with self.db.atomic():
            self.db.execute(
                "UPDATE runs SET status = 'failed', exit_code = ?, finished = ? "
                "WHERE id = ? AND status = 'running'",
                [exit_code, _now(), run_id],
            )

    def run_summary(self, run_id: int) -> dict:
        """The run's row with its per-site counts (`per_site`, by site name)."""
        run = dict(self.db.table("runs").get(run_id))
        run["per_site"] = [
            dict(r)
            for r in self.db.query(
                "SELECT site, pages, articles, duplicates, errors FROM run_sites WHERE run_id = ? "
                "ORDER BY site",
                [run_id],
            )
        ]
        return run
