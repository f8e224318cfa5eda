"""The canned queries Datasette offers on a store (crawler/query/datasette_plugin.py serves them).

SQL that Datasette runs on its own connections, where the plugin has registered `ko_match(q)`
(crawler.store.korean.match_expression) and `ko_snippet(text, q)`. The story queries read the
text-reuse views (`story_reuse`, `outlet_reuse`); `NEEDS` names the views each one needs, so the
plugin leaves them out on a store no crawl has migrated since the views came.
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
        **STORY_QUERIES,
        "failed_fetches": {
            "title": "Failed fetches per site and kind since a date",
            "description": "What went wrong where since `since` (YYYY-MM-DD).",
            "sql": "select site, kind, count(*) as fetches, max(time) as last_time from fetches "
            "where time >= :since group by site, kind order by fetches desc",
        },
    }


# The stories this week: a version published in the last seven days (SQLite's 'now' is UTC;
# julianday reads the +09:00 of `published`).
_THIS_WEEK = "julianday(published) >= julianday('now', '-7 days')"

STORY_QUERIES: dict[str, dict[str, str]] = {
    "stories_this_week": {
        "title": "Stories run by most outlets this week",
        "description": "Stories with a version published in the last seven days, most outlets "
        "first: the first version's headline, outlet and time, the versions, the lag of the "
        "last one in minutes and the mean share the others copied from the first. The story "
        "links to its page.",
        "sql": f"""
select r.story, f.title, f.site as first_site, f.published as first_published,
       count(distinct r.site) as outlets, count(*) as versions,
       round(max(r.lag_minutes)) as last_lag_minutes,
       round(avg(case when not r.is_first then r.copied_share end), 3) as mean_copied_share
from story_reuse r
join story_reuse f on f.story = r.story and f.is_first
where r.story in (select story from story_reuse where {_THIS_WEEK})
group by r.story, f.article_id
order by outlets desc, versions desc, first_published desc
limit 100""".strip(),
    },
    "outlet_copied_share": {
        "title": "An outlet's copied share",
        "description": "Per month, how much of one site (`site`, its name in sites.toml) runs "
        "other outlets' stories: its articles, its versions of stories another outlet ran "
        "first, the stories it ran first, the copy rate and the median share a version of "
        "its copied from the first.",
        "sql": "select period, articles, versions_of_others, firsts, copy_rate, "
        "median_copied_share from outlet_reuse where site = :site order by period desc",
    },
    "story": {
        "title": "A story and its versions",
        "description": "Every version of one story (`story`: the canonical article id, or the "
        "id of any version), the first first, then by lag: its outlet, time, minutes behind "
        "the first, the shares copied and kept, sentences added and cut. Each version links "
        "to its article row.",
        "sql": """
select r.article_id, r.site, r.title, r.published, r.lag_minutes, r.copied_share,
       r.kept_share, r.added, r.cut, r.headline_only, r.is_first, r.order_basis, a.url
from story_reuse r left join articles a on a.id = r.article_id
where r.story = (select coalesce(dup_of, id) from articles where id = :story)
order by r.is_first desc, r.lag_minutes, r.article_id""".strip(),
    },
}

# the views each story query reads
NEEDS: dict[str, tuple[str, ...]] = {
    "stories_this_week": ("story_reuse",),
    "outlet_copied_share": ("outlet_reuse",),
    "story": ("story_reuse",),
}
