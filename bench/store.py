"""Store size benchmark: bytes per article by table, against the bytes of the text stored.

    python bench/store.py                      # 100k synthetic articles through Store.save_article
    python bench/store.py --articles 5000 --db /tmp/store-bench.db

Every article goes through `crawler.store.db.Store.save_article` (row, dedup signature and LSH
bands, FTS, the clean stage's learned-boilerplate counts), as a crawl stores it. "Text" is the
UTF-8 bytes of title + subtitle + body, the figure the issue 13 target (<= 2.5x) is about.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from search import SyntheticNews  # bench/search.py

from crawler.store.db import Store, table_sizes
from crawler.store.learned import BoilerplateMemory


def synthetic_article(news: SyntheticNews, i: int) -> dict:
    row = news.article(i)
    for key in ("id", "dup_of"):
        row.pop(key)
    row["fetched_at"] = "2026-11-30T00:00:00+00:00"
    row["author"] = "홍길동"
    row["section"] = "사회"
    return row


def build(path: Path, count: int) -> Store:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    news = SyntheticNews(42)
    memory = BoilerplateMemory()
    store = Store(path, on_save=[memory.on_save])
    memory.store = store
    started = time.perf_counter()
    for i in range(1, count + 1):
        store.save_article(synthetic_article(news, i))
        if i % 10_000 == 0:
            print(f"  {i} articles, {time.perf_counter() - started:.0f} s", flush=True)
    store.compact()
    print(f"built {count} articles in {time.perf_counter() - started:.0f} s")
    return store


def report(store: Store) -> float:
    db = store.db
    count, text = db.execute(
        "SELECT count(*), sum(length(CAST(coalesce(title, '') || coalesce(subtitle, '') || body "
        "AS BLOB))) FROM articles"
    ).fetchone()
    sizes = table_sizes(db)
    total = store.path.stat().st_size
    print(f"\n{count} articles, text (title + subtitle + body) {text / count:,.0f} B per article")
    print(f"{'table':28} {'B/article':>10} {'x text':>7}")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        if size / count >= 1:
            print(f"{name:28} {size / count:10,.0f} {size / text:7.2f}")
    used = sum(sizes.values())
    print(f"{'pages in use':28} {used / count:10,.0f} {used / text:7.2f}   (target <= 2.5)")
    print(f"{'file':28} {total / count:10,.0f} {total / text:7.2f}   (free pages included)")
    return used / text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/krnews-store-bench.db"))
    args = parser.parse_args()
    store = build(args.db, args.articles)
    try:
        report(store)
    finally:
        store.close()


if __name__ == "__main__":
    main()
