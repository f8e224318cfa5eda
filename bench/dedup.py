"""Dedup benchmark: insert+link time and memory as the store grows, open time, and the sweep.

    python bench/dedup.py                      # 10k, 100k, 1M articles in one growing store
    python bench/dedup.py --sizes 2000,20000   # a quick run
    python bench/dedup.py --sweep              # n-gram / threshold sweep on the labelled set

Synthetic articles are cheap to make: bodies are random word sequences and signatures random
hash values (real MinHash output is uniform too), so the figures measure the store (row, FTS,
band rows, candidate lookup and verification), not the shingling done by pipelines/dedup.py,
which is timed separately. Every 10th article is a near-copy of an earlier one (its body plus a
closing paragraph, 30% of its hash values changed), so linking does real work.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import dedup  # noqa: E402
from crawler.store import Store  # noqa: E402

SYLLABLES = [chr(c) for c in range(0xAC00, 0xD7A4, 37)]  # 310 Hangul syllables


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB, from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


class Synthetic:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.words = [
            "".join(self.rng.choices(SYLLABLES, k=self.rng.randint(2, 4))) for _ in range(20000)
        ]
        self.recent: list[tuple[str, np.ndarray]] = []  # sources for near-copies

    def article(self, i: int) -> dict:
        if i % 10 == 9 and self.recent:
            body, values = self.rng.choice(self.recent)
            body = body + "\n" + " ".join(self.rng.choices(self.words, k=12))
            values = values.copy()
            changed = self.np.choice(dedup.NUM_PERM, dedup.NUM_PERM * 3 // 10, replace=False)
            values[changed] = self.np.integers(0, 2**32, len(changed), dtype=np.uint32)
        else:
            body = "\n".join(" ".join(self.rng.choices(self.words, k=25)) for _ in range(4))
            values = self.np.integers(0, 2**32, dedup.NUM_PERM, dtype=np.uint32)
            self.recent = (self.recent + [(body, values)])[-1000:]
        sig = LeanMinHash(seed=dedup.SEED, hashvalues=values, scheme="affine32")
        return {
            "url": f"https://site{i % 500}.example.kr/news/articleView.html?idxno={i}",
            "site": f"site{i % 500}",
            "title": f"기사 {i}",
            "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T09:00:00+09:00",
            "body": body,
            "content_hash": dedup.content_hash(body),
            "signature": dedup.signature_to_bytes(sig),
        }


class DedupTimer:
    """Times crawler.dedup's share of save_article (indexing and linking), to tell it apart
    from the FTS index, which is another module's cost."""

    def __init__(self) -> None:
        self.seconds = 0.0
        for name in ("index_signature", "unindex", "link", "relink"):
            setattr(dedup, name, self._timed(getattr(dedup, name)))

    def _timed(self, fn):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def bench_growth(sizes: list[int], window: int) -> None:
    gen = Synthetic()
    timer = DedupTimer()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = Store(path)
        print(f"{'articles':>10} {'ms/save':>8} {'ms/dedup':>9} {'linked':>7} {'RSS MB':>8} "
              f"{'peak MB':>8}")  # fmt: skip
        count = 0
        for size in sorted(sizes):
            start_window = max(count, size - window)
            while count < start_window:  # fill quickly up to the measured window
                store.save_article(gen.article(count))
                count += 1
            items = [gen.article(i) for i in range(count, size)]
            timer.seconds = 0.0
            started = time.perf_counter()
            for item in items:
                store.save_article(item)
            elapsed = time.perf_counter() - started
            in_dedup = timer.seconds / len(items) * 1000
            count = size
            linked = store.db.execute(
                "SELECT count(*) FROM articles WHERE dup_of IS NOT NULL"
            ).fetchone()[0]
            rss, peak = rss_mb()
            per = elapsed / len(items) * 1000
            print(f"{size:>10} {per:>8.3f} {in_dedup:>9.3f} {linked:>7} {rss:>8.1f} {peak:>8.1f}",
                  flush=True)  # fmt: skip
        store.close()
        size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
        started = time.perf_counter()
        store = Store(path)
        opened = time.perf_counter() - started
        item = gen.article(count + 9)  # a near-copy: exercises candidates and verification
        started = time.perf_counter()
        article_id, _ = store.save_article(item)
        linked = time.perf_counter() - started
        (cluster,) = store.db.execute(
            "SELECT count(*) FROM articles WHERE dup_of = (SELECT coalesce(dup_of, id) "
            "FROM articles WHERE id = ?)",
            [article_id],
        ).fetchone()
        print(f"store of {count} articles: {size_mb:.0f} MB on disk; open {opened * 1000:.1f} ms; "
              f"insert+link one near-copy {linked * 1000:.2f} ms (its cluster: {cluster + 1})")  # fmt: skip
        store.close()


def bench_signature(n: int = 500) -> None:
    labelled = _load_labelled()
    bodies = [d.body for d in labelled.load_docs()]
    started = time.perf_counter()
    for i in range(n):
        dedup.signature(bodies[i % len(bodies)])
    per = (time.perf_counter() - started) / n * 1000
    mean_len = sum(map(len, bodies)) / len(bodies)
    print(f"pipelines/dedup signature: {per:.3f} ms per body of {mean_len:.0f} characters")


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
    layout, so that NGRAM, THRESHOLD and BANDS x ROWS in crawler/dedup.py can be checked."""
    labelled = _load_labelled()
    docs = labelled.load_docs()
    dup, hard = labelled.duplicate_pairs(docs), labelled.hard_negative_pairs(docs)
    print(f"{len(docs)} documents, {len(dup)} duplicate pairs, {len(hard)} hard-negative pairs")
    print(f"{'n':>2} {'dup min':>8} {'dup p5':>7} {'hard max':>9} {'other p50':>10} "
          f"{'gap':>6} {'midpoint':>9}")  # fmt: skip
    for n in range(2, 8):
        sh = {d.key: dedup.shingles(d.body, n) for d in docs}
        jac = {p: dedup.jaccard(*(sh[k] for k in p)) for p in map(frozenset, combinations(sh, 2))}
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
                        help="comma-separated store sizes to report at")  # fmt: skip
    parser.add_argument("--window", type=int, default=5000,
                        help="articles timed just before each size")  # fmt: skip
    parser.add_argument("--sweep", action="store_true", help="print the parameter sweep only")
    args = parser.parse_args()
    if args.sweep:
        sweep()
        return
    bench_signature()
    bench_growth([int(s) for s in args.sizes.split(",")], args.window)


if __name__ == "__main__":
    main()
