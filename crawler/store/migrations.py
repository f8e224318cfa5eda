"""The store's schema: every table is made by a migration here (sqlite-utils' Migrations, applied
in order on open by crawler.store.db.Store), and SCHEMA_VERSION is `PRAGMA user_version` after them.
The FTS index and the views are defined by code (crawler/store/fts.py, views.py) and installed
after the migrations.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from crawler.store import bands, dedup, fts, minhash, reuse, views
from crawler.store.learned import MIN_ARTICLES

SCHEMA_VERSION = 6
# 16 KiB pages: an article row (~3 KB) no longer leaves a quarter of a 4 KiB page empty
# (28-34% of the `articles` pages were unused). Older stores are rebuilt once on open.
PAGE_SIZE = 16_384

MIGRATIONS = Migrations("krnews")


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
    # Band keys of 31 bits instead of 63 (crawler/store/minhash.py KEY_BITS): the new key is the
    # low bits of the old one, so no signature is read.
    mask = 2**minhash.KEY_BITS - 1
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
    db.execute("DELETE FROM boilerplate_lines WHERE articles < ?", [MIN_ARTICLES])


@MIGRATIONS(name="0004_smaller_index")
def _smaller_index(db: Database) -> None:
    # A signature's screen (its values' low bytes, crawler/store/minhash.py) instead of the whole
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
                (minhash.screen_bytes_of_serialised(data), article_id)
                for article_id, data in rows
                if len(data) != minhash.NUM_PERM
            ],
        )


@MIGRATIONS(name="0005_band_queue")
def _band_queue(db: Database) -> None:
    # The band rows go into the index a few hundred articles at a time, through a queue written
    # in each article's transaction (crawler/store/bands.py): a crawl wrote each of 42 random
    # 16 KiB leaves once per article. `dedup_bands` stays, as a view of the two.
    db.execute(f"ALTER TABLE dedup_bands RENAME TO {bands.INDEX_TABLE}")
    db.execute(bands.CREATE_QUEUE)
    db.execute(bands.CREATE_VIEW)


@MIGRATIONS(name="0006_story_reuse")
def _story_reuse(db: Database) -> None:
    # Text reuse inside a story (crawler/store/reuse.py): one row of figures per version of a
    # story, kept by triggers on `articles`; the stories already stored are computed here.
    reuse.create(db)
