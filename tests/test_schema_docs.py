"""docs/schema.md is generated from the code; the store's older layouts upgrade on install."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from fixtures.search.corpus import article_row, articles
from sqlite_utils import Database

from crawler.query.search import search
from crawler.store import fts, schema_docs, views
from crawler.store.db import MIGRATIONS, SCHEMA_VERSION, Store


def test_docs_schema_md_is_what_the_generator_writes():
    assert schema_docs.DOC_PATH.read_text(encoding="utf-8") == schema_docs.fresh_store_schema(), (
        "docs/schema.md is stale: run python -m crawler.store.schema_docs"
    )


def test_every_table_view_and_column_is_described(tmp_path):
    with Store(tmp_path / "news.db") as store:
        assert schema_docs.undocumented(store.db) == []
        schema = schema_docs.live_schema(store.db)
    assert {"articles", "articles_fts", "latest_articles", "site_health"} <= set(schema)
    assert not any(
        name.startswith("articles_fts_")
        and name not in ("articles_fts_pending", "articles_fts_stale")
        for name in schema
    )  # FTS5 shadow tables are internals


def test_a_new_column_without_a_description_is_reported(tmp_path):
    with Store(tmp_path / "news.db") as store:
        store.db.execute("ALTER TABLE articles ADD COLUMN mood TEXT")
        assert schema_docs.undocumented(store.db) == ["articles.mood"]
        assert "| `mood` | TEXT | (undocumented) |" in schema_docs.render(store.db)


def test_check_mode_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "schema.md"
    stale.write_text("# old\n", encoding="utf-8")
    assert schema_docs.main(["--check", "--output", str(stale)]) == 1
    assert schema_docs.main(["--output", str(stale)]) == 0
    assert schema_docs.main(["--check", "--output", str(stale)]) == 0


def test_module_runs_as_a_script(tmp_path):
    out = tmp_path / "schema.md"
    subprocess.run(
        [sys.executable, "-m", "crawler.store.schema_docs", "--output", str(out)], check=True
    )
    assert "### `articles_fts`" in out.read_text(encoding="utf-8")


def make_first_version_store(path) -> None:
    """A store as schema version 1 left it, with the placeholder index and view of that time."""
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="0002_url_aliases")
    db.execute("PRAGMA user_version = 1")
    for name in fts._TRIGGERS:
        db.execute(f"DROP TRIGGER {name}")
    db.execute("DROP TABLE articles_fts_pending")
    db.execute("DROP TABLE articles_fts")
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, subtitle, body, tokenize='unicode61')"
    )
    for name in views.VIEWS:
        db.execute(f"DROP VIEW IF EXISTS {name}")
    db.execute(
        "CREATE VIEW latest_articles AS SELECT id, site, published, title, url FROM articles "
        "ORDER BY published DESC"
    )
    with db.atomic():
        for article in articles():
            row = article_row(article)
            db["articles"].insert(row)
            db.execute(
                "INSERT INTO articles_fts(rowid, title, subtitle, body) VALUES (?, ?, ?, ?)",
                [row["id"], row["title"], row["subtitle"] or "", row["body"]],
            )
    db.close()


def test_a_first_version_store_opens_and_its_index_and_views_upgrade(tmp_path):
    path = tmp_path / "old.db"
    make_first_version_store(path)
    with sqlite3.connect(path) as conn:
        old_hits = conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '고양시'"
        ).fetchone()[0]
    assert old_hits < 6  # unicode61 misses 고양시는, 고양시의회
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.db["url_aliases"].exists()
        assert store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(articles())
        # opening alone rebuilt the index with the Korean tokens and replaced the views
        assert {hit["id"] for hit in search(store.db, "고양시", include_duplicates=True)} == {
            1,
            2,
            13,
            24,
            31,
            32,
        }
        assert schema_docs.undocumented(store.db) == []
        assert store.db.execute("SELECT count(*) FROM story_clusters").fetchone()[0] == 2
