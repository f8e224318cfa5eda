"""Duplicate stories (DESIGN.md §5): MinHash of character n-grams, LSH bands kept in SQLite.

Our small interface over datasketch. The index is two tables written inside the article's
transaction, so it never drifts from `articles` and opening a store rebuilds nothing:

    dedup_signatures(article_id → signature)   the low byte of each MinHash value (128 bytes):
                                                the screen of `verified_matches`
    dedup_bands(band, key, article_id)          one row per LSH band, primary key (band, key, id);
                                                keys of KEY_BITS bits (4 bytes each on disk)

A whole signature is not stored (schema 4; it was 525 bytes, 0.20x of the text): where one is
needed (the band keys of an article whose body changes, the `similarity` of a linked pair, an
edited article's candidates) it is computed again from the body, which costs ~0.5 ms and
happens for duplicates and edits only. Screening candidates needs no more than a byte a value:
two different values share their low byte by chance once in 256, which moves an estimate by
less than 0.004 (its own error at 128 permutations is about 0.04).

Clusters live in `articles.dup_of` / `articles.similarity`: every member points at the
canonical article (earliest published, then lowest id), which itself has `dup_of` NULL.

A signature is exactly datasketch's MinHash(NUM_PERM, SEED, scheme "affine32") of the shingles,
with its LeanMinHash bytes, computed here with numpy alone (tests/test_dedup.py checks both
against datasketch): importing datasketch runs its package, whose LSH modules load scipy, +54 MiB
and a few tenths of a second in every crawl process for nothing we use.

The parameters were chosen on the labelled set in tests/fixtures/dedup (`python
bench/dedup.py --sweep` prints the sweep); changing them changes band keys, so a store built
with other values needs its dedup tables rebuilt by a migration.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
from sqlite_utils import Database

NGRAM = 5  # character n-gram length (spaces collapsed)
NUM_PERM = 128
# 42 bands of 3 values (126 of the 128): a pair at Jaccard 0.45 (our hardest true duplicate)
# shares a band with p = 0.98, at 0.5 with p = 0.996, while same-region unrelated news
# (median Jaccard 0.01) yields a few hundred candidates per million articles at worst.
BANDS, ROWS = 42, 3
THRESHOLD = 0.37  # exact shingle Jaccard a candidate needs to be linked
PREFILTER = 0.25  # estimated Jaccard below which a candidate is dropped unread (~3 sigma)
MAX_CANDIDATES = 50  # most band hits first: true duplicates share many bands
SEED = 1
_SCHEME = "affine32"

_WS = re.compile(r"\s+")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio odd multiplier (Knuth)
# Keys of 31 bits are stored in 4 bytes (63 bits took 8): ~170 B less per article over 42 bands.
# A false band match costs one candidate that verification drops: at a million articles about
# one query in fifty gets one.
KEY_BITS = 31
_KEY_MASK = np.uint64(2**KEY_BITS - 1)
_BAND_QUERY = " UNION ALL ".join(
    ["SELECT article_id FROM dedup_bands WHERE band = ? AND key = ?"] * BANDS
)
_FAR_FUTURE = float("inf")
_HEADER = struct.Struct("<qiB")  # LeanMinHash bytes: seed, -num_perm, scheme code (1: affine32)
_LEGACY_HEADER = struct.Struct("<qi")  # datasketch before 2.0: seed, num_perm; then the values
_SCHEME_CODES = {1: "affine32"}


@dataclass(frozen=True, eq=False)
class LeanMinHash:
    """What datasketch's LeanMinHash holds of a MinHash (its seed, scheme and values), with
    its byte format (signature_to_bytes) and its Jaccard estimate."""

    seed: int
    hashvalues: np.ndarray  # uint32, one per permutation
    scheme: str = _SCHEME

    def __len__(self) -> int:
        return len(self.hashvalues)

    def jaccard(self, other: LeanMinHash) -> float:
        if other.scheme != self.scheme or other.seed != self.seed or len(other) != len(self):
            raise ValueError(
                "cannot compare MinHash signatures of different schemes, seeds or sizes: "
                f"{self.scheme}/{self.seed}/{len(self)} vs {other.scheme}/{other.seed}/{len(other)}"
            )
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / float(len(self))


# ---- signatures -------------------------------------------------------------------------


def content_hash(body: str) -> str:
    """Hash of the normalised body: equal hashes are exact duplicates."""
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()


def shingles(body: str, n: int = NGRAM) -> set[str]:
    """Character n-grams of the body with whitespace runs as one space.

    Korean is agglutinative (`고양시는`, `고양시의`), so word tokens miss rewrites that
    character n-grams keep.
    """
    text = _WS.sub(" ", body).strip()
    if len(text) <= n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _shingle_hash(shingle: str) -> int:
    # crc32 is stable across processes and versions and ~10x faster than datasketch's sha1
    # default; datasketch mixes it (fmix) before permuting, so its linearity does not matter.
    return zlib.crc32(shingle.encode("utf-8"))


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine permutations for (SEED, num_perm) under "affine32" (its
    MinHash._init_permutations: h -> a * h + b mod 2**32, `a` odd), made once per process."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    # the MurmurHash3 finalizer datasketch applies to each input hash under "affine32"
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _shingle_hash_set(body: str, n: int) -> set[int]:
    """{_shingle_hash(s) for s in shingles(body, n)}, without making the shingle strings: the
    text is encoded once and each n-gram is a slice between character starts."""
    text = _WS.sub(" ", body).strip()
    if len(text) <= n:
        return {_shingle_hash(text)} if text else set()
    data = text.encode("utf-8")
    starts = np.flatnonzero((np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80).tolist()
    starts.append(len(data))
    crc = zlib.crc32
    return {crc(data[i:j]) for i, j in zip(starts[: len(text) - n + 1], starts[n:])}


def signature(body: str, n: int = NGRAM, num_perm: int = NUM_PERM) -> LeanMinHash:
    """The body's MinHash: exactly datasketch's MinHash(num_perm, SEED, _shingle_hash,
    "affine32") updated with shingles(body, n), computed without its per-call set-up."""
    a, b = _permutations(num_perm)
    hashes = _shingle_hash_set(body, n)
    if hashes:
        hv = _fmix32(np.fromiter(hashes, dtype=np.uint32, count=len(hashes)))[:, None]
        values = (hv * a + b).min(axis=0)
    else:
        values = np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    return LeanMinHash(SEED, values.astype(np.uint32, copy=False))


def signature_to_bytes(sig: LeanMinHash) -> bytes:
    """datasketch's LeanMinHash.serialize(byteorder="<")."""
    code = {name: code for code, name in _SCHEME_CODES.items()}[sig.scheme]
    return _HEADER.pack(sig.seed, -len(sig), code) + sig.hashvalues.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> LeanMinHash:
    """datasketch's LeanMinHash.deserialize(data, byteorder="<"): the affine32 format, or the
    legacy one of datasketch before 2.0 (whose values no longer compare with new ones)."""
    seed, size = _LEGACY_HEADER.unpack_from(data, 0)
    if size >= 0:
        values = np.frombuffer(data, dtype="<u4", count=size, offset=_LEGACY_HEADER.size)
        return LeanMinHash(seed, values.astype(np.uint32), "legacy")
    _seed, _size, code = _HEADER.unpack_from(data, 0)
    if code not in _SCHEME_CODES:
        raise ValueError(f"unknown MinHash scheme code {code} in a stored signature")
    values = np.frombuffer(data, dtype="<u4", count=-size, offset=_HEADER.size)
    return LeanMinHash(seed, values.astype(np.uint32), _SCHEME_CODES[code])


