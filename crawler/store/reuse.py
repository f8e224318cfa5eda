"""Text reuse inside a story (issue 26): per version, how much of the first version it copied.

A story is a duplicate cluster (`articles.dup_of` → its canonical). Its versions are put in
time order (`order`): by published time; a version without one, or back-dated (published before
a version stored well before it, on a site we had crawled since its claimed time), by fetch
time; versions published at the same time by fetch time among themselves. `order_basis` says
which. Each version is aligned with the first at sentence level (crawler/store/sentences.py) and
its figures kept in `story_reuse_facts`, one row per version; the sentences are not stored
(`krnews story` aligns them again).

Kept current by triggers and one call: any write to an article's `dup_of`, text or times (the
store's linking in crawler/store/dedup.py, an edit, a shell's UPDATE or DELETE) queues the
article, its old and its new canonical in `story_reuse_pending`, and `catch_up(db)` — called by
`Store.save_article` inside the article's transaction — recomputes each queued story: every
version's order, and the alignment of those whose text or first changed. A new version of a
story whose first stays the same costs one alignment.

Plain `execute` only (no sqlite-utils): it runs on a `sqlite_utils.Database` or a sqlite3
connection alike.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.store import sentences

TABLE = "story_reuse_facts"
PENDING = "story_reuse_pending"
# A version published before another yet first fetched this long after it, while its own site
# was crawled in between, is back-dated: its published time is not believed.
BACKDATE_GRACE = timedelta(days=2)

_COLUMNS = (
    "article_id", "story", "first_id", "position", "order_basis", "lag_minutes", "sentences",
    "copied_share", "kept_share", "added", "cut", "headline_only",
)  # fmt: skip
# Triggers queue articles: `text` 1 when the article's own title or body changed (align it
# again), 0 when only its story's membership or order may have (its canonical, its siblings).
_STORY_OF_OLD = f"SELECT article_id FROM {TABLE} WHERE story = " + (
    f"(SELECT story FROM {TABLE} WHERE article_id = old.id)"
)


def _queue(*sources: str, text: int = 0) -> str:
    # No OR IGNORE / OR REPLACE: a trigger fired by a foreign-key action (ON DELETE SET NULL)
    # takes the action's ABORT instead, so the statements never conflict.
    union = " UNION ".join(f"SELECT {s}" if not s.startswith("SELECT") else s for s in sources)
    mark = f"UPDATE {PENDING} SET text = 1 WHERE article_id = new.id; " if text else ""
    return (
        f"{mark}INSERT INTO {PENDING}(article_id, text) "
        f"SELECT x, {text} FROM (SELECT NULL AS x UNION {union}) WHERE x IS NOT NULL "
        f"AND x NOT IN (SELECT article_id FROM {PENDING}); "
    )


SCHEMA = (
    f"""CREATE TABLE {TABLE} (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story INTEGER NOT NULL,
        first_id INTEGER NOT NULL,
        position INTEGER NOT NULL,
        order_basis TEXT NOT NULL,
        lag_minutes INTEGER,
        sentences INTEGER NOT NULL,
        copied_share REAL NOT NULL,
        kept_share REAL NOT NULL,
        added INTEGER NOT NULL,
        cut INTEGER NOT NULL,
        headline_only INTEGER NOT NULL
    )""",
    f"CREATE INDEX idx_{TABLE}_story ON {TABLE}(story)",
    f"CREATE TABLE {PENDING} (article_id INTEGER PRIMARY KEY, text INTEGER NOT NULL)",
    (
        "CREATE TRIGGER story_reuse_after_insert AFTER INSERT ON articles "
        f"WHEN new.dup_of IS NOT NULL BEGIN {_queue('new.dup_of')}{_queue('new.id', text=1)}END"
    ),
    (
        "CREATE TRIGGER story_reuse_after_move AFTER UPDATE OF dup_of, published, fetched_at "
        f"ON articles BEGIN {_queue('old.id', 'old.dup_of', 'new.dup_of', _STORY_OF_OLD)}END"
    ),
    (
        "CREATE TRIGGER story_reuse_after_edit AFTER UPDATE OF title, body ON articles "
        f"BEGIN {_queue('new.id', text=1)}END"
    ),
    "CREATE TRIGGER story_reuse_after_delete AFTER DELETE ON articles BEGIN "
    + _queue("old.dup_of", _STORY_OF_OLD, "SELECT id FROM articles WHERE dup_of = old.id")
    + f"DELETE FROM {TABLE} WHERE article_id = old.id; END",
)


def create(db: Any) -> None:
    """Migration 0006: the table, its queue and triggers, and the figures of stored stories."""
    for statement in SCHEMA:
        db.execute(statement)
    db.execute(f"INSERT INTO {PENDING} SELECT id, 1 FROM articles WHERE dup_of IS NOT NULL")
    catch_up(db)


@dataclass
class Version:
    id: int
    site: str
    published: datetime | None
    fetched: datetime | None
    basis: str = "published"
    at: datetime | None = None  # the time it is ordered by


def _instant(value: str | None, naive_offset: int) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC) - timedelta(hours=naive_offset)
    return moment.astimezone(UTC)


def order(db: Any, rows: list[tuple[int, str, str | None, str | None]]) -> list[Version]:
    """The versions (id, site, published, fetched_at) in time order, each with its basis."""
    versions = [Version(i, site, _instant(p, 9), _instant(f, 0)) for i, site, p, f in rows]
    latest = _latest_published_by_fetch(versions)
    for v in versions:
        if v.published is None:
            v.basis = "fetched_at: no published time"
        elif _back_dated(db, v, latest):
            v.basis = "fetched_at: back-dated"
    published = Counter(v.published for v in versions if v.basis == "published")
    for v in versions:
        if v.basis == "published" and published[v.published] > 1:
            v.basis = "fetched_at: same published time"
        v.at = v.published if v.basis in ("published", "fetched_at: same published time") else None
        v.at = v.at or v.fetched
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(versions, key=lambda v: (v.at or far, v.fetched or far, v.id))


def _latest_published_by_fetch(versions: list[Version]) -> tuple[list[datetime], list[datetime]]:
    """The versions' fetch times in order, and beside each the latest published time of the
    versions fetched by then: a story of hundreds of versions (a wire story) is ordered in
    n log n, not n² (each version would scan every other)."""
    known = sorted((o.fetched, o.published) for o in versions if o.published and o.fetched)
    fetched, latest, top = [], [], None
    for when, published in known:
        top = published if top is None or published > top else top
        fetched.append(when)
        latest.append(top)
    return fetched, latest


def _back_dated(db: Any, v: Version, latest: tuple[list[datetime], list[datetime]]) -> bool:
    """Published before a version that was fetched well before it was, on a site crawled in
    between: its published time is not when it ran."""
    if v.published is None or v.fetched is None:
        return False
    before = v.fetched - BACKDATE_GRACE
    fetched, tops = latest
    upto = bisect_right(fetched, before)
    if not upto or not tops[upto - 1] > v.published:
        return False
    crawled_since = db.execute(
        "SELECT 1 FROM articles WHERE site = ? AND fetched_at >= ? AND fetched_at <= ? LIMIT 1",
        [v.site, v.published.isoformat(timespec="seconds"), before.isoformat(timespec="seconds")],
    ).fetchone()
    return crawled_since is not None


def minutes_after(first: Version, v: Version) -> int | None:
    """Minutes between the times the two versions are ordered by; None when one has none."""
    if first.at is None or v.at is None:
        return None
    return round((v.at - first.at).total_seconds() / 60)


def catch_up(db: Any) -> int:
    """Recompute every story the queue names; returns how many stories were recomputed."""
    found = db.execute(f"SELECT article_id, text FROM {PENDING}").fetchall()
    if not found:
        return 0
    queued = [r[0] for r in found]
    edited = {r[0] for r in found if r[1]}
    marks = ",".join("?" * len(queued))
    stories = {
        r[0]
        for r in db.execute(
            f"SELECT coalesce(dup_of, id) FROM articles WHERE id IN ({marks}) "
            f"UNION SELECT story FROM {TABLE} WHERE article_id IN ({marks})",
            [*queued, *queued],
        )
    }
    # rows of queued ids that are gone: deleted from a shell with foreign keys off
    db.execute(
        f"DELETE FROM {TABLE} WHERE article_id IN ({marks}) "
        "AND article_id NOT IN (SELECT id FROM articles)",
        queued,
    )
    for story in sorted(stories):
        refresh(db, story, edited)
    db.execute(f"DELETE FROM {PENDING}")
    return len(stories)


def refresh(db: Any, story: int, edited: set[int]) -> None:
    """Recompute one story's rows; align only the versions whose text or first changed."""
    rows = db.execute(
        "SELECT id, site, published, fetched_at FROM articles WHERE id = ? OR dup_of = ?",
        [story, story],
    ).fetchall()
    ids = [r[0] for r in rows]
    marks = ",".join("?" * len(ids)) or "NULL"
    db.execute(
        f"DELETE FROM {TABLE} WHERE (story = ? AND article_id NOT IN ({marks}))"
        + (f" OR (article_id IN ({marks}))" if len(rows) < 2 else ""),
        [story, *ids, *(ids if len(rows) < 2 else [])],
    )
    if len(rows) < 2:
        return
    versions = order(db, rows)
    first = versions[0]
    old = {
        r[0]: r
        for r in db.execute(f"SELECT {', '.join(_COLUMNS)} FROM {TABLE} WHERE story = ?", [story])
    }
    stale = first.id in edited or any(r[2] != first.id for r in old.values())
    todo = [v.id for v in versions[1:] if stale or v.id in edited or v.id not in old]
    texts = _texts(db, [first.id, *todo] if todo else [])
    first_sentences = sentences.split(texts[first.id][1]) if todo else []
    for position, v in enumerate(versions):
        lag = minutes_after(first, v)
        head = (v.id, story, first.id, position, v.basis, lag)
        if position == 0:
            figures: tuple = (
                (len(first_sentences) if todo else None) or _first_count(db, old, v.id),
                1.0, 1.0, 0, 0, 0,
            )  # fmt: skip
        elif v.id in todo:
            figures = _figures(first_sentences, texts[first.id][0], *texts[v.id])
        else:
            figures = tuple(old[v.id][6:])
        row = (*head, *figures)
        if old.get(v.id) != row:
            db.execute(
                f"INSERT OR REPLACE INTO {TABLE} ({', '.join(_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_COLUMNS))})",
                list(row),
            )


def _texts(db: Any, ids: list[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    found = db.execute(f"SELECT id, title, body FROM articles WHERE id IN ({marks})", ids)
    return {i: (title or "", body or "") for i, title, body in found}


def _first_count(db: Any, old: dict, article_id: int) -> int:
    if article_id in old and old[article_id][2] == article_id:
        return old[article_id][6]
    (body,) = db.execute("SELECT body FROM articles WHERE id = ?", [article_id]).fetchone()
    return len(sentences.split(body))


def _figures(first: list[str], first_title: str, title: str, body: str) -> tuple:
    found = sentences.align(first, sentences.split(body))
    headline_only = found.exact and sentences.key(title) != sentences.key(first_title)
    return (
        found.version,
        round(found.copied_share, 4),
        round(found.kept_share, 4),
        found.added,
        found.cut,
        int(headline_only),
    )
