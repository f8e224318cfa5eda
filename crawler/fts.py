"""The Korean-aware full-text index over title, subtitle and body (`articles_fts`).

CONTRACT used by crawler/store.py:
    install(db)                                   idempotent; creates or upgrades the index
    index_article(db, article_id, title, subtitle, body)   inside the article's transaction
    delete_article(db, article_id)                inside the transaction, before re-indexing

The index holds `crawler.korean.index_text` of each column (CJK runs as bigrams), tokenised by
FTS5's own unicode61, so reading it needs no Python: `crawler.korean.match_expression` turns a
reader's query into the MATCH string, and the sqlite3 shell can write one by hand
(`articles_fts MATCH '"고양 양시"'` finds 고양시). Triggers keep the index in step with writes
that bypass Python: a deleted article leaves the index at once; an article inserted or edited
from a shell is queued in `articles_fts_pending` (its stale entry dropped) and `catch_up`
indexes the queue the next time krnews opens the store or searches it.
"""

from __future__ import annotations

from sqlite_utils import Database

from crawler.korean import index_text

FTS_TABLE = "articles_fts"
PENDING_TABLE = "articles_fts_pending"

# Any change to this statement makes install() rebuild the index from `articles`.
# prefix='1': a query word ending in one syllable (2027년, 65세, 꽃) is a prefix query on its
# last character; this index of first characters takes such queries from ~10 ms to ~1 ms at
# 30k articles for ~20% more index (bench/search.py, issue 7).
_CREATE_FTS = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "title, subtitle, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1')"
)
_CREATE_PENDING = f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (article_id INTEGER PRIMARY KEY)"
# Compared with sqlite_master on install: SQLite keeps each CREATE statement as written.
_TRIGGERS = {
    "articles_fts_after_insert": (
        "CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN "
        f"INSERT OR IGNORE INTO {PENDING_TABLE}(article_id) VALUES (new.id); END"
    ),
    "articles_fts_after_update": (
        "CREATE TRIGGER articles_fts_after_update "
        "AFTER UPDATE OF title, subtitle, body ON articles BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; "
        f"INSERT OR IGNORE INTO {PENDING_TABLE}(article_id) VALUES (new.id); END"
    ),
    "articles_fts_after_delete": (
        "CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; "
        f"DELETE FROM {PENDING_TABLE} WHERE article_id = old.id; END"
    ),
}
_CATCH_UP_BATCH = 500


def install(db: Database) -> None:
    """Create the index, its queue and triggers; rebuild it if it was made by older code."""
    existing = dict(db.execute("SELECT name, sql FROM sqlite_master"))
    fresh = existing.get(FTS_TABLE) != _CREATE_FTS
    triggers = {name: sql for name, sql in _TRIGGERS.items() if existing.get(name) != sql}
    if fresh or triggers or PENDING_TABLE not in existing:  # an up-to-date store is not written
        with db.atomic():
            if fresh:
                db.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
                db.execute(_CREATE_FTS)
            db.execute(_CREATE_PENDING)
            for name, sql in triggers.items():
                db.execute(f"DROP TRIGGER IF EXISTS {name}")
                db.execute(sql)
            if fresh:
                db.execute(
                    f"INSERT OR IGNORE INTO {PENDING_TABLE}(article_id) SELECT id FROM articles"
                )
    catch_up(db)


def index_article(
    db: Database, article_id: int, title: str | None, subtitle: str | None, body: str | None
) -> None:
    """(Re)index one article; safe to call again for the same id."""
    db.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", [article_id])
    db.execute(
        f"INSERT INTO {FTS_TABLE}(rowid, title, subtitle, body) VALUES (?, ?, ?, ?)",
        [article_id, index_text(title), index_text(subtitle), index_text(body)],
    )
    db.execute(f"DELETE FROM {PENDING_TABLE} WHERE article_id = ?", [article_id])


def delete_article(db: Database, article_id: int) -> None:
    db.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", [article_id])


def pending_count(db: Database) -> int:
    return db.execute(f"SELECT count(*) FROM {PENDING_TABLE}").fetchone()[0]


def catch_up(db: Database) -> int:
    """Index the articles queued by the triggers; returns how many were indexed."""
    done = 0
    while pending_count(db):
        rows = db.execute(
            f"SELECT a.id, a.title, a.subtitle, a.body FROM {PENDING_TABLE} p "
            f"JOIN articles a ON a.id = p.article_id LIMIT {_CATCH_UP_BATCH}"
        ).fetchall()
        with db.atomic():
            if not rows:
                # queue entries whose article is gone (deleted with triggers off) are dropped
                db.execute(f"DELETE FROM {PENDING_TABLE}")
                break
            for row in rows:
                index_article(db, *row)
        done += len(rows)
    return done
