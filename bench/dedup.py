"""Dedup benchmark: insert+link time and memory at 10k, 100k and 1M stored articles, open time.

    nice python bench/dedup.py                  # 10k, 100k, 1M in one growing store (~10 min)
    python bench/dedup.py --sizes 2000,20000    # a quick run
    python bench/dedup.py --sweep               # n-gram / threshold sweep on the labelled set

Targets (the issue): at 1M stored articles, <= 2 ms per article to insert and link, memory flat
as the store grows, opening the store under 1 s.

How one run reaches 1M: the store grows in stages, bulk-filled by a separate process, and at
each size a sample of articles goes through the real code path in this (long-lived) process:

- The fill writes exactly the rows the real code would: article rows, the LeanMinHash bytes
  `dedup.index_signature` stores and its band rows, and `dup_of`/`similarity` for the fill's
  own near-copies. Bodies are 4-6 paragraphs drawn from a pool of generated paragraphs (words
  from a Zipf-weighted vocabulary, tuned so that unrelated bodies have the median 5-gram
  Jaccard of the labelled set, ~0.008). A body's MinHash is then the element-wise minimum of its
  paragraphs' MinHashes and of the few shingles that straddle the paragraph breaks, so it costs
  a gather instead of a shingling; each fill checks its first articles against
  `minhash.signature`. Band rows are inserted sorted, once per stage. Two articles sharing a pool
  paragraph are the "same boilerplate, other story" pairs that LSH turns up as candidates and
  verification drops, and there are more of them as the store grows, as in a real one.
  The fill does not build the full-text index (bench/search.py measures FTS at scale); it
  empties the FTS queue so that opening the store does not index a million articles.
- The sample (--sample, 1,000 by default) alternates two paths: (a) dedup alone: the article
  row, signature, index and link in one transaction, as save_article does them, without FTS;
  (b) the whole Store.save_article, FTS included (its index holds only the sampled articles).
  One article in five is a duplicate of a random stored one (last paragraph dropped, lead
  rewritten, a paragraph added, or re-posted verbatim; a quarter of them published earlier than
  their source, so the cluster is re-pointed), so candidates, verification and clusters are
  exercised; the report counts how many were linked, and how many fresh articles were.
- RSS and peak RSS are this process's, with the peak reset before each sample: the store is
  kept open across stages, so growth with the store size would show.
- Last, the store is closed and a fresh process times Store(path) and linking a new near-copy.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from itertools import combinations
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from datasketch import MinHash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.store import dedup, minhash, reuse
from crawler.store.articles import ARTICLE_COLUMNS
from crawler.store.db import Store

SEED = 7
SYLLABLES = [chr(c) for c in range(0xAC00, 0xD7A4, 7)]  # 1,596 Hangul syllables
VOCABULARY = 30_000
ZIPF = 0.8  # unrelated bodies: median 5-gram Jaccard ~0.008 (labelled set: 0.0072)
PARAGRAPH_WORDS = (35, 75)  # ~130-270 characters
ARTICLE_PARAGRAPHS = (4, 6)  # ~600-1,500 characters, mean ~1,000
MAX_PARAGRAPHS = ARTICLE_PARAGRAPHS[1]
FILL_COPY_EVERY = 10  # every 10th filled article is a near-copy of an earlier one
FILL_BATCH = 10_000
BAND_CHUNK = 2_000_000
KST = timezone(timedelta(hours=9))
EPOCH = datetime(2021, 1, 1, tzinfo=KST)


# ---- synthetic text -------------------------------------------------------------------------


class Corpus:
    """Korean-like paragraphs, each a pure function of its number (cheap to regenerate)."""

    def __init__(self, pool: int) -> None:
        rng = random.Random(SEED)
        lengths = [1, 2, 2, 2, 3, 3, 3, 4]
        self.words = [
            "".join(rng.choices(SYLLABLES, k=rng.choice(lengths))) for _ in range(VOCABULARY)
        ]
        self.cum = list(itertools.accumulate(1 / (rank + 1) ** ZIPF for rank in range(VOCABULARY)))
        self.pool = pool

    def paragraph(self, k: int) -> str:
        rng = random.Random(k * 1_000_003 + SEED)
        words = rng.choices(self.words, cum_weights=self.cum, k=rng.randint(*PARAGRAPH_WORDS))
        return " ".join(words)

    def fresh_paragraph(self, rng: random.Random) -> str:
        """A paragraph outside the pool (a rewritten lead)."""
        return self.paragraph(self.pool + rng.randrange(10**9))

    def composition(self, rng: random.Random) -> list[int]:
        return rng.sample(range(self.pool), rng.randint(*ARTICLE_PARAGRAPHS))


def published(article_id: int) -> str:
    return (EPOCH + timedelta(minutes=article_id)).isoformat()


def article_dict(article_id: int, body: str, when: str, tag: str = "") -> dict:
    site = f"site{article_id % 500}"
    return {
        "url": f"https://www.{site}.co.kr/news/articleView.html?idxno={article_id}{tag}",
        "site": site,
        "title": body[:40].split("\n")[0],
        "published": when,
        "section": "사회",
        "body": body,
        "lang": "ko",
        "fetched_at": "2024-06-01T00:00:00+00:00",
    }


# ---- MinHash in bulk: the same values as minhash.signature -----------------------------------

_PERM_A, _PERM_B = MinHash(
    num_perm=minhash.NUM_PERM, seed=minhash.SEED, scheme="affine32"
).permutations
_EMPTY = np.uint32(0xFFFFFFFF)


def _fmix32(h: np.ndarray) -> np.ndarray:  # datasketch's pre-mix of the "affine32" scheme
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _minhash_segments(hashes: list[int], starts: list[int]) -> np.ndarray:
    """MinHash values (len(starts) x NUM_PERM) of consecutive non-empty runs of shingle hashes."""
    hv = _fmix32(np.asarray(hashes, dtype=np.uint32))[:, None]
    return np.minimum.reduceat(hv * _PERM_A + _PERM_B, np.asarray(starts), axis=0)


def _shingle_hashes(text: str, out: list[int], positions: range) -> None:
    crc = zlib.crc32
    for i in positions:
        out.append(crc(text[i : i + minhash.NGRAM].encode("utf-8")))


def band_keys_bulk(values: np.ndarray) -> np.ndarray:
    """minhash.band_keys for many signatures at once: (rows, BANDS) int64."""
    used = values[:, : minhash.BANDS * minhash.ROWS].astype(np.uint64)
    v = used.reshape(len(values), minhash.BANDS, minhash.ROWS)
    keys = np.zeros((len(values), minhash.BANDS), dtype=np.uint64)
    for column in range(minhash.ROWS):
        keys = (keys * minhash._MIX) ^ v[:, :, column]
    return (keys & minhash._KEY_MASK).astype(np.int64)


class Signer:
    """Article MinHashes: per-paragraph MinHashes and the break-straddling shingles combined."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.texts = [corpus.paragraph(k) for k in range(corpus.pool)]
        self.pool_sigs = np.empty((corpus.pool + 1, minhash.NUM_PERM), dtype=np.uint32)
        self.pool_sigs[-1] = _EMPTY  # padding row
        for lo in range(0, corpus.pool, 500):
            hashes: list[int] = []
            starts = []
            for text in self.texts[lo : lo + 500]:
                starts.append(len(hashes))
                hashes.extend({zlib.crc32(s) for s in minhash.shingle_bytes(text)})
            self.pool_sigs[lo : lo + len(starts)] = _minhash_segments(hashes, starts)

    def bodies_and_signatures(self, comps: list[list[int]]) -> tuple[list[str], np.ndarray]:
        n = minhash.NGRAM
        idx = np.full((len(comps), MAX_PARAGRAPHS), self.corpus.pool, dtype=np.int64)
        hashes: list[int] = []
        starts = []
        bodies = []
        for row, comp in enumerate(comps):
            idx[row, : len(comp)] = comp
            paragraphs = [self.texts[k] for k in comp]
            flat = " ".join(paragraphs)  # the body with whitespace collapsed, as shingles() sees it
            starts.append(len(hashes))
            edge = 0
            for p in paragraphs[:-1]:
                edge += len(p)
                _shingle_hashes(flat, hashes, range(edge - n + 1, edge + 1))
                edge += 1
            bodies.append("\n".join(paragraphs))
        sigs = np.minimum(self.pool_sigs[idx].min(axis=1), _minhash_segments(hashes, starts))
        return bodies, sigs


