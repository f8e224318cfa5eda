"""The reads of `krnews search` (crawler/query/search.py ranks, cuts snippets and prints).

Ranking reads only the index; article rows (with their long bodies) are read for the few
candidates that can reach the page, so a word found in most articles stays fast. Every function
takes a plain `sqlite3.Connection` (crawler/store/reader.py) or a `sqlite_utils.Database`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from crawler.store import fts
from crawler.store.reader import has_table

if TYPE_CHECKING:
    from crawler.store.reader import Connection

Sites = str | Iterable[str] | None
Day = str | date | None

_CANDIDATES_SQL = """
SELECT f.rowid, bm25({fts}, {weights}) AS score
FROM {fts} f
WHERE {fts} MATCH :match {filters}
ORDER BY score, f.rowid
LIMIT :candidates
"""
_ARTICLE_COLUMNS = "id, url, site, published, title, subtitle, body, dup_of"
_CHUNK = 500  # ids per IN (...) list


def candidates(
    db: Connection,
    match: str,
    *,
    weights: Sequence[float],
    count: int,
    site: Sites = None,
    since: Day = None,
    until: Day = None,
) -> list[tuple[int, float]]:
    """(article id, bm25 score) of the best `count` index entries for `match`, best first;
    `weights` are bm25's, in the index's column order (crawler.store.fts.COLUMNS)."""
    where, params = _filters(site, since, until)
    sql = _CANDIDATES_SQL.format(
        fts=fts.FTS_TABLE,
        weights=", ".join(map(str, weights)),
        # a set of ids from the articles' own indexes: no article row is read per match
        filters=f"AND +f.rowid IN (SELECT a.id FROM articles a WHERE {' AND '.join(where)})"
        if where
        else "",
    )
    return db.execute(sql, {**params, "match": match, "candidates": count}).fetchall()


def count_matches(
    db: Connection, match: str, *, site: Sites = None, since: Day = None, until: Day = None
) -> int:
    """How many articles (duplicates included) the index finds for `match` under the filters."""
    where, params = _filters(site, since, until)
    filters = f"AND rowid IN (SELECT a.id FROM articles a WHERE {' AND '.join(where)})"
    sql = f"SELECT count(*) FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH :match"
    return db.execute(
        sql + (f" {filters}" if where else ""), {**params, "match": match}
    ).fetchone()[0]


def _filters(site: Sites, since: Day, until: Day) -> tuple[list[str], dict]:
    where: list[str] = []
    params: dict = {}
    sites = [site] if isinstance(site, str) else list(site or ())
    if sites:
        marks = ", ".join(f":site{i}" for i in range(len(sites)))
        where.append(f"a.site IN ({marks})")
        params.update({f"site{i}": name for i, name in enumerate(sites)})
    # published starts with the Korean date (it carries the +09:00 offset), so plain string
    # bounds select whole Korean days and can use the index on published
    if since:
        where.append("a.published >= :since")
        params["since"] = str(since)[:10]
    if until:
        where.append("a.published < :until_next_day")
        params["until_next_day"] = (
            date.fromisoformat(str(until)[:10]) + timedelta(days=1)
        ).isoformat()
    return where, params


def stories(db: Connection, ids: list[int]) -> dict[int, int]:
    """The story (duplicate cluster: `dup_of`, or the article itself) of each id still stored."""
    found: dict[int, int] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        found.update(
            db.execute(
                f"SELECT id, coalesce(dup_of, id) FROM articles WHERE id IN ({marks})", chunk
            ).fetchall()
        )
    return found


def articles_by_id(db: Connection, ids: list[int]) -> dict[int, dict]:
    """The rows a hit shows (id, url, site, published, title, subtitle, body, dup_of), by id."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    cursor = db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", ids)
    columns = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(columns, row)) for row in cursor}


def story_sizes(db: Connection, story_ids: set[int]) -> dict[int, int]:
    """How many articles each story has, its canonical one included."""
    if not story_ids:
        return {}
    marks = ", ".join("?" * len(story_ids))
    sizes = dict.fromkeys(story_ids, 1)
    for story, count in db.execute(
        f"SELECT dup_of, count(*) FROM articles WHERE dup_of IN ({marks}) GROUP BY dup_of",
        list(story_ids),
    ):
        sizes[story] += count
    return sizes


def known_sites(db: Connection) -> set[str]:
    """The site names of the stored articles and of the crawled sites."""
    known = {row[0] for row in db.execute("SELECT DISTINCT site FROM articles")}
    if has_table(db, "sites"):
        known |= {row[0] for row in db.execute("SELECT name FROM sites")}
    return known


def catch_up_if_writable(db: Connection) -> None:
    """Index the articles edited from a sqlite3 shell (queued by the index's triggers) when the
    connection may write; a read-only copy just searches what is indexed."""
    try:
        if fts.pending_count(db):
            from sqlite_utils import Database  # heavy: only when there is work to do

            fts.catch_up(db if hasattr(db, "atomic") else Database(db))  # type: ignore[arg-type]
    except sqlite3.OperationalError:
        pass
