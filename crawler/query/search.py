"""`krnews search`: ranked Korean full-text search over the store, one hit per story by default."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote_to_bytes

import click

from crawler.crawl.settings import KRNEWS_DB
from crawler.query.terminal import for_terminal
from crawler.store import fts
from crawler.store.korean import match_expression, query_words

if TYPE_CHECKING:
    from sqlite_utils import Database

# Search reads through plain sqlite3 (a `Database` passed in works the same: both have
# `.execute`): importing sqlite-utils, and the numpy it pulls in, took most of a cold
# `krnews search` process's time (bench/analyst.py).

# bm25 weights in the index's column order (crawler.store.fts.COLUMNS): body, title, subtitle. A
# word in the headline says more than one in the body.
BM25_WEIGHTS = (1.0, 5.0, 2.0)
SNIPPET_CHARS = 160
MARK = ("<mark>", "</mark>")


class NotAStoreError(RuntimeError):
    """The database has no Korean full-text index (not made by krnews)."""


# Ranking reads only the index; article rows (with their long bodies) are read for the few
# candidates that can reach the page, so a word found in most articles stays fast.
_CANDIDATES_SQL = """
SELECT f.rowid, bm25({fts}, {weights}) AS score
FROM {fts} f
WHERE {fts} MATCH :match {filters}
ORDER BY score, f.rowid
LIMIT :candidates
"""
_FIRST_CANDIDATES = 4  # times the limit: duplicates and ties rarely need more
_ARTICLE_COLUMNS = "id, url, site, published, title, subtitle, body, dup_of"


def search(
    db_path_or_db: str | Path | sqlite3.Connection | Database,
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
    db = sqlite3.connect(db_path_or_db)
    try:
        return _search(db, query, match, site, since, until, limit, include_duplicates)
    finally:
        db.close()


def _search(
    db: sqlite3.Connection | Database,
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
    _catch_up_if_writable(db)
    where, params = _filters(site, since, until)
    sql = _CANDIDATES_SQL.format(
        fts=fts.FTS_TABLE,
        weights=", ".join(map(str, BM25_WEIGHTS)),
        # a set of ids from the articles' own indexes: no article row is read per match
        filters=f"AND +f.rowid IN (SELECT a.id FROM articles a WHERE {' AND '.join(where)})"
        if where
        else "",
    )
    wanted = max(limit * _FIRST_CANDIDATES, 40)
    while True:
        params.update(match=match, candidates=wanted)
        candidates = db.execute(sql, params).fetchall()
        chosen = _best_per_story(db, candidates, limit, include_duplicates)
        if len(chosen) >= limit or len(candidates) < wanted:
            break
        wanted *= 8
    rows = _articles(db, [article_id for article_id, _, _ in chosen])
    versions = _story_sizes(db, {story for _, _, story in chosen})
    words = query_words(query)
    return [
        _hit(rows[article_id], score, story, words, versions[story])
        for article_id, score, story in chosen
    ]


def _best_per_story(
    db: sqlite3.Connection | Database,
    candidates: list[tuple[int, float]],
    limit: int,
    include_duplicates: bool,
) -> list[tuple[int, float, int]]:
    """(id, score, story) of the best-ranked candidates, one per story unless duplicates."""
    stories = _stories(db, [article_id for article_id, _ in candidates])
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


def _stories(db: sqlite3.Connection | Database, ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            db.execute(
                f"SELECT id, coalesce(dup_of, id) FROM articles WHERE id IN ({marks})", chunk
            ).fetchall()
        )
    return found


def _articles(db: sqlite3.Connection | Database, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    cursor = db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", ids)
    columns = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(columns, row)) for row in cursor}


def _filters(
    site: str | Iterable[str] | None, since: str | date | None, until: str | date | None
) -> tuple[list[str], dict]:
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


def _story_sizes(db: sqlite3.Connection | Database, stories: set[int]) -> dict[int, int]:
    if not stories:
        return {}
    marks = ", ".join("?" * len(stories))
    sizes = dict.fromkeys(stories, 1)
    for story, count in db.execute(
        f"SELECT dup_of, count(*) FROM articles WHERE dup_of IN ({marks}) GROUP BY dup_of",
        list(stories),
    ):
        sizes[story] += count
    return sizes


def has_table(db: sqlite3.Connection | Database, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone() is not None


def _catch_up_if_writable(db: sqlite3.Connection | Database) -> None:
    # Articles edited from a sqlite3 shell wait in the queue; a read-only copy just searches
    # what is indexed.
    try:
        if fts.pending_count(db):
            from sqlite_utils import Database

            fts.catch_up(db if hasattr(db, "atomic") else Database(db))  # type: ignore[arg-type]
    except sqlite3.OperationalError:
        pass


def _hit(row: dict, score: float, story: int, words: list[str], versions: int) -> dict:
    text, spans = snippet_spans(row["body"] or "", words)
    return {
        "id": row["id"],
        "url": row["url"],
        "site": row["site"],
        "published": row["published"],
        "title": row["title"],
        "subtitle": row["subtitle"],
        "snippet": _marked(text, spans),
        "snippet_text": text,
        "snippet_matches": [list(span) for span in spans],
        "score": round(score, 4),
        "story": story,
        "dup_of": row["dup_of"],
        "versions": versions,
    }


def word_pattern(words: list[str]) -> re.Pattern[str] | None:
    """A regex finding the query words in article text the way the index matches them.

    The index matches a CJK word inside a longer word (substring) and a Latin word or number
    only whole, with punctuation between its parts ignored (COVID-19 ~ COVID 19).
    """
    return _word_pattern(tuple(words))


@lru_cache(maxsize=64)  # made once per query, not twice per hit
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    alternatives = []
    for word in sorted(set(words), key=len, reverse=True):
        parts = re.findall(r"[^\W\d_]+|\d+", word)
        pieces = []
        for part in parts:
            piece = re.escape(part)
            if part.isascii():
                piece = rf"(?<![A-Za-z0-9]){piece}(?![A-Za-z0-9])"
            pieces.append(piece)
        if pieces:
            alternatives.append(r"[\W_]*".join(pieces))
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str, words: list[str], mark: tuple[str, str] = MARK) -> str:
    pattern = word_pattern(words)
    if pattern is None:
        return text
    return pattern.sub(lambda m: f"{mark[0]}{m.group()}{mark[1]}", text)


def snippet(
    text: str, words: list[str], size: int = SNIPPET_CHARS, mark: tuple[str, str] = MARK
) -> str:
    """About `size` characters of `text` around the first query word, the words marked."""
    return _marked(*snippet_spans(text, words, size), mark)


def _marked(piece: str, spans: list[tuple[int, int]], mark: tuple[str, str] = MARK) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [piece[last:start], mark[0], piece[start:end], mark[1]]
        last = end
    return "".join(out) + piece[last:]


def snippet_spans(
    text: str, words: list[str], size: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """(plain snippet, [(start, end), ...] of the query words in it), for output as data."""
    pattern = word_pattern(words)
    found = pattern.search(text) if pattern else None
    start = max(0, found.start() - size // 3) if found else 0
    if found and start:
        space = text.find(" ", start, found.start())
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + size)
    lead = "…" if start else ""
    piece = lead + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")
    spans = []
    if pattern:
        body_end = len(piece) - (1 if end < len(text) else 0)
        spans = [m.span() for m in pattern.finditer(piece, len(lead), body_end)]
    return piece, spans


def count_matches(
    db: sqlite3.Connection | Database,
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
    where, params = _filters(site, since, until)
    filters = f"AND rowid IN (SELECT a.id FROM articles a WHERE {' AND '.join(where)})"
    sql = f"SELECT count(*) FROM {fts.FTS_TABLE} WHERE {fts.FTS_TABLE} MATCH :match"
    return db.execute(
        sql + (f" {filters}" if where else ""), {**params, "match": match}
    ).fetchone()[0]


def unknown_sites(db: sqlite3.Connection | Database, sites: Iterable[str]) -> list[str]:
    """The names among `sites` that no stored article and no crawled site has."""
    known = {row[0] for row in db.execute("SELECT DISTINCT site FROM articles")}
    if has_table(db, "sites"):
        known |= {row[0] for row in db.execute("SELECT name FROM sites")}
    return [name for name in sites if name not in known]


# ---- the CLI command ------------------------------------------------------------------------


SCORE_HELP = (
    "Hits are ranked by score: SQLite FTS5's bm25 relevance, negative, and the more negative "
    "the better the match (a word in the headline counts 5 times, in the subtitle 2 times, in "
    "the body once; rarer words and shorter articles count more). Scores compare hits of one "
    "query, not of two."
)


@click.command("search", epilog=SCORE_HELP)
@click.argument("query")
@click.option("--db", default=KRNEWS_DB, show_default=True, help="The store to search.")
@click.option("--site", "sites", multiple=True, help="Only this site (repeat for several).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after this date.")
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before this date."
)
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(1), help="Most hits to show."
)
@click.option(
    "--include-duplicates",
    is_flag=True,
    help="Every version of a story, not only the best-ranked one per duplicate cluster.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON array instead of a table: each hit's snippet is plain text, with `matches`, "
    "the [start, end) character offsets of the query words in it.",
)
def search_command(
    query: str,
    db: str,
    sites: tuple[str, ...],
    since,
    until,
    limit: int,
    include_duplicates: bool,
    as_json: bool,
) -> None:
    """Korean-aware full-text search: 고양시 finds 고양시는/고양시의, every word must occur.

    Words are ANDed; an upper-case OR between words gives alternatives; a "quoted" word is
    searched as typed, without cutting its particles.
    """
    if not Path(db).exists():
        raise click.UsageError(f"no store at {db}")
    filters: dict[str, Any] = {
        "site": sites,
        "since": since.date() if since else None,
        "until": until.date() if until else None,
    }
    store = sqlite3.connect(db)
    try:
        if not has_table(store, fts.FTS_TABLE):
            raise NotAStoreError(db)
        unknown = unknown_sites(store, sites)
        if unknown:
            raise click.BadParameter(
                f"no site named {', '.join(map(repr, unknown))} in {db}", param_hint="--site"
            )
        hits = search(store, query, limit=limit, include_duplicates=include_duplicates, **filters)
        total = count_matches(store, query, **filters) if hits else 0
    except NotAStoreError:
        raise click.UsageError(f"{db} is not a krnews store (no full-text index)") from None
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([_as_data(hit, query) for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(f"no articles match {for_terminal(query)!r}", err=True)
        return
    click.echo(_header(query, db, hits, total, include_duplicates))
    for hit in hits:
        _echo_hit(hit)


def _as_data(hit: dict, query: str) -> dict:
    """A hit for --json: the snippet as plain text, where the words are as offsets."""
    data = {k: v for k, v in hit.items() if k not in ("snippet_text", "snippet_matches")}
    data.update(snippet=hit["snippet_text"], matches=hit["snippet_matches"])
    return data


def _header(query: str, db: str, hits: list[dict], total: int, include_duplicates: bool) -> str:
    articles = f"{total} article{'s' if total != 1 else ''}"
    shown = f"best {len(hits)}" + ("" if include_duplicates else " stories")
    return click.style(
        f"{for_terminal(query, keep_newlines=False)!r} in {db}: {articles} match; {shown} "
        "by score (see --help)",
        bold=True,
    )


def _echo_hit(hit: dict) -> None:
    day = (hit["published"] or "")[:10]
    more = f"  ({hit['versions']} versions)" if hit["versions"] > 1 else ""
    title = for_terminal(hit["title"], keep_newlines=False)
    site = for_terminal(hit["site"], keep_newlines=False)
    click.echo(f"{hit['id']:>7}  {day:10}  {site}  {click.style(title, bold=True)}{more}")
    text = for_terminal(hit["snippet_text"], keep_newlines=False)
    marked, last = [], 0
    for start, end in hit["snippet_matches"]:
        marked += [text[last:start], click.style(text[start:end], fg="yellow", bold=True)]
        last = end
    click.echo(f"         {''.join(marked) + text[last:]}")
    click.echo(f"         {for_terminal(display_url(hit['url']), keep_newlines=False)}")


def display_url(url: str) -> str:
    """The URL as a person reads it: UTF-8 percent-escapes decoded (고양시 instead of
    %EA%B3%A0...), escapes of ASCII (%20, %2F, %3F) and of invisible characters left as they
    are, so that the shown URL still opens the same page."""
    return _ESCAPES.sub(_decoded, url)


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decoded(match: re.Match[str]) -> str:
    try:
        text = unquote_to_bytes(match.group()).decode("utf-8")
    except UnicodeDecodeError:
        return match.group()
    return "".join(
        quote(ch, safe="") if ch.isascii() or not ch.isprintable() else ch for ch in text
    )