# ---- the bulk fill (runs in a worker process) -----------------------------------------------

_FILL: dict = {}


def _fill_init(pool: int) -> None:
    corpus = Corpus(pool)
    _FILL.update(signer=Signer(corpus), rng=random.Random(SEED + 1), comps={}, canonical={})


def fill(path: str, target: int) -> dict:
    """Grow the store to `target` articles with the rows the real code path would write."""
    started = time.perf_counter()
    signer: Signer = _FILL["signer"]
    rng: random.Random = _FILL["rng"]
    comps: dict[int, list[int]] = _FILL["comps"]  # filled articles' paragraphs
    canonical: dict[int, int] = _FILL["canonical"]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -2000000")  # 2 GB: the band b-tree stays in memory
    (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    (next_id,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()
    cols = ("id", *ARTICLE_COLUMNS, "dup_of", "similarity")
    insert = f"INSERT INTO articles ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    first_id = min(comps, default=next_id)  # near-copies copy filled articles only
    bands, ids, checked = [], [], 0
    while count < target:
        size = min(FILL_BATCH, target - count)
        batch_ids = list(range(next_id, next_id + size))
        batch_comps, sources = [], []
        for article_id in batch_ids:
            source = None
            if article_id % FILL_COPY_EVERY == 0 and first_id < batch_ids[0]:
                source = rng.randrange(first_id, batch_ids[0])
                source = source if source in comps else None  # not a sampled article
            if source is not None:
                comp = list(comps[source])
                edit = rng.randrange(3)
                if edit == 0 and len(comp) > 3:
                    comp.pop()  # last paragraph dropped
                elif edit == 1 or len(comp) >= ARTICLE_PARAGRAPHS[1]:
                    comp[0] = rng.randrange(signer.corpus.pool)  # another lead
                else:
                    comp.append(rng.randrange(signer.corpus.pool))  # a closing paragraph
            else:
                comp = signer.corpus.composition(rng)
            batch_comps.append(comp)
            sources.append(source)
        bodies, sigs = signer.bodies_and_signatures(batch_comps)
        heads = [canonical[s] for s in sources if s is not None]
        head_sigs = signer.bodies_and_signatures([comps[h] for h in heads])[1] if heads else None
        if checked < 50:  # the composed MinHashes are exactly minhash.signature's
            for body, values in zip(bodies[:50], sigs[:50]):
                expected = minhash.signature(body).hashvalues
                assert np.array_equal(expected, values), "composed MinHash differs from dedup's"
            checked += 50
        rows, signature_rows, head = [], [], 0
        batch = zip(batch_ids, batch_comps, sources, bodies, sigs)
        for article_id, comp, source, body, values in batch:
            comps[article_id] = comp
            dup_of = similarity = None
            if source is not None:
                dup_of = canonical[source]
                similarity = float(np.count_nonzero(values == head_sigs[head])) / minhash.NUM_PERM
                head += 1
            canonical[article_id] = dup_of or article_id
            a = article_dict(article_id, body, published(article_id))
            a["content_hash"] = minhash.content_hash(body)
            rows.append((article_id, *(a.get(c) for c in ARTICLE_COLUMNS), dup_of, similarity))
            signature_rows.append((article_id, minhash.screen_bytes(values)))  # as index_signature
        conn.execute("BEGIN")
        conn.executemany(insert, rows)
        conn.executemany(
            "INSERT INTO dedup_signatures(article_id, signature) VALUES (?, ?)", signature_rows
        )
        conn.execute("COMMIT")
        bands.append(band_keys_bulk(sigs))
        ids.append(np.asarray(batch_ids, dtype=np.int64))
        count += size
        next_id += size
    articles_done = time.perf_counter()
    if bands:
        keys = np.concatenate(bands)  # (articles, BANDS)
        article_ids = np.repeat(np.concatenate(ids), minhash.BANDS)
        band_no = np.tile(np.arange(minhash.BANDS, dtype=np.int64), len(keys))
        keys = keys.reshape(-1)
        order = np.lexsort((article_ids, keys, band_no))  # primary-key order: one pass per page
        for lo in range(0, len(order), BAND_CHUNK):
            part = order[lo : lo + BAND_CHUNK]
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT OR IGNORE INTO dedup_band_index(band, key, article_id) VALUES (?, ?, ?)",
                zip(band_no[part].tolist(), keys[part].tolist(), article_ids[part].tolist()),
            )
            conn.execute("COMMIT")
    queue = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'articles_fts_pending'"
    ).fetchone()
    if queue:  # filled articles are not full-text indexed (see the module docstring)
        conn.execute("DELETE FROM articles_fts_pending")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    done = time.perf_counter()
    return {"count": count, "articles_s": articles_done - started, "bands_s": done - articles_done}


