"""`krnews search`: ranked Korean full-text search over the store, one hit per story by default."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.query.snippets import marked, snippet_spans
from crawler.store import fts, search_sql
from crawler.store.korean import match_expression, query_words
from crawler.store.reader import has_table, open_to_search

if TYPE_CHECKING:
    from crawler.store.reader import Connection

# Search reads through plain sqlite3 (crawler/store/reader.py; a `Database` passed in works the
# same): importing sqlite-utils, and the numpy it pulls in, took most of a cold `krnews search`
# process's time (bench/analyst.py). The SQL is crawler/store/search_sql.py's.

# bm25 weights in the index's column order (crawler.store.fts.COLUMNS): body, title, subtitle. A
# word in the headline says more than one in the body.
BM25_WEIGHTS = (1.0, 5.0, 2.0)
_FIRST_CANDIDATES = 4  # times the limit: duplicates and ties rarely need more


class NotAStoreError(RuntimeError):
    """The database has no Korean full-text index (not made by krnews)."""


def search(
    db_path_or_db: str | Path | Connection,
    query: str,
    *,
    site: str | Iterable[str] | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    limit: int = 20,
    include_duplicates: bool = False,
) -> list[dict]:
    """Articles matching every word of `query`, best first (bm25), with a highlighted snippet.

    `since`/`until` are inclusive dates (YYYY-MM-DD) compared with the Korean date of
    `published`. By default only the best-ranked article of each story cluster (`dup_of`) is
    returned, with `versions` saying how many articles the cluster has.
    """
    match = match_expression(query)
    if not match:
        return []
    if not isinstance(db_path_or_db, str | Path):
        return _search(db_path_or_db, query, match, site, since, until, limit, include_duplicates)
    db = open_to_search(db_path_or_db)
    try:
        return _search(db, query, match, site, since, until, limit, include_duplicates)
    finally:
        db.close()


def _search(
    db: Connection,
    query: str,
    match: str,
    site: str | Iterable[str] | None,
    since: str | date | None,
    until: str | date | None,
    limit: int,
    include_duplicates: bool,
) -> list[dict]:
    if not has_table(db, fts.FTS_TABLE):
        raise NotAStoreError(f"no {fts.FTS_TABLE} table: not a krnews store")
    search_sql.catch_up_if_writable(db)
    wanted = max(limit * _FIRST_CANDIDATES, 40)
    while True:
        candidates = search_sql.candidates(
            db, match, weights=BM25_WEIGHTS, count=wanted, site=site, since=since, until=until
        )
        chosen = _best_per_story(db, candidates, limit, include_duplicates)
        if len(chosen) >= limit or len(candidates) < wanted:
            break
        wanted *= 8
    rows = search_sql.articles_by_id(db, [article_id for article_id, _, _ in chosen])
    versions = search_sql.story_sizes(db, {story for _, _, story in chosen})
    words = query_words(query)
    return [
        _hit(rows[article_id], score, story, words, versions[story])
        for article_id, score, story in chosen
    ]


def _best_per_story(
    db: Connection,
    candidates: list[tuple[int, float]],
    limit: int,
    include_duplicates: bool,
) -> list[tuple[int, float, int]]:
    """(id, score, story) of the best-ranked candidates, one per story unless duplicates."""
    stories = search_sql.stories(db, [article_id for article_id, _ in candidates])
    chosen, seen = [], set()
    for article_id, score in candidates:
        story = stories.get(article_id)
        if story is None:  # index entry of an article deleted with triggers off
            continue
        if not include_duplicates and story in seen:
            continue
        seen.add(story)
        chosen.append((article_id, score, story))
        if len(chosen) == limit:
            break
    return chosen


def _hit(row: dict, score: float, story: int, words: list[str], versions: int) -> dict:
    text, spans = snippet_spans(row["body"] or "", words)
    return {
        "id": row["id"],
        "url": row["url"],
        "site": row["site"],
        "published": row["published"],
        "title": row["title"],
        "subtitle": row["subtitle"],
        "snippet": marked(text, spans),
        "snippet_text": text,
        "snippet_matches": [list(span) for span in spans],
        "score": round(score, 4),
        "story": story,
        "dup_of": row["dup_of"],
        "versions": versions,
    }


def count_matches(
    db: Connection,
    query: str,
    *,
    site: str | Iterable[str] | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> int:
    """How many articles (duplicates included) match the query under the filters."""
    match = match_expression(query)
    if not match:
        return 0
    return search_sql.count_matches(db, match, site=site, since=since, until=until)


def unknown_sites(db: Connection, sites: Iterable[str]) -> list[str]:
    """The names among `sites` that no stored article and no crawled site has."""
    known = search_sql.known_sites(db)
    return [name for name in sites if name not in known]
