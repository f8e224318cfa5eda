"""Analyst views: named, documented queries over the store. CONTRACT: install(db), idempotent.

Each view carries its description and column descriptions here, next to its SQL, so that
docs/schema.md and Datasette show the same words (crawler/store/table_docs.py reads them).
Dates are the Korean date of `published` (its first ten characters: the offset is +09:00).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database


@dataclass(frozen=True)
class View:
    sql: str
    description: str
    columns: dict[str, str] = field(default_factory=dict)
    # tables a later migration makes: the view waits for them (a view naming a missing table
    # would make SQLite refuse every ALTER TABLE ... RENAME of the migrations before them)
    requires: tuple[str, ...] = ()


VIEWS: dict[str, View] = {
    "latest_articles": View(
        """
        SELECT a.id, a.title, a.site, a.published, a.author, a.section, a.subtitle, a.url,
               a.dup_of
        FROM articles a
        ORDER BY a.published DESC, a.id DESC
        """,
        "Every stored article, newest first by publication time.",
        {
            "id": "The article's id in `articles`.",
            "site": "The site's name from sites.toml.",
            "published": "Publication time, ISO 8601 with offset.",
            "title": "The headline.",
            "subtitle": "The deck, or NULL.",
            "section": "The site's section name, or NULL.",
            "author": "The reporter's name, or NULL.",
            "url": "The article's canonical URL.",
            "dup_of": "The canonical article of its story cluster, NULL when it is canonical.",
        },
    ),
    "daily_counts": View(
        """
        SELECT substr(a.published, 1, 10) AS day, a.site,
               count(*) AS articles,
               sum(a.dup_of IS NULL) AS stories,
               sum(a.dup_of IS NOT NULL) AS duplicates
        FROM articles a
        WHERE a.published IS NOT NULL
        GROUP BY day, a.site
        ORDER BY day DESC, a.site
        """,
        "Articles published per Korean calendar day and site.",
        {
            "day": "The Korean date of publication, YYYY-MM-DD.",
            "site": "The site's name.",
            "articles": "Articles published that day on the site.",
            "stories": "Of those, articles that are canonical or unique (dup_of is NULL).",
            "duplicates": "Of those, duplicates of an article stored earlier.",
        },
    ),
    "story_clusters": View(
        """
        WITH members AS (
            SELECT dup_of AS story, site, published FROM articles WHERE dup_of IS NOT NULL
            UNION ALL
            SELECT id, site, published FROM articles
            WHERE id IN (SELECT dup_of FROM articles WHERE dup_of IS NOT NULL)
        )
        SELECT c.id AS story, c.title, c.site AS first_site, c.published,
               count(*) AS versions,
               count(DISTINCT m.site) AS sites,
               group_concat(DISTINCT m.site) AS site_names,
               min(m.published) AS first_published,
               max(m.published) AS last_published
        FROM members m
        JOIN articles c ON c.id = m.story
        GROUP BY c.id
        ORDER BY versions DESC, c.published DESC
        """,
        "Stories told more than once (the same press release run by several outlets, a re-post)"
        ": one row per duplicate cluster, named by its canonical article.",
        {
            "story": "The canonical article's id (the earliest published of the cluster).",
            "title": "The canonical article's headline.",
            "first_site": "The site of the canonical article.",
            "published": "The canonical article's publication time.",
            "versions": "Articles in the cluster, the canonical one included.",
            "sites": "How many sites ran the story.",
            "site_names": "Those sites, comma-separated.",
            "first_published": "Earliest publication time in the cluster.",
            "last_published": "Latest publication time in the cluster.",
        },
    ),
    "story_versions": View(
        """
        SELECT coalesce(a.dup_of, a.id) AS story, a.id, a.title, a.site, a.published, a.url,
               a.dup_of IS NULL AS canonical, a.similarity
        FROM articles a
        WHERE a.dup_of IS NOT NULL
           OR EXISTS (SELECT 1 FROM articles d WHERE d.dup_of = a.id)
        ORDER BY story, canonical DESC, a.published, a.id
        """,
        "Every article of every duplicate cluster, the canonical one first: how one story "
        "changed from outlet to outlet.",
        {
            "story": "The cluster's canonical article id (see story_clusters).",
            "id": "This version's article id.",
            "site": "The site that ran this version.",
            "published": "This version's publication time.",
            "title": "This version's headline.",
            "url": "This version's URL.",
            "canonical": "1 for the canonical article of the cluster, else 0.",
            "similarity": "Estimated Jaccard similarity with the canonical body; NULL for it.",
        },
    ),
    "story_reuse": View(
        """
        SELECT f.story, f.article_id, a.site, a.title, a.published, f.lag_minutes,
               f.copied_share, f.kept_share, f.added, f.cut, f.headline_only,
               f.position = 0 AS is_first, f.order_basis, f.first_id, f.sentences
        FROM story_reuse_facts f
        JOIN articles a ON a.id = f.article_id
        WHERE coalesce(a.dup_of, a.id) = f.story
          AND EXISTS (SELECT 1 FROM articles o WHERE o.id = f.first_id
                      AND coalesce(o.dup_of, o.id) = f.story)
        ORDER BY f.story, f.position
        """,
        "Text reuse inside each story (duplicate cluster): every version in time order, "
        "aligned sentence by sentence with the first one (copy-edits such as 5,833억 원 / "
        "5833억원, spacing and quote shapes count as the same sentence). `krnews story ID` "
        "shows what each version added and cut.",
        {
            "story": "The story: its canonical article's id (see story_clusters).",
            "article_id": "This version's article id.",
            "site": "The site that ran this version.",
            "title": "This version's headline.",
            "published": "This version's publication time, or NULL.",
            "lag_minutes": "Minutes after the first version (by the times `order_basis` "
            "names); 0 for the first.",
            "copied_share": "Share of this version's sentences taken verbatim or near-verbatim "
            "(character-bigram Dice >= 0.8 after copy-edits) from the first version; 1.0 for "
            "an exact re-post and for the first.",
            "kept_share": "Share of the first version's sentences this version kept.",
            "added": "Sentences of this version not in the first.",
            "cut": "Sentences of the first version not in this one.",
            "headline_only": "1 when the body is the first's, sentence for sentence, under "
            "another headline; else 0.",
            "is_first": "1 for the version that ran first, else 0.",
            "order_basis": "What put it in time order: `published`; `fetched_at: same "
            "published time` (published with another version, ordered by fetch time among "
            "them); `fetched_at: no published time`; or `fetched_at: back-dated` (published "
            "before a version stored two days or more before it, on a site crawled since).",
            "first_id": "The first version's article id (not always the canonical one: a "
            "back-dated or undated canonical is ordered by fetch time).",
            "sentences": "Sentences in this version's body (at most 400 are read).",
        },
        requires=("story_reuse_facts",),
    ),
    "outlet_reuse": View(
        """
        WITH versions AS (
            SELECT a.site, coalesce(substr(a.published, 1, 7), substr(a.fetched_at, 1, 7))
                       AS period,
                   f.position = 0 AS first, f.copied_share,
                   f.position > 0 AND o.site != a.site AS of_others
            FROM story_reuse_facts f
            JOIN articles a ON a.id = f.article_id
            JOIN articles o ON o.id = f.first_id
            WHERE coalesce(a.dup_of, a.id) = f.story AND coalesce(o.dup_of, o.id) = f.story
        ),
        ranked AS (
            SELECT site, period, copied_share,
                   row_number() OVER (PARTITION BY site, period ORDER BY copied_share) AS n,
                   count(*) OVER (PARTITION BY site, period) AS total
            FROM versions WHERE of_others
        ),
        medians AS (
            SELECT site, period, avg(copied_share) AS median_copied_share FROM ranked
            WHERE n IN ((total + 1) / 2, (total + 2) / 2) GROUP BY site, period
        ),
        counts AS (
            SELECT site, coalesce(substr(published, 1, 7), substr(fetched_at, 1, 7)) AS period,
                   count(*) AS articles
            FROM articles GROUP BY 1, 2
        ),
        reuse AS (
            SELECT site, period, sum(of_others) AS versions_of_others, sum(first) AS firsts
            FROM versions GROUP BY site, period
        )
        SELECT c.site, c.period, c.articles,
               coalesce(r.versions_of_others, 0) AS versions_of_others,
               round(1.0 * coalesce(r.versions_of_others, 0) / c.articles, 4) AS copy_rate,
               m.median_copied_share,
               coalesce(r.firsts, 0) AS firsts
        FROM counts c
        LEFT JOIN reuse r ON r.site = c.site AND r.period IS c.period
        LEFT JOIN medians m ON m.site = c.site AND m.period IS c.period
        ORDER BY c.period DESC, c.site
        """,
        "Which outlets mostly copy: one row per site and month, how many of its articles are "
        "versions of another outlet's earlier story, and how much of them is copied.",
        {
            "site": "The site's name.",
            "period": "The month of publication, YYYY-MM (of the fetch when the article has "
            "no published time).",
            "articles": "Articles of the site in that month.",
            "versions_of_others": "Of those, versions of a story another outlet ran first.",
            "copy_rate": "versions_of_others / articles.",
            "median_copied_share": "Median `copied_share` of those versions (see story_reuse); "
            "NULL when there are none.",
            "firsts": "Stories of two or more versions that this site ran first.",
        },
        requires=("story_reuse_facts",),
    ),
    "site_health": View(
        """
        WITH names AS (SELECT name FROM sites UNION SELECT DISTINCT site FROM articles),
        stored AS (
            SELECT site, count(*) AS articles, max(published) AS latest_published,
                   sum(fetched_at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-7 days'))
                       AS articles_last_7_days
            FROM articles GROUP BY site
        ),
        failed AS (
            SELECT site, count(*) AS failed_fetches_last_7_days,
                   (SELECT f2.kind FROM fetches f2 WHERE f2.site = f.site
                    GROUP BY f2.kind ORDER BY count(*) DESC LIMIT 1) AS commonest_failure
            FROM fetches f
            WHERE time >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-7 days')
            GROUP BY site
        )
        SELECT n.name AS site, s.home, s.profile, s.last_success,
               coalesce(st.articles, 0) AS articles, st.latest_published,
               coalesce(st.articles_last_7_days, 0) AS articles_last_7_days,
               coalesce(fa.failed_fetches_last_7_days, 0) AS failed_fetches_last_7_days,
               fa.commonest_failure,
               rs.pages AS last_run_pages, rs.articles AS last_run_articles,
               rs.errors AS last_run_errors,
               CASE
                   WHEN s.last_success IS NULL THEN 'never succeeded'
                   WHEN s.last_success < strftime('%Y-%m-%dT%H:%M:%S', 'now', '-3 days')
                       THEN 'stale'
                   WHEN coalesce(rs.errors, 0) > 0 THEN 'errors'
                   ELSE 'ok'
               END AS health
        FROM names n
        LEFT JOIN sites s ON s.name = n.name
        LEFT JOIN stored st ON st.site = n.name
        LEFT JOIN failed fa ON fa.site = n.name
        LEFT JOIN run_sites rs ON rs.site = n.name
            AND rs.run_id = (SELECT max(run_id) FROM run_sites WHERE site = n.name)
        ORDER BY n.name
        """,
        "One row per site: what is stored, how the last crawl went, what failed this week.",
        {
            "site": "The site's name.",
            "home": "Its home URL from sites.toml.",
            "profile": "The CMS profile detected for it.",
            "last_success": "When a crawl of it last succeeded.",
            "articles": "Articles stored from it.",
            "latest_published": "Publication time of its newest stored article.",
            "articles_last_7_days": "Articles fetched from it in the last 7 days.",
            "failed_fetches_last_7_days": "Failed or notable fetches in the last 7 days.",
            "commonest_failure": "The most frequent fetch failure kind recorded for it.",
            "last_run_pages": "Pages fetched from it by the latest crawl that included it.",
            "last_run_articles": "New articles from it in that crawl.",
            "last_run_errors": "Errors on it in that crawl.",
            "health": "ok, errors (the last crawl had some), stale (no success for 3 days) "
            "or never succeeded.",
        },
    ),
}


def install(db: Database) -> None:
    """Create the views, replacing any whose definition changed; writes nothing otherwise."""
    existing = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'"))
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for name, view in VIEWS.items():
        if not tables.issuperset(view.requires):
            continue
        sql = f"CREATE VIEW {name} AS {view.sql.strip()}"
        if existing.get(name) != sql:
            db.execute(f"DROP VIEW IF EXISTS {name}")
            db.execute(sql)
