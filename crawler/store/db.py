"""The SQLite store (DESIGN.md §4): the one Store object every read and write goes through.

This module opens, migrates, compacts and closes the file; the Store's operations are mixins by
concern: crawler/store/articles.py (one transaction per article), runs.py (runs, fetches, sites,
HTTP validators), lines.py (site-learned boilerplate lines); the schema is made only by the
migrations of crawler/store/migrations.py, the errors are crawler/store/errors.py's.

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
                                      site-learned boilerplate (crawler/store/learned.py's policy)
    Store.close()
    StoreError(path, reason, message) every failure to open or write the store, as one line:
                                      reason is not_a_database, too_new, cannot_open, read_only,
                                      disk_full or io_error (crawler.cli maps them to exit codes)

The `article` dict passed to save_article has the `articles` columns of DESIGN.md §4 except id,
dup_of, similarity (dedup computes those) plus `images`: [{"url", "caption"}] and whatever the
dedup stage adds (see pipelines/dedup.py): `content_hash` and `signature` (bytes). Both are
computed here when absent, so callers outside Scrapy can save plain articles.

`Store(path, on_save=[...])`: each hook is called as `hook(store, article_id, article)` inside the
article's transaction after the row is written (the site-learned boilerplate counts use it:
crawler.store.learned.BoilerplateMemory.on_save, hooked by pipelines/store.py), and only when the
article is new or its body changed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Self

from sqlite_utils import Database

from crawler.store import fts, views
from crawler.store.articles import ArticlesMixin, SaveHook
from crawler.store.errors import SchemaTooNewError, StoreError, store_error
from crawler.store.lines import LinesMixin
from crawler.store.migrations import MIGRATIONS, PAGE_SIZE, SCHEMA_VERSION
from crawler.store.runs import RunsMixin

# The names importers read here; errors, migrations and operations live in their own modules.
__all__ = [
    "MIGRATIONS",
    "PAGE_SIZE",
    "SCHEMA_VERSION",
    "SaveHook",
    "SchemaTooNewError",
    "Store",
    "StoreError",
    "store_error",
    "table_sizes",
]

# Disk-full testing (tests/test_env_failures.py): KRNEWS_TEST_MAX_PAGES=N caps the database at N
# pages, and SQLite answers SQLITE_FULL ("database or disk is full") past it, as on a full disk.
_MAX_PAGES = int(os.environ.get("KRNEWS_TEST_MAX_PAGES", "0") or 0)
WAL_AUTOCHECKPOINT_PAGES = 10_000
WRITER_CACHE_KIB = 512
BUSY_TIMEOUT_MS = 30_000  # a report or datasette reading while a crawl writes waits, not fails


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


class Store(ArticlesMixin, RunsMixin, LinesMixin):
    """The one door to the store: opening and migrating here, the operations in the mixins."""

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
            # An article's writes land on ~42 band leaves at random places in their index, which
            # no cache of a few MB holds at scale. Against SQLite's 2 MB, 512 KiB takes ~1.5 MiB
            # off bench/crawl.py's peak and costs ~0.5 s of system CPU in its 3,000 pages (pages
            # read again from the OS cache, ~3%); 1 MB saved no memory. The peak is the target
            # that is within reach (issue 14).
            self.db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")

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
