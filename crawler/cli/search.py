"""`krnews search`: ranked Korean full-text search over the store, printed as a table or JSON
(the ranking is crawler/query/search.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from crawler.crawl.settings import KRNEWS_DB
from crawler.query.search import NotAStoreError, count_matches, search, unknown_sites
from crawler.query.snippets import display_url
from crawler.query.terminal import for_terminal
from crawler.store import fts
from crawler.store.reader import has_table, open_to_search

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


command = search_command
