"""What a distributed crawl's workers skip, read from the store at the start of each run
(crawler.distributed.published puts it in per-run Redis keys): article URLs and aliases with
the fetch time of their article, the validators of conditional pages, the links gone lately,
the sites with articles and each site's learned boilerplate lines. Read only; rebuilt every run,
so the workers' copy never outlives the run that read it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def known_urls(store: Any) -> Iterator[tuple[str, str]]:
    """(url, fetched_at) of every stored article, under its URL and every alias."""
    yield from store.db.execute("SELECT url, fetched_at FROM articles WHERE url IS NOT NULL")
    yield from store.db.execute(
        "SELECT alias, fetched_at FROM url_aliases JOIN articles ON articles.id = article_id"
    )


def http_cache(store: Any) -> Iterator[tuple[str, str | None, str | None, str | None]]:
    """(url, etag, last_modified, checked_at) of every conditional page."""
    yield from store.db.execute("SELECT url, etag, last_modified, checked_at FROM http_cache")


def gone_urls(store: Any, days: float) -> Iterator[str]:
    """Links that answered 404/410 in the last `days` days."""
    for (url,) in store.db.execute(
        "SELECT DISTINCT url FROM fetches WHERE kind IN ('http_404', 'http_410') "
        "AND julianday(time) > julianday('now', ?)",
        [f"-{days} days"],
    ):
        yield url


def sites_with_articles(store: Any) -> list[str]:
    return [site for (site,) in store.db.execute("SELECT DISTINCT site FROM articles")]


def learned_hashes(store: Any, min_articles: int) -> Iterator[tuple[str, str]]:
    """(site, line_hash) of every line learned as a site's boilerplate."""
    yield from store.db.execute(
        "SELECT site, line_hash FROM boilerplate_lines WHERE articles >= ?", [min_articles]
    )
