"""The LSH band index in SQLite: where each article's 42 band keys are kept and looked up.

    dedup_band_index(band, key, article_id)   primary key (band, key, id), WITHOUT ROWID: the
                                              keys of all but the latest articles
    dedup_band_queue(article_id → keys)       the latest articles' keys, one row each, as
                                              fixed-width decimal text (10 digits a band)
    dedup_bands                               a view of both, one row per band and article, as
                                              the table of that name was until schema 5

Why a queue: a band key is a hash, so an article's 42 rows land on 42 random leaves of the
index, and each leaf is a 16 KiB page its transaction writes whole into the WAL. That was half
of what a crawl wrote (~1 MB per article of ~3 KB) and ~40% of the store's CPU. The queue row
is one small append inside the article's own transaction, so the index never drifts from
`articles` and a kill loses nothing; every QUEUE_SIZE articles, inside the transaction of the
one that fills it, the queued keys go into the index in key order, which writes each leaf
once for the batch. Lookups read both (the queue is at most QUEUE_SIZE short rows).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
from sqlite_utils import Database

from crawler.store.minhash import BANDS, KEY_BITS, Signature, band_keys

INDEX_TABLE = "dedup_band_index"
QUEUE_TABLE = "dedup_band_queue"
VIEW = "dedup_bands"
# Bigger batches cut the index's writes further (a leaf is written once per batch) but every
# lookup reads the whole queue: 256 measured like 1,024 on the bench, 64 a little slower.
# The saving shrinks as the index grows: at 1M stored articles a batch's ~10,700 keys land on
# ~10,000 of its ~40,000 leaves (637 B of band rows an article, bench/store.py), so a merge
# writes about what 256 single inserts did, at once (bench/dedup.py, alone on the machine: p50
# and p95 per article better than schema 4, the mean over both paths 5.3 ms against 5.2, the
# merges being the spikes).
QUEUE_SIZE = 256
MAX_CANDIDATES = 50  # most band hits first: true duplicates share many bands

_DIGITS = len(str(2**KEY_BITS - 1))  # a key in fixed-width decimal: 10 digits for 31 bits
_KEY = np.dtype(f"S{_DIGITS}")
_INDEX_QUERY = " UNION ALL ".join(
    [f"SELECT article_id FROM {INDEX_TABLE} WHERE band = ? AND key = ?"] * BANDS
)

# Created by migration 0005 (crawler/store/migrations.py), which renames the old table.
CREATE_QUEUE = (
    f"CREATE TABLE {QUEUE_TABLE} ("
    "article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, "
    "keys TEXT NOT NULL)"
)
_BAND_NUMBERS = (
    "WITH RECURSIVE band_numbers(n) AS "
    f"(SELECT 0 UNION ALL SELECT n + 1 FROM band_numbers WHERE n < {BANDS - 1})"
)
# The queue as rows of the index: what the view shows of it and what a merge inserts.
_QUEUED_ROWS = (
    "SELECT band_numbers.n AS band, "
    f"CAST(substr(q.keys, band_numbers.n * {_DIGITS} + 1, {_DIGITS}) AS INTEGER) AS key, "
    f"q.article_id AS article_id FROM {QUEUE_TABLE} q JOIN band_numbers"
)
CREATE_VIEW = (
    f"CREATE VIEW {VIEW} AS {_BAND_NUMBERS} "
    f"SELECT band, key, article_id FROM {INDEX_TABLE} UNION ALL {_QUEUED_ROWS}"
)


def queued_text(keys: list[tuple[int, int]]) -> str:
    """An article's band keys (in band order) as the queue keeps them."""
    return "".join(f"{key:0{_DIGITS}d}" for _band, key in keys)


def add(db: Database, article_id: int, sig: Signature) -> None:
    """Queue the article's band keys (inside the caller's transaction); a full queue goes into
    the index in the same transaction."""
    db.execute(
        f"INSERT OR REPLACE INTO {QUEUE_TABLE}(article_id, keys) VALUES (?, ?)",
        [article_id, queued_text(band_keys(sig))],
    )
    if db.execute(f"SELECT count(*) FROM {QUEUE_TABLE}").fetchone()[0] >= QUEUE_SIZE:
        merge(db)


def merge(db: Database) -> int:
    """Move the queued keys into the index, in key order; returns how many articles moved."""
    (moved,) = db.execute(f"SELECT count(*) FROM {QUEUE_TABLE}").fetchone()
    db.execute(
        f"INSERT OR IGNORE INTO {INDEX_TABLE}(band, key, article_id) "
        f"{_BAND_NUMBERS} {_QUEUED_ROWS} ORDER BY 1, 2, 3"
    )
    db.execute(f"DELETE FROM {QUEUE_TABLE}")
    return moved


def remove(db: Database, article_id: int, sig: Signature | None) -> None:
    """Drop the article's keys: its queue row, and the index rows of `sig`'s keys (the
    signature of the body it was indexed with)."""
    db.execute(f"DELETE FROM {QUEUE_TABLE} WHERE article_id = ?", [article_id])
    if sig is not None:
        db.conn.executemany(
            f"DELETE FROM {INDEX_TABLE} WHERE band = ? AND key = ? AND article_id = ?",
            [(band, key, article_id) for band, key in band_keys(sig)],
        )


def candidates(db: Database, sig: Signature, exclude: Collection[int] = ()) -> list[int]:
    """Articles sharing at least one LSH band with `sig`, most shared bands first."""
    keys = band_keys(sig)
    hits: dict[int, int] = {}
    params = [value for pair in keys for value in pair]
    for (article_id,) in db.execute(_INDEX_QUERY, params):
        hits[article_id] = hits.get(article_id, 0) + 1
    queued = db.execute(f"SELECT article_id, keys FROM {QUEUE_TABLE}").fetchall()
    if queued:
        mine = np.frombuffer(queued_text(keys).encode("ascii"), dtype=_KEY)
        table = np.frombuffer("".join(text for _, text in queued).encode("ascii"), dtype=_KEY)
        shared = (table.reshape(len(queued), BANDS) == mine).sum(axis=1)
        for (article_id, _), count in zip(queued, shared.tolist(), strict=True):
            if count:
                hits[article_id] = hits.get(article_id, 0) + count
    ranked = sorted((i for i in hits if i not in exclude), key=lambda i: (-hits[i], i))
    return ranked[:MAX_CANDIDATES]
