"""Analyst views (placeholder until issue 7 lands). CONTRACT: install(db), idempotent."""

from __future__ import annotations

from sqlite_utils import Database


def install(db: Database) -> None:
    db.execute("DROP VIEW IF EXISTS latest_articles")
    db.execute(
        "CREATE VIEW latest_articles AS SELECT id, site, published, title, url FROM articles "
        "ORDER BY published DESC"
    )
