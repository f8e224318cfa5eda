"""Full-text index over title, subtitle and body (placeholder until the Korean-aware index lands).

CONTRACT used by crawler/store.py:
    install(db)                                   idempotent; creates the index
    index_article(db, article_id, title, subtitle, body)   inside the article's transaction
    delete_article(db, article_id)                inside the transaction, before re-indexing
"""

from __future__ import annotations

from sqlite_utils import Database


def install(db: Database) -> None:
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
        "title, subtitle, body, tokenize='unicode61')"
    )


def index_article(db: Database, article_id: int, title: str, subtitle: str | None, body: str) -> None:
    db.execute(
        "INSERT INTO articles_fts(rowid, title, subtitle, body) VALUES (?, ?, ?, ?)",
        [article_id, title or "", subtitle or "", body or ""],
    )


def delete_article(db: Database, article_id: int) -> None:
    db.execute("DELETE FROM articles_fts WHERE rowid = ?", [article_id])
