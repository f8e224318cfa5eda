"""The Korean-aware full-text index over title, subtitle and body (`articles_fts`).

CONTRACT used by crawler/store/db.py:
    install(db)                                   idempotent; creates or upgrades the index
    index_article(db, article_id)                 inside the article's transaction, after its row
    delete_article(db, article_id)                inside the transaction, before the row changes

The index is contentless FTS5 (`content=''`): it keeps tokens only, never a second copy of the
text (issue 13: the copy was 5.4 KB per article, more than `articles` itself). Its columns are
`body`, `title`, `subtitle` (body first: FTS5 marks every switch to another column in each
position list and column 0 needs no marker, so the biggest column there is the cheapest):

- `crawler.store.korean.index_text` of each (CJK runs as overlapping bigrams), so a query word
  matches inside longer words (고양시 in 고양시의회는). Writing the phrase by hand:
  `articles_fts MATCH '"고양 양시"'`.
- and, at the head of `body`, the article's terms: every distinct word of the three, its
  particle or ending cut by the same table the queries use (`crawler.store.korean.index_terms`), so
  `articles_fts MATCH '고양시'` typed in a bare sqlite3 shell finds 고양시는, 고양시의,
  고양시에서 (whole words, not 고양시의회). A term is never a bigram token nor a token of
  Latin letters or digits alone, so no bigram phrase matches a term (krnews's own queries
  never touch them) and no phrase runs from the terms into the body's bigrams. Until schema 4
  the terms were a fourth column, which cost 0.23x of the text against 0.19x here: each of
  its tokens paid a column marker (bench/store.py).

A contentless index cannot read back what it indexed, so removing an article's entry needs its
old text: `delete_article` reads the row before the caller changes it. Triggers keep the index
in step with writes that bypass Python: an article deleted or edited from a shell copies its
old text into `articles_fts_stale` and (edited or inserted) queues its id in
`articles_fts_pending`; `catch_up` removes the stale entries and indexes the queue the next time
krnews opens the store or searches it. Until then a shell-deleted article's entry finds nothing
that joins to `articles`, and a shell-edited one is still found by its old words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.store.korean import index_terms, index_text

if TYPE_CHECKING:  # not imported at run time: `krnews search` starts without sqlite-utils
    import sqlite3

    from sqlite_utils import Database

FTS_TABLE = "articles_fts"
PENDING_TABLE = "articles_fts_pending"
STALE_TABLE = "articles_fts_stale"
# body first: FTS5 marks every switch to another column in each position list, column 0 needs
# no marker, so the biggest column there saves ~1 KB per article (bench/store.py)
COLUMNS = ("body", "title", "subtitle")
_COLUMN_LIST = ", ".join(COLUMNS)

# Any change to this statement makes install() rebuild the index from `articles`.
# No prefix index (issue 7 had prefix='1' for 2027년 and 꽃 as prefix queries, for 0.45x the
# text): a CJK run glued to a number or Latin word gets its first character as a token of its
# own (crawler.store.korean.index_text), which makes 2027년 a phrase; a lone 꽃 stays a prefix query,
# fast enough on the few bigrams that start with one syllable.
_CREATE_FTS = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "body, title, subtitle, content='', tokenize = 'unicode61 remove_diacritics 2')"
)
_CREATE_PENDING = f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (article_id INTEGER PRIMARY KEY)"
_CREATE_STALE = (
    f"CREATE TABLE IF NOT EXISTS {STALE_TABLE} "
    "(article_id INTEGER PRIMARY KEY, title TEXT, subtitle TEXT, body TEXT)"
)
# Only the text of an indexed article is kept (a contentless delete of tokens that are not
# there corrupts the index), and only the first: later edits were never indexed.
_KEEP_OLD = (
    f"INSERT OR IGNORE INTO {STALE_TABLE}(article_id, title, subtitle, body) "
    "SELECT old.id, old.title, old.subtitle, old.body "
    f"WHERE EXISTS (SELECT 1 FROM {FTS_TABLE}_docsize WHERE id = old.id); "
)
# Compared with sqlite_master on install: SQLite keeps each CREATE statement as written.
_TRIGGERS = {
    "articles_fts_after_insert": (
        "CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN "
        f"INSERT OR IGNORE INTO {PENDING_TABLE}(article_id) VALUES (new.id); END"
    ),
    "articles_fts_after_update": (
        "CREATE TRIGGER articles_fts_after_update "
        "AFTER UPDATE OF title, subtitle, body ON articles BEGIN "
        + _KEEP_OLD
        + f"INSERT OR IGNORE INTO {PENDING_TABLE}(article_id) VALUES (new.id); END"
    ),
    "articles_fts_after_delete": (
        "CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN "
        + _KEEP_OLD
        + f"DELETE FROM {PENDING_TABLE} WHERE article_id = old.id; END"
    ),
}
_CATCH_UP_BATCH = 500


def install(db: Database) -> None:
    """Create the index, its queues and triggers; rebuild it if it was made by older code."""
    existing = dict(db.execute("SELECT name, sql FROM sqlite_master"))
    fresh = existing.get(FTS_TABLE) != _CREATE_FTS
    triggers = {name: sql for name, sql in _TRIGGERS.items() if existing.get(name) != sql}
    missing = PENDING_TABLE not in existing or STALE_TABLE not in existing
    if fresh or triggers or missing:  # an up-to-date store is not written
        with db.atomic():
            if fresh:
                db.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
                db.execute(f"DROP TABLE IF EXISTS {STALE_TABLE}")
                db.execute(_CREATE_FTS)
            db.execute(_CREATE_PENDING)
            db.execute(_CREATE_STALE)
            for name, sql in triggers.items():
                db.execute(f"DROP TRIGGER IF EXISTS {name}")
                db.execute(sql)
            if fresh:
                db.execute(f"DELETE FROM {PENDING_TABLE}")
                db.execute(f"INSERT INTO {PENDING_TABLE}(article_id) SELECT id FROM articles")
    catch_up(db)


def _values(title: str | None, subtitle: str | None, body: str | None) -> list[str]:
    """The index's columns in order (COLUMNS) for an article's title, subtitle and body: the
    terms first in `body` (their positions stay small numbers), then the body's bigrams."""
    return [
        f"{index_terms(title, subtitle, body)} {index_text(body)}",
        index_text(title),
        index_text(subtitle),
    ]


