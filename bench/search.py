"""Search benchmark: index options on the labelled set, indexing cost, query latency at scale.

    python bench/search.py                 # all three parts, 100k synthetic articles
    python bench/search.py --articles 20000 --db /tmp/search-bench.db   # smaller, reused file

1. Recall/precision of each indexing option on tests/fixtures/search (the reason for the
   choice in crawler/store/korean.py), with its indexing cost per article.
2. What `fts.index_article` adds per article (the store calls it in each article's
   transaction), on article-sized text: a new article, and an edited one.
3. `crawler.query.search.search` latency (p50, p95) for the labelled queries over N synthetic
   articles built from real sentences, after one warm-up query; beside it, the same queries
   on the index as it was before issue 13 over the same articles (REFERENCE_FTS).
4. A cold `krnews search` process on that store: wall time and peak memory.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fixtures.search.corpus import ARTICLES_SQL, articles, evaluate, queries
from sqlite_utils import Database

from crawler.query import search as crawler_search
from crawler.query.search import search
from crawler.store import fts
from crawler.store.korean import (
    _CJK_RUN,
    bigrams,
    index_terms,
    index_text,
    match_expression,
    query_words,
)

SEED_PAGE = ROOT.parent / "shared" / "samples" / "seed_page_text.txt"
KIWI_CONTENT = ("NN", "NR", "NP", "SL", "SN", "SH", "XR", "VV", "VA", "W_")
# Kiwi's tags for a query word's trailing particles and endings: what krnews cut with Kiwi
# before issue 13 (the "kiwi cuts query particles" row), kept to compare the table against.
KIWI_TRAILING = ("J", "E", "VCP", "VCN", "XSV", "XSA", "SF", "SP", "SS", "SE", "SO", "SW")


@lru_cache(maxsize=1)
def kiwi():
    """Kiwi (kiwipiepy), only when installed: krnews itself no longer needs it."""
    from kiwipiepy import Kiwi

    return Kiwi()


def has_kiwi() -> bool:
    return importlib.util.find_spec("kiwipiepy") is not None


def kiwi_strip_particles(word: str) -> str:
    if not re.search("[\uac00-\ud7a3]", word):
        return word
    tokens = kiwi().tokenize(word)
    stem = max((i for i, t in enumerate(tokens) if not t.tag.startswith(KIWI_TRAILING)), default=-1)
    if stem < 0:
        return ""
    stem_end = tokens[stem].start + tokens[stem].len
    if any(t.start < stem_end for t in tokens[stem + 1 :]):
        return word
    return word[:stem_end]


def kiwi_bigram_phrases(query: str) -> str:
    phrases = [index_text(kiwi_strip_particles(w)).split() for w in query.split()]
    return " AND ".join('"' + " ".join(p).replace('"', '""') + '"' for p in phrases if p)


# ---- 1. the options ---------------------------------------------------------------------------


def kiwi_morphemes(text: str | None) -> str:
    if not text:
        return ""
    return " ".join(t.form for t in kiwi().tokenize(text) if t.tag.startswith(KIWI_CONTENT))


def raw_phrases(query: str) -> str:
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in query.split())


def morpheme_phrases(query: str) -> str:
    phrases = [kiwi_morphemes(w) for w in query.split()]
    return " AND ".join('"' + p.replace('"', '""') + '"' for p in phrases if p)


def bigram_phrases_without_analyser(query: str) -> str:
    return " AND ".join('"' + index_text(w).strip().replace('"', '""') + '"' for w in query.split())


OPTIONS: dict[str, tuple[str, Callable[[str | None], str], Callable[[str], str]]] = {
    # name: (FTS5 tokenizer, text -> indexed text, query -> MATCH)
    "unicode61 on raw text": ("unicode61", lambda t: t or "", raw_phrases),
    "trigram on raw text": ("trigram", lambda t: t or "", raw_phrases),
    "kiwi morphemes (index and query)": ("unicode61", kiwi_morphemes, morpheme_phrases),
    "bigrams, query as typed": ("unicode61", index_text, bigram_phrases_without_analyser),
    "bigrams, kiwi cuts query particles": ("unicode61", index_text, kiwi_bigram_phrases),
    "bigrams, particle table cuts them (chosen)": ("unicode61", index_text, match_expression),
}
NEEDS_KIWI = {"kiwi morphemes (index and query)", "bigrams, kiwi cuts query particles"}


def compare_options() -> None:
    print("== 1. indexing options on the labelled set "
          f"({len(queries())} queries, {len(articles())} articles)")  # fmt: skip
    print(f"{'option':46} {'recall':>7} {'precision':>9} {'index ms/article':>17}")
    if has_kiwi():
        kiwi().tokenize(articles()[0]["body"])  # load and warm up outside the timings
    for name, (tokenizer, to_index, to_match) in OPTIONS.items():
        if name in NEEDS_KIWI and not has_kiwi():
            print(f"{name:46} (skipped: pip install kiwipiepy to compare)")
            continue
        conn = sqlite3.connect(":memory:")
        conn.execute(
            f"CREATE VIRTUAL TABLE f USING fts5(title, subtitle, body, tokenize='{tokenizer}')"
        )
        started = time.perf_counter()
        for a in articles():
            conn.execute(
                "INSERT INTO f(rowid, title, subtitle, body) VALUES (?, ?, ?, ?)",
                [a["id"], to_index(a["title"]), to_index(a["subtitle"]), to_index(a["body"])],
            )
        per_article = (time.perf_counter() - started) / len(articles()) * 1000

        def find(query: str, conn=conn, to_match=to_match) -> list[int]:
            match = to_match(query)
            if not match:
                return []
            return [r[0] for r in conn.execute("SELECT rowid FROM f WHERE f MATCH ?", [match])]

        result = evaluate(find)
        print(f"{name:46} {result['recall']:7.3f} {result['precision']:9.3f} {per_article:17.3f}")
        missed = [q for q, missing, _ in result["misses"] if missing]
        wrong = [q for q, _, extra in result["misses"] if extra]
        print(f"{'':4}missed some: {' '.join(missed[:12]) or '-'}")
        print(f"{'':4}found extra: {' '.join(wrong[:12]) or '-'}")


# ---- synthetic articles -----------------------------------------------------------------------


def sentence_pool() -> list[str]:
    texts = [a["body"] for a in articles()] + [a["title"] for a in articles()]
    if SEED_PAGE.exists():
        texts.append(SEED_PAGE.read_text(encoding="utf-8"))
    pool = []
    for text in texts:
        for piece in re.split(r"(?<=[.다])\s+|\n", text):
            piece = " ".join(piece.split())
            if len(piece) >= 15:
                pool.append(piece)
    return pool


PARTICLES = ["", "", "", "은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "와", "도"]
REAL_SENTENCE_SHARE = 0.02  # the rest is made-up words, so real words keep real-ish frequencies


class SyntheticNews:
    """Article-sized text: a few real sentences among sentences of made-up words.

    Made-up words are 2-4 syllables drawn with the syllable frequencies of the real text and
    used with a Zipf distribution over a 40,000-word vocabulary, so common bigrams are common
    and a query word of the labelled set matches a realistic share of the articles (the bench
    prints how many).
    """

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pool = sentence_pool()
        text = "".join(self.pool)
        syllables = [ch for ch in text if "\uac00" <= ch <= "\ud7a3"]
        counts: dict[str, int] = {}
        for ch in syllables:
            counts[ch] = counts.get(ch, 0) + 1
        letters, weights = zip(*counts.items())
        self.vocabulary = [
            "".join(self.rng.choices(letters, weights, k=self.rng.randint(2, 4)))
            for _ in range(40_000)
        ]
        self.zipf = list(accumulate(1 / rank for rank in range(1, len(self.vocabulary) + 1)))

    def sentence(self) -> str:
        rng = self.rng
        if rng.random() < REAL_SENTENCE_SHARE:
            return rng.choice(self.pool)
        words = rng.choices(self.vocabulary, cum_weights=self.zipf, k=rng.randint(6, 12))
        return " ".join(w + rng.choice(PARTICLES) for w in words) + " 했다."

    def article(self, article_id: int) -> dict:
        rng = self.rng
        day = f"20{rng.randint(24, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        duplicate = article_id > 10 and rng.random() < 0.05
        return {
            "id": article_id,
            "url": f"https://site{article_id % 40}.example.kr/news/{article_id}",
            "site": f"site-{article_id % 40}",
            "title": self.sentence()[:40],
            "subtitle": self.sentence()[:50] if rng.random() < 0.3 else None,
            "body": "\n".join(self.sentence() for _ in range(rng.randint(12, 30))),
            "published": f"{day}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+09:00",
            "lang": "ko",
            "dup_of": rng.randint(1, article_id - 1) if duplicate else None,
        }


# ---- 2. indexing cost ---------------------------------------------------------------------------


def indexing_cost(sample: int = 2000) -> None:
    """What fts.index_article costs the store: a new article (its row just inserted, as in
    Store.save_article) and an edited one (the old entry taken out with its old text first)."""
    news = SyntheticNews(7)
    rows = [news.article(i) for i in range(1, sample + 1)]
    edits = SyntheticNews(8)
    db = Database(memory=True)
    db.execute(ARTICLES_SQL)
    fts.install(db)
    warm = [news.article(sample + i) for i in range(1, 201)]
    for row in warm:  # warm the code paths and caches outside the timings
        with db.atomic():
            db["articles"].insert(row)
            fts.index_article(db, row["id"])
    new, edited = [], []
    for row in rows:
        with db.atomic():
            db["articles"].insert(row)
            started = time.perf_counter()
            fts.index_article(db, row["id"])
            new.append(time.perf_counter() - started)
    for row in rows:
        with db.atomic():
            db.execute(
                "UPDATE articles SET body = ? WHERE id = ?", [edits.article(1)["body"], row["id"]]
            )
            started = time.perf_counter()
            fts.delete_article(db, row["id"])
            fts.index_article(db, row["id"])
            edited.append(time.perf_counter() - started)
    chars = statistics.mean(len(r["body"]) for r in rows)
    text_only = []
    for row in rows[:500]:
        started = time.perf_counter()
        index_text(row["title"]), index_text(row["subtitle"]), index_text(row["body"])
        index_terms(row["title"], row["subtitle"], row["body"])
        text_only.append(time.perf_counter() - started)
    print(f"\n== 2. indexing cost ({sample} articles, mean body {chars:.0f} chars)")
    for name, timings in (("new article", new), ("edited article", edited)):
        print(f"fts.index_article, {name}: mean {statistics.mean(timings) * 1000:.3f} ms, "
              f"p95 {percentile(timings, 95) * 1000:.3f} ms (target <= 2 ms)")  # fmt: skip
    print(f"of which the text (index_text, index_terms): mean "
          f"{statistics.mean(text_only) * 1000:.3f} ms")  # fmt: skip


# ---- 3. query latency ---------------------------------------------------------------------------


# The index as it was before issue 13 (git show 6957599^:crawler/store/fts.py): the text kept in the
# FTS table, title first, a prefix index of first characters; bigrams without the glued first
# character, and a word ending in one CJK character as a prefix query. Part 3 times the same
# queries on it over the same articles, in the same process: the like-with-like reference for
# "search latency no worse than before" (the machine's load moves absolute figures 2-3x).
REFERENCE_FTS = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, subtitle, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1')"
)
REFERENCE_WEIGHTS = (5.0, 2.0, 1.0)


def reference_index_text(text: str | None) -> str:
    return _CJK_RUN.sub(lambda m: f" {bigrams(m.group())} ", text) if text else ""


def reference_match_expression(query: str) -> str:
    alternatives = []
    for part in re.split(r"\s+OR\s+", query):
        phrases = []
        for word in query_words(part):
            tokens = [t for t in reference_index_text(word).split() if any(map(str.isalnum, t))]
            if not tokens:
                continue
            prefix = bool(_CJK_RUN.fullmatch(tokens[-1])) and len(tokens[-1]) == 1
            phrases.append('"' + " ".join(tokens).replace('"', '""') + '"' + (" *" * prefix))
        if phrases:
            alternatives.append(" AND ".join(phrases))
    if len(alternatives) > 1:
        return " OR ".join(f"({a})" for a in alternatives)
    return alternatives[0] if alternatives else ""


def build_big_db(path: Path, count: int, reference: bool = False) -> Database:
    create = REFERENCE_FTS if reference else fts._CREATE_FTS
    if path.exists():
        db = Database(path)
        have = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        made = db.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
        if have == count and made and made[0] == create:
            print(f"(reusing {path} with {have} articles)")
            return db
        db.close()
        path.unlink()
    news = SyntheticNews(42)
    db = Database(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(ARTICLES_SQL)
    db.execute("CREATE INDEX idx_articles_dup_of ON articles(dup_of)")
    if reference:
        db.execute(REFERENCE_FTS)
        db.execute(fts._CREATE_PENDING)  # empty: crawler.query.search asks it
    else:
        fts.install(db)
    started = time.perf_counter()
    batch = 5000
    for first in range(1, count + 1, batch):
        rows = [news.article(i) for i in range(first, min(first + batch, count + 1))]
        with db.atomic():
            db["articles"].insert_all(rows)
            for row in rows:
                if reference:
                    db.execute(
                        "INSERT INTO articles_fts(rowid, title, subtitle, body) "
                        "VALUES (?, ?, ?, ?)",
                        [row["id"], *map(reference_index_text, (row["title"], row["subtitle"],
                                                                row["body"]))],
                    )  # fmt: skip
                else:
                    fts.index_article(db, row["id"])
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    seconds = time.perf_counter() - started
    size = path.stat().st_size / 2**20
    print(f"built {count} articles{' (reference index)' if reference else ''} in {seconds:.0f} s "
          f"({seconds / count * 1000:.2f} ms each with the row insert), file {size:.0f} MiB")  # fmt: skip
    return db


@contextmanager
def reference_search():
    """crawler.query.search.search on the reference index: its match expression and weights."""
    saved = crawler_search.match_expression, crawler_search.BM25_WEIGHTS
    crawler_search.match_expression = reference_match_expression
    crawler_search.BM25_WEIGHTS = REFERENCE_WEIGHTS
    try:
        yield
    finally:
        crawler_search.match_expression, crawler_search.BM25_WEIGHTS = saved


def query_latency(path: Path, count: int, repeat: int, reference: bool = True) -> None:
    print(f"\n== 3. query latency at {count} articles")
    db = build_big_db(path, count)
    ref = (
        build_big_db(path.with_name(path.stem + "-before13.db"), count, True) if reference else None
    )
    search(db, "고양시")  # warm the page cache
    if ref is not None:
        with reference_search():
            search(ref, "고양시")
    timings: dict[str, list[float]] = {}
    ref_timings: dict[str, list[float]] = {}
    # Each query on both indexes in turn, the same load on both; which goes first alternates,
    # since the second of two runs of a query is faster (a fixed order made today's index look
    # a third slower on the very queries that time the same on their own).
    turn = 0
    for _ in range(repeat):
        for q in queries():
            turn += 1
            runs = [(db, timings, nullcontext)]
            if ref is not None:
                runs.insert(turn % 2, (ref, ref_timings, reference_search))
            for store, found, how in runs:
                with how():
                    started = time.perf_counter()
                    search(store, q["query"])
                    found.setdefault(q["query"], []).append(time.perf_counter() - started)
    for name, found in (("krnews search", timings), ("index before issue 13", ref_timings)):
        every = [t for ts in found.values() for t in ts]
        if every:
            print(f"{name:22} (limit 20, one hit per story), {len(every)} queries: "
                  f"p50 {percentile(every, 50) * 1000:.1f} ms, "
                  f"p95 {percentile(every, 95) * 1000:.1f} ms, "
                  f"max {max(every) * 1000:.1f} ms (target p95 <= 50 ms)")  # fmt: skip
    slowest = sorted(timings, key=lambda q: -statistics.median(timings[q]))[:5]
    for q in slowest:
        matches = db.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [match_expression(q)]
        ).fetchone()[0]
        before = (
            f" (before issue 13: {statistics.median(ref_timings[q]) * 1000:.1f} ms)"
            if ref_timings
            else ""
        )
        print(f"  slowest: {q!r:16} median {statistics.median(timings[q]) * 1000:6.1f} ms, "
              f"{matches} matching articles{before}")  # fmt: skip


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/krnews-search-bench.db"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of the query set")
    parser.add_argument("--skip", choices=["options", "indexing", "latency"], action="append")
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="do not build and time the index as it was before issue 13 beside today's",
    )
    args = parser.parse_args()
    skip = set(args.skip or ())
    if "options" not in skip:
        compare_options()
    if "indexing" not in skip:
        indexing_cost()
    if "latency" not in skip:
        query_latency(args.db, args.articles, args.repeat, not args.no_reference)


if __name__ == "__main__":
    main()
