"""MinHash signatures of article bodies (DESIGN.md §5): shingles, signatures, LSH band keys and
signature screens. Pure functions, no SQL: the crawl's dedup stage (pipelines/dedup.py) computes
here; the index in SQLite and the clusters are crawler/store/dedup.py's.

A signature is datasketch's MinHash(NUM_PERM, SEED, scheme "affine32") of the shingles' UTF-8
bytes hashed by crc32, fed with `update_batch`, kept as its LeanMinHash and stored as that
LeanMinHash's own bytes (`serialize`, little-endian). datasketch is imported on the first
signature computed or read, never by importing this module: `krnews search`, `krnews report` and
Datasette never load it, and importing datasketch runs its whole package, whose LSH modules load
scipy (about +40 MiB and a few tenths of a second in a crawl process; tests/test_startup.py).
tests/test_minhash_compat.py holds the bytes, band keys and screens to those of a store written
before (tests/fixtures/dedup/signatures.json).

A screen is the low byte of each of a signature's values (what `dedup_signatures` stores): two
different values share their low byte by chance once in 256, which moves an estimate by less
than 0.004 (its own error at 128 permutations is about 0.04).

The parameters were chosen on the labelled set in tests/fixtures/dedup (`python
bench/dedup.py --sweep` prints the sweep); changing them changes band keys, so a store built
with other values needs its dedup tables rebuilt by a migration.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

NGRAM = 5  # character n-gram length (spaces collapsed)
NUM_PERM = 128
# 42 bands of 3 values (126 of the 128): a pair at Jaccard 0.45 (our hardest true duplicate)
# shares a band with p = 0.98, at 0.5 with p = 0.996, while same-region unrelated news
# (median Jaccard 0.01) yields a few hundred candidates per million articles at worst.
BANDS, ROWS = 42, 3
SEED = 1
_SCHEME = "affine32"
# crc32 is stable across processes and versions and ~10x faster than datasketch's sha1
# default; datasketch mixes it (fmix) before permuting, so its linearity does not matter.
SHINGLE_HASH = zlib.crc32  # of a shingle's UTF-8 bytes

_WS = re.compile(r"\s+")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio odd multiplier (Knuth)
# Keys of 31 bits are stored in 4 bytes (63 bits took 8): ~170 B less per article over 42 bands.
# A false band match costs one candidate that verification drops: at a million articles about
# one query in fifty gets one.
KEY_BITS = 31
_KEY_MASK = np.uint64(2**KEY_BITS - 1)
_HEADER = struct.Struct("<qiB")  # LeanMinHash bytes: seed, -num_perm, scheme code (1: affine32)


class Signature(Protocol):
    """What the store uses of a signature (a datasketch LeanMinHash)."""

    seed: int
    scheme: str
    hashvalues: np.ndarray  # uint32, one per permutation

    def __len__(self) -> int: ...

    def jaccard(self, other: Any) -> float: ...


@lru_cache(maxsize=1)
def _datasketch() -> tuple[Any, Any]:
    """datasketch's MinHash and LeanMinHash, imported on first use. Any import of datasketch,
    `datasketch.minhash` alone too, runs its package's __init__, whose LSH modules load scipy."""
    from datasketch import LeanMinHash, MinHash  # type: ignore[import-untyped]

    return MinHash, LeanMinHash


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> Any:
    """The permutations datasketch draws for (SEED, num_perm, "affine32"), drawn once per process
    and handed to each MinHash (its `permutations` argument) instead of drawn again per body."""
    minhash_class, _lean = _datasketch()
    return minhash_class(num_perm=num_perm, seed=SEED, scheme=_SCHEME).permutations


def load() -> None:
    """Import datasketch and draw the permutations now (a crawl does it as it starts)."""
    _permutations(NUM_PERM)


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


def shingle_bytes(body: str, n: int = NGRAM) -> set[bytes]:
    """The UTF-8 bytes of shingles(body, n), without making the shingle strings: the text is
    encoded once and each n-gram is a slice between character starts."""
    text = _WS.sub(" ", body).strip()
    if len(text) <= n:
        return {text.encode("utf-8")} if text else set()
    data = text.encode("utf-8")
    starts = np.flatnonzero((np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80).tolist()
    starts.append(len(data))
    return {data[i:j] for i, j in zip(starts[: len(text) - n + 1], starts[n:])}


def signature(body: str, n: int = NGRAM, num_perm: int = NUM_PERM) -> Signature:
    """The body's MinHash: datasketch's MinHash(num_perm, SEED, SHINGLE_HASH, "affine32")
    updated with the shingles, as its LeanMinHash."""
    minhash_class, lean_class = _datasketch()
    sig = minhash_class(
        num_perm=num_perm,
        seed=SEED,
        hashfunc=SHINGLE_HASH,
        permutations=_permutations(num_perm),
        scheme=_SCHEME,
    )
    sig.update_batch(shingle_bytes(body, n))
    return lean_class(sig)


def signature_to_bytes(sig: Signature) -> bytes:
    """datasketch's LeanMinHash.serialize(byteorder="<")."""
    lean: Any = sig
    buf = bytearray(lean.bytesize(byteorder="<"))
    lean.serialize(buf, byteorder="<")
    return bytes(buf)


def signature_from_bytes(data: bytes) -> Signature:
    """datasketch's LeanMinHash.deserialize(data, byteorder="<"): the affine32 format, or the
    legacy one of datasketch before 2.0 (whose values no longer compare with new ones)."""
    sig: Signature = _datasketch()[1].deserialize(data, byteorder="<")
    return sig


def estimate(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two bodies' shingle sets."""
    return a.jaccard(b)


def screen_bytes(hashvalues: np.ndarray) -> bytes:
    """What `dedup_signatures` stores of a signature: the low byte of each value."""
    return (np.asarray(hashvalues) & 0xFF).astype(np.uint8).tobytes()


def screen_bytes_of_serialised(data: bytes) -> bytes:
    """screen_bytes of a LeanMinHash serialisation (signature_to_bytes), read in place."""
    return np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint8).tobytes()


def estimate_screen(sig: Signature, data: bytes) -> float:
    """Estimated Jaccard of sig with a stored screen (screen_bytes): the share of values whose
    low bytes are equal, which is estimate() plus at most ~0.004 of chance agreements."""
    stored = np.frombuffer(data, dtype=np.uint8)
    if len(stored) != len(sig):
        return 1.0  # not a screen of this size: let the exact Jaccard decide
    mine = (sig.hashvalues & 0xFF).astype(np.uint8)
    return float(np.count_nonzero(mine == stored)) / float(len(sig))


def band_keys(sig: Signature) -> list[tuple[int, int]]:
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


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
