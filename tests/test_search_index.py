"""The index stays in step with inserts, updates and deletes, from krnews and from a sqlite3 shell."""

from __future__ import annotations

import sqlite3

from fixtures.search.corpus import article_row, articles, make_db, make_store
from sqlite_utils import Database

from crawler.query.search import search
from crawler.store import fts, views

FESTIVAL, MARKET = 1, 12


def found(db, query: str) -> set[int]:
    return {hit["id"] for hit in search(db, query, include_duplicates=True, limit=100)}


def test_plain_sqlite3_reads_the_index_without_python_functions(tmp_path):
    path = tmp_path / "news.db"
    make_db(path).close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"고양 양시\"'"
        ).fetchall()
    assert {row[0] for row in rows} == {1, 2, 13, 24, 31, 32}


def test_delete_and_update_from_a_plain_sqlite3_shell(tmp_path):
    path = tmp_path / "news.db"
    make_db(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM articles WHERE id = ?", [MARKET])
        conn.execute(
            "UPDATE articles SET body = '소래포구 어시장 상인회 총회' WHERE id = ?", [FESTIVAL]
        )
        # the contentless index cannot drop the old words in SQL: the trigger keeps the old
        # text for krnews to take them out
        stale = conn.execute(
            "SELECT count(*) FROM articles_fts_stale WHERE article_id IN (?, ?)",
            [MARKET, FESTIVAL],
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO articles (id, url, site, title, body) VALUES "
            "(99, 'https://x.example.kr/99', 'x', '연천 구석기 축제', '연천군은 구석기 축제를 연다.')"
        )
    assert stale == 2
    db = Database(path)
    assert fts.pending_count(db) == 2
    assert MARKET not in found(db, "수산시장")
    assert found(db, "어시장") == {FESTIVAL}  # search indexed the queued edit first
    assert FESTIVAL not in found(db, "국화")
    assert 99 in found(db, "구석기")
    assert fts.pending_count(db) == 0
    orphans = db.execute(
        "SELECT count(*) FROM articles_fts WHERE rowid NOT IN (SELECT id FROM articles)"
    ).fetchone()[0]
    assert orphans == 0
    assert db.execute("SELECT count(*) FROM articles_fts_stale").fetchone()[0] == 0
    assert_index_is_exact(db)


def assert_index_is_exact(db) -> None:
    """Every indexed token belongs to a stored article's current text, and nothing is missing."""
    rebuilt = make_db(rows=[dict(r) for r in db.query("SELECT * FROM articles")])
    vocab = "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, articles_fts, 'instance')"
    for conn in (db, rebuilt):
        conn.execute("DROP TABLE IF EXISTS temp.v")
        conn.execute(vocab)
    tokens = [sorted(c.execute("SELECT term, doc, col, offset FROM temp.v")) for c in (db, rebuilt)]
    assert tokens[0] == tokens[1]


def test_index_article_twice_and_delete_article():
    db = make_db(rows=[article_row(a) for a in articles() if a["id"] == FESTIVAL])
    db.execute(
        "UPDATE articles SET title = '새 제목', body = '행주산성 음악회' WHERE id = ?", [FESTIVAL]
    )
    fts.index_article(db, FESTIVAL)
    fts.index_article(db, FESTIVAL)
    assert db.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == 1
    assert found(db, "음악회") == {FESTIVAL} and found(db, "축제") == set()
    assert_index_is_exact(db)
    fts.delete_article(db, FESTIVAL)
    assert found(db, "음악회") == set()
    db.execute("DELETE FROM articles")  # from SQL: the trigger keeps the old text
    assert fts.catch_up(db) == 0
    assert_index_is_exact(db)


def test_install_rebuilds_an_index_made_by_older_code(tmp_path):
    path = tmp_path / "old.db"
    db = make_db(path, rows=[])
    db.execute("DROP TABLE articles_fts")
    # the placeholder layout of the first schema: raw text under unicode61
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, subtitle, body, tokenize='unicode61')"
    )
    for name in ("articles_fts_after_insert", "articles_fts_after_update"):
        db.execute(f"DROP TRIGGER {name}")
    for article in articles():
        row = article_row(article)
        db["articles"].insert(row)
        db.execute(
            "INSERT INTO articles_fts(rowid, title, subtitle, body) VALUES (?, ?, ?, ?)",
            [row["id"], row["title"], row["subtitle"] or "", row["body"]],
        )
    assert 24 not in found(db, "고양시")  # unicode61 keeps 고양시는 whole
    fts.install(db)
    assert 24 in found(db, "고양시")
    fts.install(db)  # idempotent: nothing queued, nothing rebuilt
    assert fts.pending_count(db) == 0


def test_install_on_an_up_to_date_store_writes_nothing(tmp_path):
    path = tmp_path / "news.db"
    make_store(path).close()
    readonly = Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    fts.install(readonly)  # would fail with "attempt to write a readonly database"
    views.install(readonly)
    assert found(readonly, "고양시") == {1, 2, 13, 24, 31, 32}


def test_store_keeps_the_index_in_step(tmp_path):
    with make_store(tmp_path / "news.db") as store:
        assert found(store.db, "고양시에서") == {1, 2, 13, 24, 31, 32}
        festival = article_row(articles()[FESTIVAL - 1])
        for key in ("id", "dup_of", "similarity"):
            festival.pop(key)
        store.save_article(dict(festival, body="고양시는 행주산성에서 음악회를 연다."))
        assert found(store.db, "음악회") == {FESTIVAL}
        assert FESTIVAL not in found(store.db, "국화")
        assert fts.pending_count(store.db) == 0
        # one hit per story: the two copies of the 실리콘밸리 press release are one cluster
        clusters = search(store.db, "통일한국실리콘밸리")
        assert len(clusters) == 1 and clusters[0]["versions"] == 2