# ---- the measured sample (this process) -----------------------------------------------------


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB, from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def reset_peak_rss() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    except OSError:
        pass


def sample_articles(
    db, corpus: Corpus, rng: random.Random, stored: int, n: int, tag: str
) -> list[tuple[str, dict]]:
    """(kind, article): four in five fresh, one in five a duplicate of a random stored article."""
    (top,) = db.execute("SELECT max(id) FROM articles").fetchone()
    out = []
    for i in range(n):
        number = top + 1 + i
        if i % 5 != 4:
            body = "\n".join(corpus.paragraph(k) for k in corpus.composition(rng))
            out.append(("fresh", article_dict(number, body, published(number), tag)))
            continue
        source = rng.randint(1, top)
        body, when = db.execute(
            "SELECT body, published FROM articles WHERE id = ?", [source]
        ).fetchone()
        paragraphs = body.split("\n")
        edit = (i // 5) % 4
        if edit == 0 and len(paragraphs) > 3:
            paragraphs.pop()
        elif edit == 1:
            paragraphs[0] = corpus.fresh_paragraph(rng)
        elif edit == 2:
            paragraphs.append(corpus.fresh_paragraph(rng))
        when = published(number)
        if (i // 5) % 4 == 3:  # older than its source: becomes the cluster's canonical
            when = (datetime.fromisoformat(when) - timedelta(days=800)).isoformat()
        out.append(("dup", article_dict(number, "\n".join(paragraphs), when, tag)))
    return out


def dedup_insert(store: Store, article: dict) -> tuple[int, float]:
    """save_article without FTS: the row, signature, index and link in one transaction.
    Returns (article_id, seconds spent computing the signature)."""
    body = article["body"]
    digest = minhash.content_hash(body)
    row = {col: article.get(col) for col in ARTICLE_COLUMNS}
    row.update(content_hash=digest)
    with store.db.atomic():
        article_id = store._insert_row(row)
        started = time.perf_counter()
        sig = minhash.signature(body)
        signing = time.perf_counter() - started
        dedup.index_signature(store.db, article_id, sig)
        dedup.link(store.db, article_id, sig, digest)
    return article_id, signing


def is_linked(db, article_id: int) -> bool:
    return (
        db.execute(
            "SELECT dup_of IS NOT NULL OR EXISTS (SELECT 1 FROM articles WHERE dup_of = ?) "
            "FROM articles WHERE id = ?",
            [article_id, article_id],
        ).fetchone()[0]
        == 1
    )


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{p50:>7.2f} {p95:>7.2f} {statistics.fmean(ms):>7.2f}"


def measure(store: Store, corpus: Corpus, rng: random.Random, stored: int, n: int) -> dict:
    articles = sample_articles(store.db, corpus, rng, stored, 2 * n, tag=f"&s={stored}")
    times: dict[str, list[float]] = {"dedup": [], "save": [], "sig": [], "reuse": []}
    # The fill's own near-copies are queued for their reuse figures: computed once here, as
    # migration 0006 does on an old store, so that no sampled save pays for the backlog.
    with store.db.atomic():
        reuse.catch_up(store.db)
    real_catch_up = reuse.catch_up

    def timed_catch_up(db) -> int:  # (b)'s reuse figures, timed alone
        started = time.perf_counter()
        try:
            return real_catch_up(db)
        finally:
            times["reuse"].append((time.perf_counter() - started) * 1000)

    reuse.catch_up = timed_catch_up
    linked = {("dedup", "dup"): 0, ("dedup", "fresh"): 0, ("save", "dup"): 0, ("save", "fresh"): 0}
    kinds = {("dedup", "dup"): 0, ("dedup", "fresh"): 0, ("save", "dup"): 0, ("save", "fresh"): 0}
    reset_peak_rss()
    for i, (kind, article) in enumerate(articles):
        path = "dedup" if i % 2 == 0 else "save"  # interleaved: same store state for both
        started = time.perf_counter()
        if path == "dedup":
            article_id, signing = dedup_insert(store, article)
            times["sig"].append(signing * 1000)
        else:
            article_id, _ = store.save_article(article)
        times[path].append((time.perf_counter() - started) * 1000)
        kinds[path, kind] += 1
        linked[path, kind] += is_linked(store.db, article_id)
    reuse.catch_up = real_catch_up
    times["reuse"] = times["reuse"][-n:]  # the save path's calls (a's are outside catch_up)
    rss, peak = rss_mb()
    with store.db.atomic():  # path (a) left its articles in the FTS queue: not for this bench
        if store.db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'articles_fts_pending'"
        ).fetchone():
            store.db.execute("DELETE FROM articles_fts_pending")
    return {"times": times, "linked": linked, "kinds": kinds, "rss": rss, "peak": peak}


def reopen(path: str) -> None:
    """In a fresh process: time Store(path), then link a new near-copy of a stored article."""
    started = time.perf_counter()
    store = Store(path)
    opened = time.perf_counter() - started
    corpus = Corpus(1000)
    rng = random.Random(SEED + 2)
    (stored,) = store.db.execute("SELECT max(id) FROM articles").fetchone()
    articles = sample_articles(store.db, corpus, rng, stored, 10, "&reopen")
    dup, dup2 = [article for kind, article in articles if kind == "dup"]
    started = time.perf_counter()
    first, _ = dedup_insert(store, dup)
    linking = time.perf_counter() - started
    started = time.perf_counter()
    second, _ = store.save_article(dup2)
    saving = time.perf_counter() - started
    result = {
        "open_ms": opened * 1000,
        "dedup_ms": linking * 1000,
        "dedup_linked": is_linked(store.db, first),
        "save_ms": saving * 1000,
        "save_linked": is_linked(store.db, second),
    }
    store.close()
    print(json.dumps(result))


def bench_growth(
    sizes: list[int], n: int, pool: int | None, where: str | None, keep: bool = False
) -> None:
    sizes = sorted(sizes)
    pool = pool or min(500_000, max(20_000, sizes[-1] // 2))
    tmp = tempfile.mkdtemp(prefix="krnews-bench-dedup-", dir=where)
    free_gb = shutil.disk_usage(tmp).free / 2**30
    need_gb = sizes[-1] * 4.5 / 2**20  # ~4.5 KB per article with its band rows
    print(f"store in {tmp} ({free_gb:.0f} GB free, ~{need_gb:.1f} GB needed); "
          f"paragraph pool {pool}; sample {n} + {n} per size")  # fmt: skip
    if need_gb > free_gb * 0.9:
        sys.exit("not enough disk space")
    path = str(Path(tmp) / "bench.db")
    try:
        # open for the whole run, as a crawl keeps it (pipelines/store.py)
        store = Store(path, background_checkpoints=True)
        corpus = Corpus(pool)
        rng = random.Random(SEED + 3)
        started = time.perf_counter()
        executor = ProcessPoolExecutor(1, mp_context=get_context("spawn"),
                                       initializer=_fill_init, initargs=(pool,))  # fmt: skip
        executor.submit(int).result()
        print(f"paragraph pool MinHashes: {time.perf_counter() - started:.1f} s "
              f"(fill worker process)", flush=True)  # fmt: skip
        rss0, _ = rss_mb()
        print(f"this process after opening the store: RSS {rss0:.1f} MB\n")
        header = (f"{'stored':>9} {'path':<36} {'p50 ms':>7} {'p95 ms':>7} {'mean ms':>7} "
                  f"{'dups linked':>11} {'fresh linked':>12}")  # fmt: skip
        stored = 0
        for size in sizes:
            started = time.perf_counter()
            result = executor.submit(fill, path, size).result()
            fill_s = time.perf_counter() - started
            stored = result["count"]
            db_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
            print(f"fill to {stored}: {fill_s:.0f} s (articles {result['articles_s']:.0f} s, "
                  f"band rows {result['bands_s']:.0f} s); {db_mb:.0f} MB on disk",
                  flush=True)  # fmt: skip
            m = measure(store, corpus, rng, stored, n)
            print(header)

            def link(path: str, kind: str, m: dict = m) -> str:
                return f"{m['linked'][path, kind]}/{m['kinds'][path, kind]}"

            print(f"{stored:>9} {'(a) dedup: row+signature+index+link':<36} "
                  f"{summary(m['times']['dedup'])} "
                  f"{link('dedup', 'dup'):>11} {link('dedup', 'fresh'):>12}")  # fmt: skip
            print(f"{'':>9} {'    of which minhash.signature':<36} {summary(m['times']['sig'])}")
            print(f"{'':>9} {'(b) Store.save_article (with FTS)':<36} "
                  f"{summary(m['times']['save'])} "
                  f"{link('save', 'dup'):>11} {link('save', 'fresh'):>12}")  # fmt: skip
            print(f"{'':>9} {'    of which reuse figures (issue 26)':<36} "
                  f"{summary(m['times']['reuse'])}")  # fmt: skip
            print(f"{'':>9} RSS {m['rss']:.1f} MB, peak during the sample {m['peak']:.1f} MB\n",
                  flush=True)  # fmt: skip
            stored += 2 * n
        store.close()
        executor.shutdown()
        db_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
        try:
            command = [sys.executable, __file__, "--reopen", path]
            out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
        except subprocess.TimeoutExpired:
            sys.exit("re-opening took over 300 s: did crawler/ change during the run (an FTS or "
                     "schema rebuild of the whole store)?")  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"fresh process, store of {stored} articles ({db_mb:.0f} MB): "
              f"Store(path) {r['open_ms']:.1f} ms; link one new near-copy (a) "
              f"{r['dedup_ms']:.2f} ms (linked: {r['dedup_linked']}); "
              f"save_article another (b) {r['save_ms']:.2f} ms "
              f"(linked: {r['save_linked']})")  # fmt: skip
    finally:
        if keep:
            print(f"kept {path}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def bench_signature(n: int = 500) -> None:
    labelled = _load_labelled()
    bodies = [d.body for d in labelled.load_docs()]
    started = time.perf_counter()
    for i in range(n):
        minhash.signature(bodies[i % len(bodies)])
    per = (time.perf_counter() - started) / n * 1000
    mean_len = sum(map(len, bodies)) / len(bodies)
    print(f"minhash.signature: {per:.3f} ms per labelled body of {mean_len:.0f} characters")


def _load_labelled():
    spec = importlib.util.spec_from_file_location(
        "labelled", ROOT / "tests" / "fixtures" / "dedup" / "labelled.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["labelled"] = module
    spec.loader.exec_module(module)
    return module


def sweep() -> None:
    """Exact shingle Jaccard on the labelled pairs for each n, and the LSH odds of each band
    layout, so that NGRAM and BANDS x ROWS (crawler/store/minhash.py) and THRESHOLD
    (crawler/store/dedup.py) can be checked."""
    labelled = _load_labelled()
    docs = labelled.load_docs()
    dup, hard = labelled.duplicate_pairs(docs), labelled.hard_negative_pairs(docs)
    print(f"{len(docs)} documents, {len(dup)} duplicate pairs, {len(hard)} hard-negative pairs")
    print(f"{'n':>2} {'dup min':>8} {'dup p5':>7} {'hard max':>9} {'other p50':>10} "
          f"{'gap':>6} {'midpoint':>9}")  # fmt: skip
    for n in range(2, 8):
        sh = {d.key: minhash.shingles(d.body, n) for d in docs}
        jac = {p: minhash.jaccard(*(sh[k] for k in p)) for p in map(frozenset, combinations(sh, 2))}
        dups = sorted(jac[p] for p in dup)
        hard_max = max(jac[p] for p in hard)
        other = sorted(v for p, v in jac.items() if p not in dup and p not in hard)
        print(f"{n:>2} {dups[0]:>8.3f} {dups[len(dups) // 20]:>7.3f} {hard_max:>9.3f} "
              f"{other[len(other) // 2]:>10.4f} {dups[0] - hard_max:>6.3f} "
              f"{(dups[0] + hard_max) / 2:>9.3f}")  # fmt: skip
    print("\nLSH: probability that a pair shares a band (bands x rows)")
    for b, r in [(32, 4), (42, 3), (64, 2), (25, 5), (64, 4)]:
        odds = "  ".join(
            f"J={j:.2f}:{1 - (1 - j**r) ** b:.3f}" for j in (0.01, 0.05, 0.4, 0.45, 0.5)
        )
        print(f"{b:>3} x {r}  {odds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated store sizes to measure at")  # fmt: skip
    parser.add_argument("--sample", type=int, default=1000,
                        help="articles timed per path at each size")  # fmt: skip
    parser.add_argument("--pool", type=int, default=None,
                        help="paragraph pool (default: largest size / 2, <= 500k)")  # fmt: skip
    parser.add_argument("--dir", default=None, help="where to put the temporary store")
    parser.add_argument("--keep", action="store_true", help="keep the store (its path is printed)")
    parser.add_argument("--sweep", action="store_true", help="print the parameter sweep only")
    parser.add_argument("--reopen", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sweep:
        sweep()
        return
    if args.reopen:
        reopen(args.reopen)
        return
    bench_signature()
    sizes = [int(s) for s in args.sizes.split(",")]
    bench_growth(sizes, args.sample, args.pool, args.dir, args.keep)


if __name__ == "__main__":
    main()
