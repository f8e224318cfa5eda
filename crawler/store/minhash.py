"""MinHash signatures of article bodies (DESIGN.md §5): shingles, signatures, LSH band keys and
signature screens. Pure functions, no SQL: the crawl's dedup stage (pipelines/dedup.py) computes
here; the index in SQLite and the clusters are crawler/store/dedup.py's.

A signature is exactly datasketch's MinHash(NUM_PERM, SEED, scheme "affine32") of the shingles,
with its LeanMinHash bytes, computed here with numpy alone (tests/test_dedup.py checks both
against datasketch): importing datasketch runs its package, whose LSH modules load scipy, +54 MiB
and a few tenths of a second in every crawl process for nothing we use.

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
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NGRAM = 5  # character n-gram length (spaces collapsed)
NUM_PERM = 128
# 42 bands of 3 values (126 of the 128): a pair at Jaccard 0.45 (our hardest true duplicate)
# shares a band with p = 0.98, at 0.5 with p = 0.996, while same-region unrelated news
# (median Jaccard 0.01) yields a few hundred candidates per million articles at worst.
BANDS, ROWS = 42, 3
SEED = 1
_SCHEME = "affine32"

_WS = re.compile(r"\s+")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio odd multiplier (Knuth)
# Keys of 31 bits are stored in 4 bytes (63 bits took 8): ~170 B less per article over 42 bands.
# A false band match costs one candidate that verification drops: at a million articles about
# one query in fifty gets one.
KEY_BITS = 31
_KEY_MASK = np.uint64(2**KEY_BITS - 1)
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


# The draws below for (SEED, NUM_PERM), written out: making them imported numpy.random, ~7 MB
# in a process of its own and ~1.5 MiB of bench/crawl.py's peak. tests/test_dedup.py checks
# that they are what RandomState draws (a's 128 values, then b's, little-endian uint32).
_PERMUTATIONS_128 = bytes.fromhex(
    "4be883d5d7018ffe195fce70912878ddfffd0e00138799419755cb9a0b3d82ff9f96234b81a7e0782101472f"
    "03a10ccb997f5d5f8f3c9cc6db55edb0f9f3e8560d1b25cb33fafede65c9df1329aa4fb1fda9a0d6cb6265a0"
    "2517d55ea993910c17f7ad68f9410ce3d59b98c139258b753bbf050e1db39e116584475789d4f2d3aff9a8d5"
    "afbf16ead3970c1ee38584dcefcbe047bd5bd5e0c18e6d65ad08898e1b31fb99d3af936e13fbbfef0f08039b"
    "7f2279a07b96832f2d1c7862734a4b090314b6c001efe3ba79e209caa3f185a811ea8a2bb1c5c1a81bfdfe13"
    "e734cd8b5f03f456d51f551ef3e49bc191734f573d845a328f48a62f076b9bd78d0be3572b7f70ea63dcd5d2"
    "730afb100764256589b73d6231564a94e3438ba157f8c348990c7d5f35980e91690e54aba14a38d3db145d09"
    "e7e67e1153ea1280a5db803f1f004cfa81d83e5289910f7f3360d498df5a968fc5bd6be4af6b1c940f4fba71"
    "350ada3433fd8f25d14c52e52d0840f0136e33d1877d3d31cf975496fd8886ce2f4a5793fbda2d3dc91a9342"
    "3781b20c4b77ea0973a2d02aa754905b4dd96ed511855a6c414a26d245bbf587155e0d992f7aaffb1f0d352b"
    "df55521baf38bf2133bef2258f1f563ae701204bb90abfe99574b92d7d099f855dba466641a74776b12d6534"
    "2f2920116f25ffd3834a5ee6e36a88639b4e72fc074e0fd40197c914f8bfc90cfdd4f6c3cd81308906c79b0b"
    "3472eea9d5d1d423c6c5cf8302f6daca4cf6d0f1db0fa10795782896cb8214e2075945e74d18718ac88a3123"
    "4bd4ae724c9da7232b0463e41432b1ce1e5ea9602426ce656733d68907a7542a2d0ffda6c43371ed399a7b5c"
    "f02e0759fc9d2d92d23835c0604049a30d01dbb90a2c5620175920e27c3fb1b051fba89f87e7d2a579c33dc0"
    "98c09b5aca665159dc3d63c394fe1945a0a9455b8ccc58e5c1bcb6c05e62976d3c9e9fe1e9c1fff698c0fc02"
    "524dd7a97313847f6173279f8208e412ecfd5f1ddca675c967ba11f362b766100a712d73b69ef55a60571194"
    "e9391cf152a77b68d6c93a61c6ccad3cc2ba4ec347e143e7e73f87c5b0a8dc9236f6254d0f1cbc00853bd2c5"
    "9135fd9daa68262714009f53765a2194b047ed8616594e02e519cde28dcf83b5f107765b72ea7b7861c295e8"
    "b556bcc35487949f0a0ca77760dc0c04b740dd443d99efed38cee9d4d99edeb095a1238de78c50ff60dcf011"
    "f9811e2cd31ff47819541b23f1d525be8e93beee8d082431d4ac62b2741edd762b63e510860ef93acd0666c1"
    "b8821c82bb07fec08fbb643518564becfb339f0c897c26b6c221d484c738d01f356f1a2c45dd1605a4c97465"
    "65c3b506f84a7c1b15183f0728ed82824db0073fdb88251ab1ca2adc7169e9492fd5f089cd85543ba8bd858d"
    "ce15b9f72d568fd757e73f47"
)


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine permutations for (SEED, num_perm) under "affine32" (its
    MinHash._init_permutations: h -> a * h + b mod 2**32, `a` odd), made once per process."""
    if num_perm == NUM_PERM:
        values = np.frombuffer(_PERMUTATIONS_128, dtype="<u4").astype(np.uint32)
        return values[:NUM_PERM], values[NUM_PERM:]
    return drawn_permutations(num_perm)


def drawn_permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The permutations as datasketch draws them (numpy.random, imported only here)."""
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


def estimate_screen(sig: LeanMinHash, data: bytes) -> float:
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


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
