"""What every table, view and column of the store means, and how to search it from plain SQL:
the words of docs/schema.md and of Datasette's metadata, as data (the views' words are in
crawler/store/views.py). crawler/store/schema_docs.py renders them against the live schema.
"""

from __future__ import annotations

from crawler.store import views

TABLES: dict[str, dict] = {
    "articles": {
        "description": "One row per stored article page: clean text and metadata.",
        "columns": {
            "id": "Integer primary key.",
            "url": "The canonical URL (after redirects, tracking parameters dropped); unique.",
            "site": "The site's `name` from sites.toml.",
            "title": "The visible headline (not the `<title>` tag with the site name).",
            "subtitle": "The deck or sub-headline, or NULL.",
            "author": "The reporter's name only (홍길동, not 홍길동 기자), or NULL.",
            "author_email": "The reporter's e-mail, or NULL.",
            "published": "Publication time, ISO 8601 with offset (Korea time when the page "
            "gives none), e.g. 2017-07-09T14:18:00+09:00.",
            "updated": "Last update time, same format, or NULL.",
            "section": "The site's section name, or NULL.",
            "body": "The clean article text: paragraphs joined by newlines, NFC, no "
            "headline, byline, captions, copyright lines or widgets.",
            "lang": "Language code, `ko` for Korean.",
            "fetched_at": "When the page was fetched (ISO 8601 UTC).",
            "content_hash": "Hash of the normalised body: equal for exact duplicates.",
            "dup_of": "Id of the canonical article of its duplicate cluster (earliest "
            "published, then lowest id); NULL when the article is canonical or unique.",
            "similarity": "Estimated Jaccard similarity with `dup_of`; NULL when `dup_of` is.",
        },
    },
    "images": {
        "description": "Images of an article's body, in page order.",
        "columns": {
            "id": "Integer primary key.",
            "article_id": "The article (`articles.id`); deleted with it.",
            "position": "Order of the image in the article, from 0.",
            "url": "The image's absolute URL.",
            "caption": "Its caption, or NULL (captions are kept out of the body).",
        },
    },
    "runs": {
        "description": "One row per crawl.",
        "columns": {
            "id": "Integer primary key.",
            "started": "Start time (ISO 8601 UTC).",
            "finished": "End time, NULL while running or when the crawl was killed.",
            "status": "running, ok, partial (some fetches failed), time_limit (cut short by "
            "--max-minutes), budget (a site's max_pages ran out), stopped (SIGTERM/SIGINT), "
            "failed, or interrupted (killed; marked by the next run).",
            "exit_code": "The process exit code (0, 1, 2 or 75).",
            "pid": "Process id of the crawl.",
            "sites": "JSON list of the site names crawled.",
            "pages": "Pages fetched.",
            "articles": "New articles stored.",
            "duplicates": "Of those, duplicates of stored articles.",
            "errors": "Failed fetches.",
        },
    },
    "run_sites": {
        "description": "Per-site counts of each crawl.",
        "columns": {
            "run_id": "The crawl (`runs.id`).",
            "site": "The site's name.",
            "pages": "Pages fetched from the site.",
            "articles": "New articles stored from it.",
            "duplicates": "Of those, duplicates.",
            "errors": "Failed fetches on it.",
        },
    },
    "fetches": {
        "description": "One row per failed or notable fetch.",
        "columns": {
            "id": "Integer primary key.",
            "run_id": "The crawl (`runs.id`).",
            "site": "The site's name.",
            "url": "The URL fetched.",
            "status": "HTTP status, or NULL when there was no response.",
            "kind": "What happened: http_404, http_5xx, timeout, dns, too_large, charset, "
            "robots_5xx, extract_error, ... (see docs/internals.md).",
            "error": "The error message, or NULL.",
            "time": "When (ISO 8601 UTC).",
        },
    },
    "sites": {
        "description": "The sites known to the store.",
        "columns": {
            "name": "The site's name from sites.toml (primary key).",
            "home": "Its home URL.",
            "profile": "The CMS profile detected or configured for it.",
            "first_seen": "When it was first crawled.",
            "last_success": "When a crawl of it last succeeded.",
            "last_run_id": "The last crawl that included it.",
        },
    },
    "url_aliases": {
        "description": "Other URLs an article was reached by (a feed's short link that "
        "redirects to it), so the next crawl does not fetch it again.",
        "columns": {
            "alias": "The URL as linked (primary key).",
            "article_id": "The article it leads to (`articles.id`); deleted with it.",
        },
    },
    "http_cache": {
        "description": "Validators of feeds, sitemaps and section list pages, for conditional "
        "requests; kept only when all the work the page gave was done in the run that fetched "
        "it (otherwise NULL, and the next run fetches the page in full).",
        "columns": {
            "url": "The URL (primary key).",
            "etag": "Its last ETag, or NULL.",
            "last_modified": "Its last Last-Modified header, or NULL.",
            "checked_at": "When the run that last fetched it in full, and did all its work, ended "
            "(pagination stops early only on articles stored before this).",
        },
    },
    "boilerplate_lines": {
        "description": "Edge lines (first two, last four) of a site's articles, counted: a "
        "line seen in 3 articles is the site's boilerplate. A line seen fewer times and not "
        "again in the site's 100 newest articles is forgotten.",
        "columns": {
            "site": "The site's name.",
            "line_hash": "Hash of the normalised line.",
            "line": "The line itself.",
            "articles": "In how many of the site's articles it was seen.",
            "last_seen": "The id of the last article it was seen in (NULL before schema 3).",
        },
    },
    "dedup_signatures": {
        "description": "A screen of each article's MinHash signature (duplicate detection): "
        "candidates from `dedup_bands` far from the new article are dropped on it unread. The "
        "whole signature is computed again from the body where it is needed.",
        "columns": {
            "article_id": "The article (`articles.id`); deleted with it.",
            "signature": "The low byte of each of the 128 MinHash values (128 bytes; until "
            "schema 4 the whole LeanMinHash serialisation).",
        },
    },
    "dedup_bands": {
        "description": "LSH band keys of the signatures, one row per band and article: "
        "candidates for duplicates. A view (schema 5) of `dedup_band_index` and "
        "`dedup_band_queue`.",
        "columns": {
            "band": "Band number.",
            "key": "Hash of the band's values.",
            "article_id": "The article (`articles.id`).",
        },
    },
    "dedup_band_index": {
        "description": "The band keys of all but the latest articles, by (band, key): what "
        "`dedup_bands` reads first. Filled from `dedup_band_queue` a few hundred articles at a "
        "time, in key order.",
        "columns": {
            "band": "Band number.",
            "key": "Hash of the band's values.",
            "article_id": "The article (`articles.id`).",
        },
    },
    "dedup_band_queue": {
        "description": "The band keys of the latest articles (at most a few hundred), written "
        "in each article's transaction and moved to `dedup_band_index` when the queue is "
        "full.",
        "columns": {
            "article_id": "The article (`articles.id`); deleted with it.",
            "keys": "Its band keys in band order, 10 decimal digits each.",
        },
    },
    "story_reuse_facts": {
        "description": "Text reuse inside a story, one row per version of a story of two or "
        "more (crawler/store/reuse.py): its place in time order and how much of the first "
        "version it copied, sentence by sentence; the sentences are not kept. Recomputed in "
        "the transaction that changes the story; read it through the `story_reuse` view.",
        "columns": {
            "article_id": "The version (`articles.id`); deleted with it.",
            "story": "Its story: the canonical article's id (`articles.dup_of`).",
            "first_id": "The version that ran first (`articles.id`).",
            "position": "Its place in time order, 0 for the first.",
            "order_basis": "What ordered it: published, or fetched_at and why (see `story_reuse`).",
            "lag_minutes": "Minutes after the first version.",
            "sentences": "Sentences in its body (at most 400 read).",
            "copied_share": "Share of its sentences found in the first version.",
            "kept_share": "Share of the first version's sentences found in it.",
            "added": "Its sentences not in the first version.",
            "cut": "The first version's sentences not in it.",
            "headline_only": "1 when only the headline differs from the first version.",
        },
    },
    "story_reuse_pending": {
        "description": "Articles whose story changed (linked, re-clustered, edited or "
        "deleted, also from a shell), queued by triggers; krnews recomputes their stories' "
        "`story_reuse_facts` in the next article transaction.",
        "columns": {
            "article_id": "The article (`articles.id`).",
            "text": "1 when its own title or body changed (aligned again), 0 when only its "
            "story's membership or order may have.",
        },
    },
    "articles_fts": {
        "description": "Korean-aware full-text index of title, subtitle and body (FTS5, "
        "contentless: tokens only, read the text from `articles` by `rowid` = `articles.id`). "
        "Type a Korean word as it is: `articles_fts MATCH '고양시'` finds 고양시, 고양시는, "
        "고양시에서 (the terms at the head of `body`); the phrase of a word's two-character "
        "pairs also finds "
        "it inside longer words: `MATCH '\"고양 양시\"'` finds 고양시의회 too. `krnews search` "
        "and Datasette's search box cut particles from what you type and do the second for you.",
        "columns": {
            "title": "The headline's tokens: every Hangul/Hanja run as overlapping two-character "
            "pairs (고양시 is 고양 양시).",
            "subtitle": "The deck's tokens, the same way.",
            "body": "First the terms: every word of the three with its particle or ending "
            "cut (고양시는 is 고양시), except words of one or two syllables and words without "
            "Hangul, which the pairs hold as they are; then the body's tokens, as the title's.",
        },
    },
    "articles_fts_pending": {
        "description": "Articles inserted or edited outside krnews (e.g. from the sqlite3 "
        "shell), queued by triggers for re-indexing the next time krnews opens the store.",
        "columns": {"article_id": "The article (`articles.id`)."},
    },
    "articles_fts_stale": {
        "description": "The old text of articles edited or deleted outside krnews, kept by "
        "triggers until krnews takes their old entries out of the contentless index.",
        "columns": {
            "article_id": "The article (`articles.id`).",
            "title": "Its title when it was indexed.",
            "subtitle": "Its subtitle when it was indexed.",
            "body": "Its body when it was indexed.",
        },
    },
    "_sqlite_migrations": {
        "description": "Schema migrations applied to this file (sqlite-utils).",
        "columns": {
            "id": "Integer primary key.",
            "migration_set": "The set of migrations (`krnews`).",
            "name": "The migration's name.",
            "applied_at": "When it was applied.",
        },
    },
}


