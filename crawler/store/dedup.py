"""Duplicate stories (DESIGN.md §5): the signatures kept in SQLite, candidates, and clusters.

The index is written inside the article's transaction, so it never drifts from `articles` and
opening a store rebuilds nothing:

    dedup_signatures(article_id → signature)   the low byte of each MinHash value (128 bytes):
                                                the screen of `verified_matches`
    dedup_bands(band, key, article_id)          one row per LSH band: a view of the band index
                                                and its queue (crawler/store/bands.py), keys of
                                                KEY_BITS bits

Signatures, band keys and screens are computed by crawler/store/minhash.py (no SQL). A whole
signature is not stored (schema 4; it was 525 bytes, 0.20x of the text): where one is needed
(the band keys of an article whose body changes, the `similarity` of a linked pair, an edited
article's candidates) it is computed again from the body, which costs ~0.5 ms and happens for
duplicates and edits only. Screening candidates needs no more than a byte a value.

Clusters live in `articles.dup_of` / `articles.similarity`: every member points at the
canonical article (earliest published, then lowest id), which itself has `dup_of` NULL.

THRESHOLD, PREFILTER and MAX_CANDIDATES were chosen on the labelled set with minhash.py's
parameters (`python bench/dedup.py --sweep`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable
from datetime import UTC, datetime

from sqlite_utils import Database

from crawler.store import bands
from crawler.store.bands import candidates
from crawler.store.minhash import (
    Signature,
    content_hash,
    estimate,
    estimate_screen,
    jaccard,
    screen_bytes,
    shingles,
    signature,
)

THRESHOLD = 0.37  # exact shingle Jaccard a candidate needs to be linked
PREFILTER = 0.25  # estimated Jaccard below which a candidate is dropped unread (~3 sigma)

_FAR_FUTURE = float("inf")


# ---- the index in SQLite ----------------------------------------------------------------


def install(db: Database) -> None:
    """Create the dedup tables as schema 1 had them (idempotent; migration 0001 calls it,
    0005 turns `dedup_bands` into the band index, its queue and a view of both)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS dedup_signatures ("
        "article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, "
        "signature BLOB NOT NULL)"
    )
    # WITHOUT ROWID: the primary key is the only b-tree, so a lookup by (band, key) and an
    # insert each touch one index instead of a table plus an index.
    db.execute(
        "CREATE TABLE IF NOT EXISTS dedup_bands ("
        "band INTEGER NOT NULL, key INTEGER NOT NULL, article_id INTEGER NOT NULL, "
        "PRIMARY KEY (band, key, article_id)) WITHOUT ROWID"
    )


def index_signature(db: Database, article_id: int, sig: Signature) -> None:
    """Store the signature's screen and its band keys (inside the caller's transaction)."""
    db.execute(
        "INSERT OR REPLACE INTO dedup_signatures(article_id, signature) VALUES (?, ?)",
        [article_id, screen_bytes(sig.hashvalues)],
    )
    bands.add(db, article_id, sig)


def unindex(db: Database, article_id: int) -> None:
    """Drop the article's signature and band keys, found from the signature of its body: call
    it before the article's row changes (its band keys are those of the body it has now)."""
    if not db.execute(
        "SELECT 1 FROM dedup_signatures WHERE article_id = ?", [article_id]
    ).fetchone():
        return
    bands.remove(db, article_id, load_signature(db, article_id))
    db.execute("DELETE FROM dedup_signatures WHERE article_id = ?", [article_id])


# Signatures computed again lately, by the hash of the body they were computed from: a press
# release run by twenty outlets has its canonical's signature asked for by each of them.
_RECENT: OrderedDict[str, Signature] = OrderedDict()
_RECENT_SIZE = 256  # about 300 KB


def load_signature(db: Database, article_id: int) -> Signature | None:
    """The MinHash of the article's body as it is now, computed again (~0.5 ms; a body seen
    lately is not); None for an article without text (or none at all)."""
    row = db.execute("SELECT body FROM articles WHERE id = ?", [article_id]).fetchone()
    if not row or not row[0]:
        return None
    digest = content_hash(row[0])
    sig = _RECENT.get(digest)
    if sig is None:
        sig = _RECENT[digest] = signature(row[0])
        if len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    else:
        _RECENT.move_to_end(digest)
    return sig


