"""`krnews search`: ranked Korean full-text search over the store, one hit per story by default."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.crawl.settings import KRNEWS_DB
from crawler.query.snippets import display_url, marked, snippet_spans
from crawler.query.terminal import for_terminal
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
    store = open_to_search(db)
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
