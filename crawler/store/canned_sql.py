"""The canned queries Datasette offers on a store (crawler/query/datasette_plugin.py serves them).

SQL that Datasette runs on its own connections, where the plugin has registered `ko_match(q)`
(crawler.store.korean.match_expression) and `ko_snippet(text, q)`.
"""

from __future__ import annotations

from collections.abc import Sequence

from crawler.store.fts import FTS_TABLE


def canned_queries(bm25_weights: Sequence[float]) -> dict[str, dict[str, str]]:
    """Datasette's `canned_queries` for a store: title, description and SQL of each, by name;
    `bm25_weights` rank the search one (in crawler.store.fts.COLUMNS order)."""
    weights = ", ".join(map(str, bm25_weights))
    return {
        "search": {
            "title": "Korean full-text search",
            "description": "Articles containing every word of q, whatever particles are attached "
            "(고양시 finds 고양시는, 고양시의회), best first; one article per story cluster.",
            # the best 500 matches by bm25 are ranked from the index alone; only the 50 shown
            # read their article row, so a word found in most articles stays fast
            "sql": f"""
with top as (
    select rowid as id, bm25({FTS_TABLE}, {weights}) as score from {FTS_TABLE}
    where {FTS_TABLE} match ko_match(:q) order by score limit 500
), ranked as (
    select top.id, top.score, coalesce(a.dup_of, a.id) as story,
           row_number() over (partition by coalesce(a.dup_of, a.id)
                              order by top.score, top.id) as nth
    from top join articles a on a.id = top.id
)
select a.id, a.published, a.site, a.title, ko_snippet(a.body, :q) as snippet,
       (select count(*) from articles d where d.dup_of = r.story) + 1 as versions,
       a.url, round(r.score, 3) as score
from ranked r join articles a on a.id = r.id
where r.nth = 1
order by r.score, r.id
limit 50""".strip(),
        },
        "site_articles": {
            "title": "A site's articles between two dates",
            "description": "Articles of one site published from `since` to `until` (YYYY-MM-DD, "
            "inclusive, Korean dates), newest first.",
            "sql": "select id, published, title, section, author, url, dup_of from articles "
            "where site = :site and substr(published, 1, 10) between :since and :until "
            "order by published desc",
        },
        "story_of_article": {
            "title": "Every version of an article's story",
            "description": "The duplicate cluster of one article id, canonical version first.",
            "sql": "select * from story_versions where story = "
            "(select coalesce(dup_of, id) from articles where id = :article_id)",
        },
        "failed_fetches": {
            "title": "Failed fetches per site and kind since a date",
            "description": "What went wrong where since `since` (YYYY-MM-DD).",
            "sql": "select site, kind, count(*) as fetches, max(time) as last_time from fetches "
            "where time >= :since group by site, kind order by fetches desc",
        },
    }