def verified_matches(
    db: Database, sig: Signature, body: str, ids: Iterable[int]
) -> list[tuple[int, float]]:
    """The candidates whose exact shingle Jaccard with `body` reaches THRESHOLD, best first.

    The estimate only screens: its error (about 0.04 at 128 permutations) is as wide as the
    gap between our hardest duplicates and same-template stories, so the few candidates that
    pass are measured on their bodies.
    """
    ids = list(ids)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    screened = [
        article_id
        for article_id, data in db.execute(
            f"SELECT article_id, signature FROM dedup_signatures WHERE article_id IN ({marks})",
            ids,
        )
        if estimate_screen(sig, data) >= PREFILTER
    ]
    if not screened:
        return []
    mine = shingles(body)
    marks = ",".join("?" * len(screened))
    found = []
    for article_id, other in db.execute(
        f"SELECT id, body FROM articles WHERE id IN ({marks})", screened
    ):
        score = jaccard(mine, shingles(other))
        if score >= THRESHOLD:
            found.append((article_id, score))
    return sorted(found, key=lambda m: (-m[1], m[0]))


# ---- clusters -----------------------------------------------------------------------------


def _order_key(published: str | None, article_id: int) -> tuple[float, int]:
    """Sort key of the canonical rule: earliest published (any offset), then lowest id."""
    if not published:
        return (_FAR_FUTURE, article_id)
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return (_FAR_FUTURE, article_id)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.timestamp(), article_id)


def _article_order(db: Database, article_id: int) -> tuple[float, int]:
    (published,) = db.execute(
        "SELECT published FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    return _order_key(published, article_id)


def _canonical_of(db: Database, article_id: int) -> int:
    (dup_of,) = db.execute("SELECT dup_of FROM articles WHERE id = ?", [article_id]).fetchone()
    return dup_of if dup_of is not None else article_id


def _similarity(
    db: Database,
    a: int,
    b: int,
    sig_a: Signature | None = None,
    sig_b: Signature | None = None,
) -> float:
    sig_a = sig_a or load_signature(db, a)
    sig_b = sig_b or load_signature(db, b)
    if sig_a is None or sig_b is None:
        return 1.0  # only exact duplicates link without signatures
    return estimate(sig_a, sig_b)


def _point(db: Database, article_id: int, canonical: int | None, similarity: float | None) -> None:
    db.execute(
        "UPDATE articles SET dup_of = ?, similarity = ? WHERE id = ?",
        [canonical, similarity, article_id],
    )


def _join(db: Database, article_id: int, sig: Signature | None, canonical: int) -> None:
    """Put the article in the cluster of `canonical`, re-pointing it when the article is older."""
    if _article_order(db, article_id) > _article_order(db, canonical):
        _point(db, article_id, canonical, _similarity(db, article_id, canonical, sig))
        return
    members = [r[0] for r in db.execute("SELECT id FROM articles WHERE dup_of = ?", [canonical])]
    _point(db, article_id, None, None)
    sig = sig or load_signature(db, article_id)
    for member in [canonical, *members]:
        if member != article_id:
            _point(db, member, article_id, _similarity(db, member, article_id, sig_b=sig))


def _exact_match(
    db: Database, article_id: int, digest: str, exclude: Collection[int]
) -> int | None:
    for (other,) in db.execute(
        "SELECT id FROM articles WHERE content_hash = ? AND id != ? ORDER BY id",
        [digest, article_id],
    ):
        if other not in exclude:
            return other
    return None


def link(
    db: Database,
    article_id: int,
    sig: Signature | None,
    digest: str,
    exclude: Collection[int] = (),
) -> None:
    """Find the article's duplicates and set `dup_of`/`similarity` for its whole cluster.

    The article must already be indexed. `exclude` holds articles that must not be matched
    (those waiting to be re-linked themselves).
    """
    (body,) = db.execute("SELECT body FROM articles WHERE id = ?", [article_id]).fetchone()
    if not body:
        return  # pages without text are not one story
    match = _exact_match(db, article_id, digest, exclude)
    if match is None and sig is not None:
        ids = candidates(db, sig, exclude={article_id, *exclude})
        best = verified_matches(db, sig, body, ids)
        match = best[0][0] if best else None
    if match is not None:
        _join(db, article_id, sig, _canonical_of(db, match))


def relink(db: Database, article_id: int) -> None:
    """Recompute the clusters touched by an edited article (already re-indexed).

    A member simply leaves and is linked again. A canonical article takes its cluster apart:
    the members may have matched only through its old body, so each is linked again, in
    canonical order, against everything but those still waiting.
    """
    (dup_of,) = db.execute("SELECT dup_of FROM articles WHERE id = ?", [article_id]).fetchone()
    group = [article_id]
    if dup_of is None:
        group += [
            r[0] for r in db.execute("SELECT id FROM articles WHERE dup_of = ?", [article_id])
        ]
    db.conn.executemany(
        "UPDATE articles SET dup_of = NULL, similarity = NULL WHERE id = ?", [(i,) for i in group]
    )
    waiting = sorted(group, key=lambda i: _article_order(db, i))
    while waiting:
        current = waiting.pop(0)
        (digest,) = db.execute(
            "SELECT content_hash FROM articles WHERE id = ?", [current]
        ).fetchone()
        link(db, current, load_signature(db, current), digest, exclude=set(waiting))
