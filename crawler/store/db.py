"""The SQLite store (DESIGN.md §4): schema, migrations, one transaction per article.

CONTRACT (other modules build against these names; keep them):
    Store(path)                       open (create) the db: WAL, foreign keys, migrations applied
    Store.db                          the sqlite_utils.Database
    Store.save_article(article)       -> (article_id, stored: bool); one transaction: article row,
                                      images, dedup state, FTS; re-saving an unchanged article
                                      changes nothing and returns stored=False
    Store.is_known_url(url)           -> stored under that URL, or reached through it (alias)
    Store.start_run(sites, pid)       -> run_id (row in `runs`, status 'running')
    Store.finish_run(run_id, status, exit_code, counts: dict)
    Store.record_fetch(run_id, site, url, kind, status=None, error=None)
    Store.record_site_run(run_id, site, pages=0, articles=0, duplicates=0, errors=0)
    Store.upsert_site(name, home, profile=None, success=False)
    Store.http_cache_get(url) / http_cache_put(url, etag, last_modified) / http_cache_forget(url)
    Store.stored_by(url, when)        -> an article is stored under (or reached through) this URL
                                      and was fetched at or before `when` (ISO 8601 UTC)
    Store.has_articles(site) / recently_gone(url, days, run_id) / mark_interrupted() /
    fail_open_run(run_id, exit_code) / run_summary(run_id) / in_cluster(article_id) /
    dup_of(article_id)                what the crawl asks and says, by name (crawler/crawl/run.py)
    Store.count_lines(site, lines, article_id) / learned_lines(site, lines, min_articles) /
    forget_rare_lines(site, min_articles, keep_newest) / take_out_line(site, line, mark)
                                      site-learned boilerplate (pipelines/clean.py's policy)
    Store.close()
    StoreError(path, reason, message) every failure to open or write the store, as one line:
                                      reason is not_a_database, too_new, cannot_open, read_only,
                                      disk_full or io_error (crawler.cli maps them to exit codes)

The `article` dict passed to save_article has the `articles` columns of DESIGN.md §4 except id,
dup_of, similarity (dedup computes those) plus `images`: [{"url", "caption"}] and whatever the
dedup stage adds (see pipelines/dedup.py): `content_hash` and `signature` (bytes). Both are
computed here when absent, so callers outside Scrapy can save plain articles.

`Store(path, on_save=[...])`: each hook is called as `hook(store, article_id, article)` inside the
article's transaction after the row is written (the clean stage's site-learned boilerplate
counts use it), and only when the article is new or its body changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from crawler.store import dedup, fts, views

# pipelines.clean.MIN_ARTICLES; the store does not import the pipelines
MIN_LEARNED_ARTICLES = 3

SaveHook = Callable[["Store", int, dict], None]

SCHEMA_VERSION = 4
# 16 KiB pages: an article row (~3 KB) no longer leaves a quarter of a 4 KiB page empty
# (28-34% of the `articles` pages were unused). Older stores are rebuilt once on open.
PAGE_SIZE = 16_384

# Crash testing (tests/test_kill.py): KRNEWS_TEST_KILL_IN_SAVE=N makes the process kill -9 itself
# inside the N-th article transaction, after every write and before the commit: the worst moment.
_KILL_IN_SAVE = int(os.environ.get("KRNEWS_TEST_KILL_IN_SAVE", "0") or 0)
# Disk-full testing (tests/test_env_failures.py): KRNEWS_TEST_MAX_PAGES=N caps the database at N
# pages, and SQLite answers SQLITE_FULL ("database or disk is full") past it, as on a full disk.
_MAX_PAGES = int(os.environ.get("KRNEWS_TEST_MAX_PAGES", "0") or 0)
WAL_AUTOCHECKPOINT_PAGES = 10_000
BUSY_TIMEOUT_MS = 30_000  # a report or datasette reading while a crawl writes waits, not fails

ARTICLE_COLUMNS = (
    "url", "site", "title", "subtitle", "author", "author_email", "published", "updated",
    "section", "body", "lang", "fetched_at", "content_hash",
)  # fmt: skip

MIGRATIONS = Migrations("krnews")


class StoreError(RuntimeError):
    """The store cannot be opened or written. `reason` names what went wrong (see the module's
    contract); the message is one line with the path and what to do."""

    def __init__(self, path: str | Path, reason: str, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.reason = reason


class SchemaTooNewError(StoreError):
    """The file was written by a newer krnews than this one."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(path, "too_new", message)


# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) -> (reason, advice)
_SQLITE_REASONS = {
    26: ("not_a_database", "give --db the path of a krnews store, or of a new file"),
    11: ("not_a_database", "the database is corrupt; restore it from a backup"),
    13: ("disk_full", "free some disk space, then run again"),
    10: ("io_error", "check the disk and the file system"),
    14: ("cannot_open", "check that its directory exists and is writable"),
    8: ("read_only", "the file or its directory must be writable"),
    3: ("read_only", "the file or its directory must be writable"),
    23: ("read_only", "the file or its directory must be writable"),
}


def store_error(path: str | Path, exc: sqlite3.Error) -> StoreError:
    """The StoreError that an sqlite3 error stands for."""
    code = getattr(exc, "sqlite_errorcode", None)
    reason, advice = _SQLITE_REASONS.get((code or 0) & 0xFF, ("io_error", ""))
    if code is None and "disk is full" in str(exc):
        reason, advice = _SQLITE_REASONS[13]
    return StoreError(path, reason, f"{path}: {exc}" + (f"; {advice}" if advice else ""))


@MIGRATIONS(name="0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            site TEXT NOT NULL,
            title TEXT,
            subtitle TEXT,
            author TEXT,
            author_email TEXT,
            published TEXT,
            updated TEXT,
            section TEXT,
            body TEXT NOT NULL,
            lang TEXT,
            fetched_at TEXT,
            content_hash TEXT,
            dup_of INTEGER REFERENCES articles(id) ON DELETE SET NULL,
            similarity REAL
        );
        CREATE INDEX idx_articles_site ON articles(site);
        CREATE INDEX idx_articles_published ON articles(published);
        CREATE INDEX idx_articles_content_hash ON articles(content_hash);
        CREATE INDEX idx_articles_dup_of ON articles(dup_of);
        CREATE TABLE images (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            url TEXT NOT NULL,
            caption TEXT
        );
        CREATE INDEX idx_images_article_id ON images(article_id);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL,
            exit_code INTEGER,
            pid INTEGER,
            sites TEXT,
            pages INTEGER DEFAULT 0,
            articles INTEGER DEFAULT 0,
            duplicates INTEGER DEFAULT 0,
            errors INTEGER DEFAULT 0
        );
        CREATE TABLE run_sites (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            site TEXT NOT NULL,
            pages INTEGER DEFAULT 0,
            articles INTEGER DEFAULT 0,
            duplicates INTEGER DEFAULT 0,
            errors INTEGER DEFAULT 0,
            PRIMARY KEY (run_id, site)
        );
        CREATE TABLE fetches (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES runs(id),
            site TEXT NOT NULL,
            url TEXT NOT NULL,
            status INTEGER,
            kind TEXT NOT NULL,
            error TEXT,
            time TEXT NOT NULL
        );
        CREATE INDEX idx_fetches_run_id ON fetches(run_id);
        CREATE TABLE sites (
            name TEXT PRIMARY KEY,
            home TEXT NOT NULL,
            profile TEXT,
            first_seen TEXT,
            last_success TEXT,
            last_run_id INTEGER
        );
        CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            checked_at TEXT
        );
        CREATE TABLE boilerplate_lines (
            site TEXT NOT NULL,
            line_hash TEXT NOT NULL,
            line TEXT NOT NULL,
            articles INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (site, line_hash)
        );
        """
    )
    dedup.install(db)
    fts.install(db)
    views.install(db)


@MIGRATIONS(name="0002_url_aliases")
def _url_aliases(db: Database) -> None:
    # A feed or sitemap may link an article by a short URL that redirects (/article/123 ->
    # /news/society/20261102/123): the alias keeps the next run from fetching it again. The
    # index on fetches(url) lets the spider skip links that were dead in an earlier run.
    db.executescript(
        """
        CREATE TABLE url_aliases (
            alias TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
        );
        CREATE INDEX idx_url_aliases_article_id ON url_aliases(article_id);
        CREATE INDEX idx_fetches_url ON fetches(url);
        """
    )


@MIGRATIONS(name="0003_small_store")
def _small_store(db: Database) -> None:
    # Band keys of 31 bits instead of 63 (crawler/store/dedup.py KEY_BITS): the new key is the low
    # bits of the old one, so no signature is read.
    mask = 2**dedup.KEY_BITS - 1
    db.executescript(
        f"""
        CREATE TABLE dedup_bands_new (
            band INTEGER NOT NULL, key INTEGER NOT NULL, article_id INTEGER NOT NULL,
            PRIMARY KEY (band, key, article_id)) WITHOUT ROWID;
        INSERT OR IGNORE INTO dedup_bands_new SELECT band, key & {mask}, article_id
            FROM dedup_bands;
        DROP TABLE dedup_bands;
        ALTER TABLE dedup_bands_new RENAME TO dedup_bands;
        ALTER TABLE boilerplate_lines ADD COLUMN last_seen INTEGER;
        """
    )
    # Lines never seen often enough before this version are forgotten: no sighting time.
    db.execute("DELETE FROM boilerplate_lines WHERE articles < ?", [MIN_LEARNED_ARTICLES])


@MIGRATIONS(name="0004_smaller_index")
def _smaller_index(db: Database) -> None:
    # A signature's screen (its values' low bytes, crawler/store/dedup.py) instead of the whole
    # serialised signature: 128 bytes instead of 525, 0.15x of the text. The FTS index drops its
    # `terms` column for terms at the head of `body` when crawler.store.fts.install sees the new
    # definition, right after the migrations.
    last = -1
    while True:  # a few thousand at a time: a big store's signatures do not fit in memory
        rows = db.execute(
            "SELECT article_id, signature FROM dedup_signatures WHERE article_id > ? "
            "ORDER BY article_id LIMIT 5000",
            [last],
        ).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        db.conn.executemany(
            "UPDATE dedup_signatures SET signature = ? WHERE article_id = ?",
            [
                (dedup.screen_bytes_of_serialised(data), article_id)
                for article_id, data in rows
                if len(data) != dedup.NUM_PERM
            ],
        )


class _Checkpointer:
    """Copies the WAL into the database every `interval` seconds from its own connection.

    PASSIVE checkpoints never block the writer or readers; sqlite3 releases the GIL while one
    runs. A kill -9 loses nothing: committed pages wait in the WAL for the next open.
    """

    def __init__(self, path: Path, interval: float = 1.0) -> None:
        self._stop = threading.Event()
        self._interval = interval
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._thread = threading.Thread(target=self._run, name="krnews-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.Error:
                pass  # a full disk: the writer reports it; committed pages wait in the WAL

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # leave a small WAL behind
        except sqlite3.Error:
            pass
        self._conn.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _line_hash(line: str) -> str:
    return hashlib.sha1(line.encode("utf-8")).hexdigest()


class Store:
    def __init__(
        self, path: str | Path, on_save: Iterable[SaveHook] = (), *, background_checkpoints=False
    ) -> None:
        self.path = Path(path)
        self.on_save: list[SaveHook] = list(on_save)
        self._saves = 0
        self._checkpointer: _Checkpointer | None = None
        if self.path.is_dir():
            raise StoreError(self.path, "cannot_open", f"{self.path} is a directory, not a store")
        try:
            self.db = Database(self.path)
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from None
        try:
            self._open(background_checkpoints)
        except (sqlite3.Error, StoreError) as exc:
            self.db.close()
            if isinstance(exc, StoreError):
                raise
            raise store_error(self.path, exc) from None

    def _open(self, background_checkpoints: bool) -> None:
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if _MAX_PAGES:
            self.db.execute(f"PRAGMA max_page_count = {_MAX_PAGES}")
        self.db.execute("PRAGMA foreign_keys = ON")
        if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            self.db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # a new file: before any table
        self.db.enable_wal()
        # In WAL mode NORMAL still commits atomically (a killed process loses nothing it
        # committed); only a power cut can drop the last transactions.
        self.db.execute("PRAGMA synchronous = NORMAL")
        # Each article writes ~42 LSH band rows at random places in their index; checkpointing the
        # WAL every 1,000 pages (the default) made one commit in twenty wait ~16 ms for the disk.
        # 10,000 pages (~40 MB of WAL) checkpoint a tenth as often.
        self.db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        self._migrate()
        self._checkpointer = _Checkpointer(self.path) if background_checkpoints else None
        if self._checkpointer is not None:
            # A long writer (a crawl) leaves checkpoints to a thread of its own, so that no
            # article's commit waits for the WAL to be copied into the database file.
            self.db.execute("PRAGMA wal_autocheckpoint = 0")

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                self.path,
                f"{self.path}: schema version {version} is newer than this krnews "
                f"({SCHEMA_VERSION}); upgrade krnews to open it",
            )
        # pending() only reads the small migrations table, so opening a big store stays instant
        migrated = bool(MIGRATIONS.pending(self.db))
        if migrated:
            MIGRATIONS.apply(self.db)
        if version != SCHEMA_VERSION:
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # The index and the views are defined by code, not by a migration step: each brings an
        # older store up to date here and writes nothing when it already is.
        fts.install(self.db)
        views.install(self.db)
        if self._page_size() != PAGE_SIZE or (migrated and version > 0):
            # an old store: what its old index and signatures held is given back at once
            self._rebuild_file()
        if migrated:
            # A new or upgraded store: its schema and rebuilt index sit in the WAL (~900 KB for a
            # new one, which a nearly full disk may not have room for twice); into the file.
            # Only a saving: a statement still open on an upgraded store may refuse it.
            with contextlib.suppress(sqlite3.OperationalError):
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _page_size(self) -> int:
        return self.db.execute("PRAGMA page_size").fetchone()[0]

    def _rebuild_file(self) -> None:
        """VACUUM into 16 KiB pages, giving back what the old FTS index and signatures held.

        Once per store, on the first open by a version with a newer schema. A WAL file keeps its page size, so
        the journal mode is switched off around the VACUUM. Skipped (tried again next open)
        when another connection holds the file.
        """
        self.db.execute("PRAGMA busy_timeout = 0")  # another reader: try again next open
        try:
            self.db.execute("PRAGMA journal_mode = DELETE")
            self.db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self.db.execute("VACUUM")
        except sqlite3.OperationalError:
            pass
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.enable_wal()

    def compact(self) -> None:
        """Merge the FTS index's segments and copy the WAL into the file (after a bulk load)."""
        with self.db.atomic():
            self.db.execute(f"INSERT INTO {fts.FTS_TABLE}({fts.FTS_TABLE}) VALUES ('optimize')")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- articles ---------------------------------------------------------------------

    def save_article(self, article: dict) -> tuple[int, bool]:
        """Write the article with its images, dedup links and FTS entry in one transaction."""
        body = article.get("body") or ""
        digest = article.get("content_hash") or dedup.content_hash(body)
        sig = (
            dedup.signature_from_bytes(article["signature"])
            if article.get("signature")
            else dedup.signature(body)
        )
        row = {col: article.get(col) for col in ARTICLE_COLUMNS}
        row.update(body=body, content_hash=digest, lang=article.get("lang") or "ko")
        with self.db.atomic():
            found = self.db.execute(
                "SELECT id, content_hash FROM articles WHERE url = ?", [row["url"]]
            ).fetchone()
            if found and found[1] == digest:
                # Unchanged; but reached through a new link (a redirecting short URL), which
                # the next run must know.
                self._write_aliases(found[0], row["url"], article)
                return found[0], False
            if found:
                article_id = found[0]
                dedup.unindex(self.db, article_id)  # its band keys come from the old body
                self._update_row(article_id, row)
                fts.delete_article(self.db, article_id)
            else:
                article_id = self._insert_row(row)
            self._write_images(article_id, article.get("images") or [])
            self._write_aliases(article_id, row["url"], article)
            if body:
                dedup.index_signature(self.db, article_id, sig)
            if found:
                dedup.relink(self.db, article_id)
            else:
                dedup.link(self.db, article_id, sig, digest)
            fts.index_article(self.db, article_id)
            for hook in self.on_save:
                hook(self, article_id, article)
            self._saves += 1
            if self._saves == _KILL_IN_SAVE:
                os.kill(os.getpid(), signal.SIGKILL)
        return article_id, True

    def _insert_row(self, row: dict) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.db.execute(
            f"INSERT INTO articles ({cols}) VALUES ({marks})", list(row.values())
        )
        assert cursor.lastrowid is not None  # an INSERT always gives one
        return cursor.lastrowid

    def _update_row(self, article_id: int, row: dict) -> None:
        sets = ", ".join(f"{col} = ?" for col in row)
        self.db.execute(f"UPDATE articles SET {sets} WHERE id = ?", [*row.values(), article_id])

    def _write_images(self, article_id: int, images: list[dict]) -> None:
        self.db.execute("DELETE FROM images WHERE article_id = ?", [article_id])
        self.db.conn.executemany(
            "INSERT INTO images (article_id, position, url, caption) VALUES (?, ?, ?, ?)",
            [(article_id, i, img["url"], img.get("caption")) for i, img in enumerate(images)],
        )

    def _write_aliases(self, article_id: int, url: str | None, article: dict) -> None:
        """Every other URL that led to the article: the link as requested, and the URL it was
        fetched at when the page names another as its canonical one (`aliases`)."""
        for alias in dict.fromkeys([article.get("requested_url"), *article.get("aliases", ())]):
            if alias and alias != url:
                self.db.execute(
                    "INSERT OR REPLACE INTO url_aliases (alias, article_id) VALUES (?, ?)",
                    [alias, article_id],
                )

    def add_alias(self, alias: str, url: str) -> None:
        """Remembers that `alias` leads to the article stored at `url` (if it is stored)."""
        if alias != url:
            with self.db.atomic():
                self.db.execute(
                    "INSERT OR REPLACE INTO url_aliases (alias, article_id) "
                    "SELECT ?, id FROM articles WHERE url = ?",
                    [alias, url],
                )

    def is_known_url(self, url: str) -> bool:
        """True when an article is stored under this URL or was reached through it."""
        return (
            self.db.execute(
                "SELECT 1 FROM articles WHERE url = ? UNION ALL "
                "SELECT 1 FROM url_aliases WHERE alias = ? LIMIT 1",
                [url, url],
            ).fetchone()
            is not None
        )

    def article(self, article_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        return rows[0] if rows else None

    # ---- runs, fetches, sites, HTTP cache -----------------------------------------------

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

    def in_cluster(self, article_id: int) -> bool:
        """True when the article belongs to a story of two or more stored articles."""
        # An older copy arriving late becomes the canonical (dup_of NULL) of an existing story.
        (linked,) = self.db.execute(
            "SELECT dup_of IS NOT NULL OR EXISTS (SELECT 1 FROM articles WHERE dup_of = ?) "
            "FROM articles WHERE id = ?",
            [article_id, article_id],
        ).fetchone()
        return bool(linked)

    # ---- site-learned boilerplate (pipelines/clean.py says which lines; the store counts) ----

    def count_lines(self, site: str, lines: Iterable[str], article_id: int | None) -> list[int]:
        """Counts one more article for each line of the site; returns the new counts, in order
        (inside the article's transaction when called from an on_save hook)."""
        counts = []
        with self.db.atomic():
            for line in lines:
                (count,) = self.db.execute(
                    "INSERT INTO boilerplate_lines(site, line_hash, line, articles, last_seen) "
                    "VALUES (?, ?, ?, 1, ?) ON CONFLICT(site, line_hash) "
                    "DO UPDATE SET articles = articles + 1, last_seen = excluded.last_seen "
                    "RETURNING articles",
                    [site, _line_hash(line), line, article_id],
                ).fetchone()
                counts.append(count)
        return counts

    def learned_lines(self, site: str, lines: Iterable[str], min_articles: int) -> set[str]:
        """Those of `lines` seen in at least `min_articles` stored articles of the site."""
        by_hash = {_line_hash(line): line for line in lines}
        if not by_hash:
            return set()
        learned: set[str] = set()
        hashes = list(by_hash)
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for (found,) in self.db.execute(
                f"SELECT line_hash FROM boilerplate_lines WHERE site = ? AND articles >= ? "
                f"AND line_hash IN ({marks})",
                [site, min_articles, *chunk],
            ):
                learned.add(by_hash[found])
        return learned

    def forget_rare_lines(self, site: str, min_articles: int, keep_newest: int) -> int:
        """Forgets the site's lines seen in fewer than `min_articles` articles and not in its
        `keep_newest` newest articles; returns how many went."""
        with self.db.atomic():
            cursor = self.db.execute(
                "DELETE FROM boilerplate_lines WHERE site = ? AND articles < ? "
                "AND coalesce(last_seen, 0) < "
                "(SELECT id FROM articles WHERE site = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                [site, min_articles, site, keep_newest],
            )
        return cursor.rowcount

    def dup_of(self, article_id: int) -> int | None:
        """The canonical article of the article's story, or None (it is canonical or unique)."""
        found = self.db.execute("SELECT dup_of FROM articles WHERE id = ?", [article_id])
        row = found.fetchone()
        return row[0] if row else None

    def take_out_line(self, site: str, line: str, mark: str) -> int:
        """Saves again, without `line`, every article of the site whose body has it as a line of
        its own (each in its own transaction: re-indexed, its cluster recomputed); `mark` is set
        in the article dict the on_save hooks see. Returns how many articles changed."""
        ids = [
            article_id
            for (article_id,) in self.db.execute(
                "SELECT id FROM articles WHERE site = ? AND "
                "instr(char(10) || body || char(10), char(10) || ? || char(10)) > 0",
                [site, line],
            ).fetchall()
        ]
        for article_id in ids:
            article = self.article(article_id) or {}
            body = "\n".join(x for x in article["body"].split("\n") if x != line)
            images = [
                {"url": url, "caption": caption}
                for url, caption in self.db.execute(
                    "SELECT url, caption FROM images WHERE article_id = ? ORDER BY position",
                    [article_id],
                )
            ]
            fields = {k: v for k, v in article.items() if k not in ("id", "dup_of", "similarity")}
            self.save_article(
                {**fields, "body": body, "content_hash": None, "images": images, mark: True}
            )
        return len(ids)

    def http_cache_put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO http_cache (url, etag, last_modified, checked_at) "
                "VALUES (?, ?, ?, ?)",
                [url, etag, last_modified, _now()],
            )


def table_sizes(db: Database) -> dict[str, int]:
    """Bytes on disk per table, its indexes (and an FTS table's shadow tables) counted with it."""
    owner = dict(db.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"))
    virtual = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
        )
    ]
    sizes: dict[str, int] = {}
    for name, size in db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        table = owner.get(name, name)
        for fts_table in virtual:
            if table.startswith(f"{fts_table}_"):
                table = fts_table
        sizes[table] = sizes.get(table, 0) + size
    return sizes