def estimate(a: LeanMinHash, b: LeanMinHash) -> float:
    """Estimated Jaccard similarity of the two bodies' shingle sets."""
    return a.jaccard(b)


def screen_bytes(hashvalues: np.ndarray) -> bytes:
    """What `dedup_signatures` stores of a signature: the low byte of each value."""
    return (np.asarray(hashvalues) & 0xFF).astype(np.uint8).tobytes()


def screen_bytes_of_serialised(data: bytes) -> bytes:
    """screen_bytes of a LeanMinHash serialisation (signature_to_bytes), read in place."""
    return np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint8).tobytes()


def _estimate_stored(sig: LeanMinHash, data: bytes) -> float:
    """Estimated Jaccard of sig with a stored screen (screen_bytes): the share of values whose
    low bytes are equal, which is estimate() plus at most ~0.004 of chance agreements."""
    stored = np.frombuffer(data, dtype=np.uint8)
    if len(stored) != len(sig):
        return 1.0  # not a screen of this size: let the exact Jaccard decide
    mine = (sig.hashvalues & 0xFF).astype(np.uint8)
    return float(np.count_nonzero(mine == stored)) / float(len(sig))


def band_keys(sig: LeanMinHash) -> list[tuple[int, int]]:
    """(band, key) for each LSH band: the band's hash values mixed into KEY_BITS bits.

    The values are already uniform hashes, so multiply-xor mixing (vectorised, no per-band
    hash call) spreads them well; a rare collision only adds a candidate that verification
    drops.
    """
    values = np.asarray(sig.hashvalues[: BANDS * ROWS], dtype=np.uint64).reshape(BANDS, ROWS)
    keys = np.zeros(BANDS, dtype=np.uint64)
    for column in range(ROWS):
        keys = (keys * _MIX) ^ values[:, column]
    keys &= _KEY_MASK
    return list(zip(range(BANDS), keys.tolist()))


