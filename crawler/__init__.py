"""kr-news-crawler: Korean local news into a clean SQLite store."""

__version__ = "0.1.0"
