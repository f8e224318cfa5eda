"""Stand-ins for the store's text-reuse views, for tests of their readers (the report, Datasette).

The contract (crawler/store/views.py is to install them): `story_reuse` has one row per version
of every story with two or more versions, `outlet_reuse` one row per site and month. Where the
store already has them, `install` leaves them alone; otherwise it creates views with exactly the
contract's columns, computed plainly from `articles` (the copied share is the row's similarity to
its canonical, the first version's is 1.0).
"""

from __future__ import annotations

STORY_REUSE = """
CREATE VIEW IF NOT EXISTS story_reuse AS
WITH v AS (
    SELECT COALESCE(a.dup_of, a.id) AS story, a.* FROM articles a
    WHERE a.dup_of IS NOT NULL
       OR a.id IN (SELECT dup_of FROM articles WHERE dup_of IS NOT NULL)
), f AS (SELECT story, MIN(julianday(published)) AS t0 FROM v GROUP BY story)
SELECT v.story, v.id AS article_id, v.site, v.title, v.published,
       ROUND((julianday(v.published) - f.t0) * 1440, 1) AS lag_minutes,
       CASE WHEN v.id = v.story THEN 1.0 ELSE COALESCE(v.similarity, 0.0) END AS copied_share,
       CASE WHEN v.id = v.story THEN 1.0 ELSE COALESCE(v.similarity, 0.0) END AS kept_share,
       0 AS added, 0 AS cut, 0 AS headline_only,
       v.id = v.story AS is_first, 'published' AS order_basis
FROM v JOIN f ON f.story = v.story
"""

OUTLET_REUSE = """
CREATE VIEW IF NOT EXISTS outlet_reuse AS
SELECT a.site, substr(a.published, 1, 7) AS period, COUNT(*) AS articles,
       SUM(r.is_first = 0) AS versions_of_others,
       ROUND(1.0 * SUM(r.is_first = 0) / COUNT(*), 3) AS copy_rate,
       AVG(CASE WHEN r.is_first = 0 THEN r.copied_share END) AS median_copied_share,
       SUM(r.is_first = 1) AS firsts
FROM articles a LEFT JOIN story_reuse r ON r.article_id = a.id
WHERE a.published IS NOT NULL
GROUP BY a.site, period
"""


def install(conn) -> None:
    """Create the two views where the store lacks them (a sqlite3 or sqlite-utils connection)."""
    conn.execute(STORY_REUSE)
    conn.execute(OUTLET_REUSE)
    commit = getattr(conn, "commit", None) or conn.conn.commit
    commit()


def drop(conn) -> None:
    """An older store: neither view."""
    for name in ("outlet_reuse", "story_reuse"):
        kind = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", [name]).fetchone()
        if kind:
            conn.execute(f"DROP {kind[0].upper()} {name}")
    commit = getattr(conn, "commit", None) or conn.conn.commit
    commit()