# ---- the index in SQLite ----------------------------------------------------------------


def install(db: Database) -> None:
    """Create the dedup tables (idempotent)."""
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


def index_signature(db: Database, article_id: int, sig: LeanMinHash) -> None:
    """Store the signature's screen and its band keys (inside the caller's transaction)."""
    db.execute(
        "INSERT OR REPLACE INTO dedup_signatures(article_id, signature) VALUES (?, ?)",
        [article_id, screen_bytes(sig.hashvalues)],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO dedup_bands(band, key, article_id) VALUES (?, ?, ?)",
        [(band, key, article_id) for band, key in band_keys(sig)],
    )


def unindex(db: Database, article_id: int) -> None:
    """Drop the article's signature and band rows, found from the signature of its body: call
    it before the article's row changes (its band keys are those of the body it has now)."""
    if not db.execute(
        "SELECT 1 FROM dedup_signatures WHERE article_id = ?", [article_id]
    ).fetchone():
        return
    old = load_signature(db, article_id)
    if old is None:
        db.execute("DELETE FROM dedup_signatures WHERE article_id = ?", [article_id])
        return
    db.conn.executemany(
        "DELETE FROM dedup_bands WHERE band = ? AND key = ? AND article_id = ?",
        [(band, key, article_id) for band, key in band_keys(old)],
    )
    db.execute("DELETE FROM dedup_signatures WHERE article_id = ?", [article_id])


def load_signature(db: Database, article_id: int) -> LeanMinHash | None:
    """The MinHash of the article's body as it is now, computed again (~0.5 ms); None for an
    article without text (or none at all)."""
    row = db.execute("SELECT body FROM articles WHERE id = ?", [article_id]).fetchone()
    return signature(row[0]) if row and row[0] else None


def candidates(db: Database, sig: LeanMinHash, exclude: Collection[int] = ()) -> list[int]:
    """Articles sharing at least one LSH band with `sig`, most shared bands first."""
    hits: dict[int, int] = {}
    params = [value for pair in band_keys(sig) for value in pair]
    for (article_id,) in db.execute(_BAND_QUERY, params):
        hits[article_id] = hits.get(article_id, 0) + 1
    ranked = sorted((i for i in hits if i not in exclude), key=lambda i: (-hits[i], i))
    return ranked[:MAX_CANDIDATES]


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def verified_matches(
    db: Database, sig: LeanMinHash, body: str, ids: Iterable[int]
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
        if _estimate_stored(sig, data) >= PREFILTER
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
    sig_a: LeanMinHash | None = None,
    sig_b: LeanMinHash | None = None,
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


def _join(db: Database, article_id: int, sig: LeanMinHash | None, canonical: int) -> None:
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
    sig: LeanMinHash | None,
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
