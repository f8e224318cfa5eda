"""Datasette plugin: `datasette news.db` shows the store documented and searchable in Korean.

Registered through the `datasette` entry point in pyproject.toml. For any attached database
that is a krnews store (it has `articles` and `articles_fts`) it:

- gives Datasette the table, view and column descriptions of crawler/store/table_docs.py;
- wires the table search box (`?_search=`) of `articles` to the Korean index: Datasette builds
  its MATCH from the SQL function `escape_fts`, which this plugin replaces on the store's
  connections with `crawler.store.korean.match_expression` (so 고양시는 finds 고양시의회 too);
- adds `ko_match(query)` and `ko_snippet(text, query)` SQL functions and canned queries; the
  story ones (issue 26: stories run by most outlets this week, an outlet's copied share, a
  story's versions) only where the store has the text-reuse views they read;
- links a story's versions: an `article_id` cell to its article row, a `story` cell to the
  story's page (the `story` canned query);
- makes the pages read well (issue 13): the articles table opens with the columns an analyst
  scans (title, site, published, author, section) and facets on site and section; bodies are
  cut to a line or two, URLs shown decoded, descriptions rendered without literal backticks;
  the store's internal tables are hidden, so the database page's SQL box opens on `articles`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from crawler.query.search import BM25_WEIGHTS
from crawler.query.snippets import display_url, snippet
from crawler.store import canned_sql, table_docs
from crawler.store.korean import match_expression, query_words
from crawler.store.reader import is_store, path_is_store

NOTHING = '""'  # an empty phrase: a valid MATCH that finds no row

# the SQL is crawler/store/canned_sql.py's; the ranking weights are krnews search's
CANNED_QUERIES = canned_sql.canned_queries(BM25_WEIGHTS)


def korean_match(query: str | None) -> str:
    return match_expression(query or "") or NOTHING


def korean_snippet(text: str | None, query: str | None) -> str:
    return snippet(text or "", query_words(query or ""))


# asked on every request (metadata, canned queries, CSS, the articles page's redirect)
_path_is_store = lru_cache(maxsize=64)(path_is_store)


def _store_names(datasette) -> list[str]:
    return [
        name
        for name, db in datasette.databases.items()
        if db.path and not db.is_memory and _path_is_store(str(db.path))
    ]


# The articles table page opens with these columns, in this order (Datasette keeps the order
# of ?_col=); the rest follow.
ARTICLE_COLUMNS_FIRST = ("title", "site", "published", "author", "section")
ARTICLE_COLUMNS_REST = ("subtitle", "body", "url", "dup_of", "similarity", "updated", "fetched_at")
# Tables a reader of the news has no business with; still there with ?_show_hidden=1.
HIDDEN_TABLES = (
    "_sqlite_migrations", "articles_fts", "articles_fts_pending", "articles_fts_stale",
    "boilerplate_lines", "dedup_band_index", "dedup_band_queue", "dedup_bands", "dedup_signatures", "http_cache", "url_aliases",
)  # fmt: skip
BODY_CHARS = 90  # a body cell shows about two lines
_CODE = re.compile(r"`([^`]*)`")
CSS = """
dl.column-descriptions { display: grid; grid-template-columns: max-content 1fr;
  gap: 0 1em; font-size: 0.8rem; max-height: 9.5em; overflow-y: auto; }
dl.column-descriptions dd { margin: 0; }
table.rows-and-columns td.col-title { min-width: 16em; }
table.rows-and-columns td.col-body { min-width: 30em; }
table.rows-and-columns td.col-published, table.rows-and-columns td.col-updated,
table.rows-and-columns td.col-fetched_at, table.rows-and-columns td.col-site
  { white-space: nowrap; }