def index_article(db: Database, article_id: int) -> None:
    """(Re)index one article from its row in `articles`; safe to call again for the same id.

    The entry it had is first removed with the text it was indexed with (kept by the triggers
    when the row changed since, else the row itself), so the index never holds tokens of a text
    it cannot name: a contentless index given the wrong text to delete is corrupt. An entry
    that is the row's text as it is (indexed, not queued, no old text kept) is left alone:
    every write of the text goes through the triggers, which queue it.
    """
    if (
        _is_indexed(db, article_id)
        and not _is_pending(db, article_id)
        and not _has_stale(db, article_id)
    ):
        return
    _remove_stale(db, article_id)
    row = db.execute(
        "SELECT title, subtitle, body FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    db.execute(f"DELETE FROM {PENDING_TABLE} WHERE article_id = ?", [article_id])
    if row is None:
        return
    db.execute(
        f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMN_LIST}) VALUES (?, ?, ?, ?)",
        [article_id, *_values(*row)],
    )


def _remove_stale(db: Database, article_id: int) -> None:
    """Take the article's entry out of the index, whatever text it was indexed with."""
    stale = db.execute(
        f"SELECT title, subtitle, body FROM {STALE_TABLE} WHERE article_id = ?", [article_id]
    ).fetchone()
    if stale is not None:
        _delete_tokens(db, article_id, *stale)
        db.execute(f"DELETE FROM {STALE_TABLE} WHERE article_id = ?", [article_id])
    if _is_indexed(db, article_id) and not _is_pending(db, article_id):
        row = db.execute(
            "SELECT title, subtitle, body FROM articles WHERE id = ?", [article_id]
        ).fetchone()
        if row is not None:
            _delete_tokens(db, article_id, *row)


def _is_indexed(db: Database, article_id: int) -> bool:
    # docsize has one row per indexed document (columnsize is on)
    return (
        db.execute(f"SELECT 1 FROM {FTS_TABLE}_docsize WHERE id = ?", [article_id]).fetchone()
        is not None
    )


def _has_stale(db: Database, article_id: int) -> bool:
    return (
        db.execute(f"SELECT 1 FROM {STALE_TABLE} WHERE article_id = ?", [article_id]).fetchone()
        is not None
    )


def _is_pending(db: Database, article_id: int) -> bool:
    return (
        db.execute(f"SELECT 1 FROM {PENDING_TABLE} WHERE article_id = ?", [article_id]).fetchone()
        is not None
    )


def _delete_tokens(
    db: Database, article_id: int, title: str | None, subtitle: str | None, body: str | None
) -> None:
    db.execute(
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMN_LIST}) "
        "VALUES ('delete', ?, ?, ?, ?)",
        [article_id, *_values(title, subtitle, body)],
    )


def delete_article(db: Database, article_id: int) -> None:
    """Remove the article from the index; call it before its row is changed or deleted."""
    _remove_stale(db, article_id)
    db.execute(f"DELETE FROM {PENDING_TABLE} WHERE article_id = ?", [article_id])


def pending_count(db: sqlite3.Connection | Database) -> int:
    return db.execute(f"SELECT count(*) FROM {PENDING_TABLE}").fetchone()[0]


def catch_up(db: Database) -> int:
    """Index the articles queued by the triggers; returns how many were indexed."""
    done = 0
    stale = db.execute(
        f"SELECT article_id FROM {STALE_TABLE} WHERE article_id NOT IN "
        f"(SELECT article_id FROM {PENDING_TABLE})"
    ).fetchall()
    if stale:  # deleted from a shell: only the old entry to remove
        with db.atomic():
            for (article_id,) in stale:
                _remove_stale(db, article_id)
    while pending_count(db):
        rows = db.execute(
            f"SELECT a.id FROM {PENDING_TABLE} p "
            f"JOIN articles a ON a.id = p.article_id LIMIT {_CATCH_UP_BATCH}"
        ).fetchall()
        with db.atomic():
            if not rows:
                # queue entries whose article is gone (deleted with triggers off) are dropped
                db.execute(f"DELETE FROM {PENDING_TABLE}")
                break
            for (article_id,) in rows:
                index_article(db, article_id)
        done += len(rows)
    return done
