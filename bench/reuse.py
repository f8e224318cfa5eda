"""Text-reuse cost (issue 26): the reuse figures of a new version at 20k and 100k stored articles.

    python bench/reuse.py                    # 20k and 100k (~3 min)
    python bench/reuse.py --sizes 2000 --sample 100

The store is grown as bench/dedup.py grows it (its `fill`: article rows, signatures, band rows
and `dup_of` of the fill's own near-copies, one article in ten); the stories already there are
computed once (`reuse.catch_up`, the backfill migration 0006 runs on an old store). Then new
versions of random stored stories (bench/dedup.py's duplicates: last paragraph dropped, lead
rewritten, a paragraph added or re-posted verbatim, a quarter older than their source) go
through `Store.save_article`, and the time of its `reuse.catch_up` call is taken alone.
Targets: <= 2 ms p50 per new version at 100k; `story_reuse_facts` <= 5 % of the text bytes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dedup as bench_dedup  # bench/dedup.py

from crawler.store import reuse
from crawler.store.db import Store, table_sizes


def _timed_catch_up(times: list[float]):
    real = reuse.catch_up

    def timed(db) -> int:
        started = time.perf_counter()
        try:
            return real(db)
        finally:
            times.append((time.perf_counter() - started) * 1000)

    return real, timed


def _p(ms: list[float], q: float) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, int(len(ms) * q))] if ms else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--sample", type=int, default=300, help="new versions per size")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    pool = min(500_000, max(20_000, sizes[-1] // 2))
    path = str(Path(tempfile.mkdtemp(prefix="krnews-bench-reuse-")) / "bench.db")
    store = Store(path, background_checkpoints=True)
    corpus = bench_dedup.Corpus(pool)
    rng = random.Random(bench_dedup.SEED + 5)
    executor = ProcessPoolExecutor(
        1, mp_context=get_context("spawn"), initializer=bench_dedup._fill_init, initargs=(pool,)
    )
    print(f"{'stored':>8} {'backfill s':>10} {'reuse p50':>9} {'p95':>7} {'save p50':>8} "
          f"{'p95':>7} {'rows':>6} {'reuse/text':>10}")  # fmt: skip
    for size in sizes:
        executor.submit(bench_dedup.fill, path, size).result()
        started = time.perf_counter()
        with store.db.atomic():
            store.db.execute("DELETE FROM articles_fts_pending")
            reuse.catch_up(store.db)
        backfill = time.perf_counter() - started
        dups = [
            a
            for kind, a in bench_dedup.sample_articles(
                store.db, corpus, rng, size, 5 * args.sample, tag=f"&r={size}"
            )
            if kind == "dup"
        ]
        reuse_ms: list[float] = []
        save_ms: list[float] = []
        real, timed = _timed_catch_up(reuse_ms)
        reuse.catch_up = timed
        try:
            for article in dups:
                started = time.perf_counter()
                store.save_article(article)
                save_ms.append((time.perf_counter() - started) * 1000)
        finally:
            reuse.catch_up = real
        sizes_now = table_sizes(store.db)
        (text,) = store.db.execute(
            "SELECT sum(length(CAST(coalesce(title, '') || coalesce(subtitle, '') || body "
            "AS BLOB))) FROM articles"
        ).fetchone()
        (rows,) = store.db.execute(f"SELECT count(*) FROM {reuse.TABLE}").fetchone()
        growth = (sizes_now.get(reuse.TABLE, 0) + sizes_now.get(reuse.PENDING, 0)) / text
        print(f"{size:>8} {backfill:>10.1f} {statistics.median(reuse_ms):>9.3f} "
              f"{_p(reuse_ms, 0.95):>7.3f} {statistics.median(save_ms):>8.2f} "
              f"{_p(save_ms, 0.95):>7.2f} {rows:>6} {growth:>10.2%}", flush=True)  # fmt: skip
    executor.shutdown()
    store.close()


if __name__ == "__main__":
    main()