table.rows-and-columns td.col-url, table.rows-and-columns td.col-dup_of
  { max-width: 24em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
"""


def _plain(text: str) -> str:
    """A description for a place Datasette shows as text: `code` without its backticks."""
    return _CODE.sub(r"\1", text)


def _html(text: str) -> str:
    """A description for a place Datasette shows as HTML: `code` as <code>."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text)))


def database_metadata() -> dict:
    tables: dict[str, dict[str, Any]] = {}
    for name, doc in table_docs.descriptions().items():
        tables[name] = {
            "description_html": _html(doc["description"]),
            "columns": {column: _plain(text) for column, text in doc["columns"].items()},
        }
    for name in HIDDEN_TABLES:
        tables.setdefault(name, {})["hidden"] = True
    tables["articles"].update(
        fts_table="articles_fts",
        fts_pk="id",
        sort_desc="published",
        facets=["site", "section"],
        size=20,
    )
    for view in ("latest_articles",):
        tables[view]["facets"] = ["site", "section"]
    return {
        "description": "Korean local news crawled by krnews: clean articles, duplicate "
        "clusters, crawl health. Search `articles` in Korean; see the views and canned queries.",
        "tables": tables,
    }


@hookimpl(trylast=True)  # after Datasette's own escape_fts, so ours replaces it
def prepare_connection(conn, database, datasette):
    if not is_store(conn):
        return
    conn.create_function("escape_fts", 1, korean_match, deterministic=True)
    conn.create_function("ko_match", 1, korean_match, deterministic=True)
    conn.create_function("ko_snippet", 2, korean_snippet, deterministic=True)


@hookimpl
def get_metadata(datasette, key, database, table):
    names = _store_names(datasette)
    if not names:
        return {}
    meta = database_metadata()
    return {"databases": {name: meta for name in names}}


@hookimpl
def canned_queries(datasette, database, actor):
    if database not in _store_names(datasette):
        return {}

    async def offered() -> dict:
        present = await _names(datasette, database)
        return {
            name: query
            for name, query in CANNED_QUERIES.items()
            if set(canned_sql.NEEDS.get(name, ())) <= present
        }

    return offered


async def _names(datasette, database: str) -> set[str]:
    """The tables and views of the database now (a crawl may have migrated it meanwhile)."""
    db = datasette.get_database(database)
    return set(await db.table_names()) | set(await db.view_names())


@hookimpl
def extra_css_urls(database, table, datasette):
    if database in _store_names(datasette):
        return ["data:text/css," + quote(" ".join(CSS.split()))]
    return []


@hookimpl
def asgi_wrapper(datasette):
    """The articles table page without ?_col= opens with the columns an analyst scans first."""

    def wrap(app):
        async def opened_well(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") == "GET":
                target = _articles_page_with_columns(datasette, scope)
                if target is not None:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 302,
                            "headers": [(b"location", target.encode("latin-1"))],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)

        return opened_well

    return wrap


def _articles_page_with_columns(datasette, scope) -> str | None:
    path = scope.get("path", "")
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[1] != "articles" or parts[0] not in _store_names(datasette):
        return None
    params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if any(key in ("_col", "_nocol", "_format") for key, _ in params):
        return None
    columns = [("_col", c) for c in ARTICLE_COLUMNS_FIRST + ARTICLE_COLUMNS_REST]
    return f"{scope.get('root_path', '')}{path}?{urlencode(params + columns)}"


@hookimpl
def render_cell(value, column, table, database, datasette):
    if isinstance(value, int) and column in ("article_id", "story"):
        return _story_link(value, column, database, datasette)
    if not isinstance(value, str):
        return None
    if column == "body":  # one paragraph after another on a line, cut to about two lines
        flat = " ".join(value.split())
        return flat if len(flat) <= BODY_CHARS else flat[:BODY_CHARS].rstrip() + " …"
    if column == "url" and value.startswith(("http://", "https://")):
        return Markup('<a href="{}">{}</a>').format(value, display_url(value))
    if column != "snippet" or "<mark>" not in value:
        return None
    # the snippet's only markup is <mark>: escape the text, then let the marks through
    return Markup(
        str(escape(value)).replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
    )


def _story_link(value: int, column: str, database: str, datasette):
    """A version's id links to its article row; a story's id to the story's page (where the
    store has the view it reads; the story page itself does not link to itself)."""
    if database not in _store_names(datasette):
        return None
    if column == "article_id":
        href = datasette.urls.row(database, "articles", str(value))
        return Markup('<a href="{}">{}</a>').format(href, value)

    async def story_page():
        if "story_reuse" not in await _names(datasette, database):
            return None
        href = datasette.urls.query(database, "story") + "?" + urlencode({"story": value})
        return Markup('<a href="{}">{}</a>').format(href, value)

    return story_page
