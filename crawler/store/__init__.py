"""The store: the one door to SQLite (schema and migrations, articles, run books, dedup index, full-text index, views, schema docs)."""