def descriptions() -> dict[str, dict]:
    """Tables and views: {name: {"description": str, "columns": {column: str}}}."""
    found = {name: dict(doc) for name, doc in TABLES.items()}
    for name, view in views.VIEWS.items():
        found[name] = {"description": view.description, "columns": dict(view.columns)}
    return found


PLAIN_SQL_SEARCH = """
## Korean search from plain SQL

No function and no extension is needed: the bare `sqlite3` shell, pandas
(`pd.read_sql(sql, sqlite3.connect("news.db"), params=[...])`), DBeaver or any SQLite client
can search the index `articles_fts` (contentless FTS5: it holds tokens only; its `rowid` is
`articles.id`). Type a Korean word as it is, without its particle:

```sql
SELECT a.id, a.published, a.site, a.title, a.url
FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
WHERE articles_fts MATCH '고양시'          -- finds 고양시, 고양시는, 고양시의, 고양시에서
ORDER BY bm25(articles_fts, 1, 5, 2)      -- best first: headline words count 5x
LIMIT 20;
```

- A word of three syllables or more is matched as a whole word with its particle or ending cut
  (the terms at the head of the `body` column); a two-syllable word (`'시장'`, `'축제'`) is
  found anywhere, also inside longer words (수산시장, 축제장); several words are ANDed
  (`'고양시 축제'`), `OR` gives alternatives.
- To find a word inside longer words too (고양시의회, 통일한국실리콘밸리), write it as the
  phrase of its overlapping two-character pairs: `MATCH '"고양 양시"'`, `MATCH '"실리 리콘 콘밸 밸리"'`.
  `krnews search` and Datasette's search box do this (and cut particles) for you, which is
  why they find a little more.
- Words and numbers without Hangul match whole, case-insensitive: `MATCH 'covid'`, `MATCH 'OKTA'`.
- A search that returns no row has no error: check the spelling before the word.

`sqlite-utils search news.db articles …` does not work: the index is contentless, so
sqlite-utils does not see it as the full-text index of `articles`. Use
`sqlite-utils query news.db "<the SELECT above>"` instead, or `krnews search`.
"""
