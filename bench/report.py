"""How fast is `krnews report` on a big store, and what does it look like?

    python bench/report.py [--articles 100000] [--sites 300] [--days 60]

Builds a synthetic store (schema from crawler.store.db, rows bulk-inserted: the report is measured,
not the crawl), times the report in every format (target: under 5 s at 100k articles), renders
the HTML in headless Chromium and saves bench/out/report.png (and report.html) to look at.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.query.report import build_report
from crawler.query.report.render import RENDERERS
from crawler.store.db import Store

OUT = Path(__file__).parent / "out"
FATES = ["redesign", "quiet", "errors", "new"]
KST = timedelta(hours=9)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]  # fmt: skip


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def kst(moment: datetime) -> str:
    return (moment + KST).replace(tzinfo=None).isoformat(timespec="seconds") + "+09:00"


def build_store(
    path: Path, n_articles: int, n_sites: int, days: int, now: datetime, quiet: bool = False
) -> None:
    rnd = random.Random(8)
    syllables = [chr(c) for c in range(0xAC00, 0xAC00 + 800)]
    paragraphs = [
        " ".join("".join(rnd.choices(syllables, k=rnd.randint(2, 4))) for _ in range(45))
        for _ in range(400)
    ]
    names = [f"site-{i:03d}" for i in range(n_sites)]
    # a realistic morning: most sites fine, a few broken, quiet, erroring or just added
    fate = {name: "ok" for name in names}
    for name, doom in zip(rnd.sample(names, max(n_sites // 20, 4)), FATES * n_sites, strict=False):
        fate[name] = doom
    weight = {name: rnd.lognormvariate(0, 0.8) for name in names}
    total_weight = sum(weight.values())
    store = Store(path)
    db = store.db.conn
    runs, run_sites, fetches, articles = [], [], [], []
    article_id = 0
    recent_by_day: dict[int, list[tuple[int, str]]] = {}
    for day in range(days):
        started = now - timedelta(days=days - 1 - day, minutes=40)
        run_id = day + 1
        latest = day == days - 1
        run_pages = run_articles = run_errors = 0
        for name in names:
            if fate[name] == "new" and day < days - 2:
                continue
            per_day = n_articles / days * weight[name] / total_weight
            count = int(per_day) + (rnd.random() < per_day % 1)
            if fate[name] == "quiet" and day >= days - 6:
                count = 0
            errors = rnd.choice([0, 0, 0, 1, 2])
            if fate[name] == "errors" and latest:
                errors = 40
            for _ in range(count):
                article_id += 1
                published = started - timedelta(minutes=rnd.randint(10, 1400))
                body = "\n".join(rnd.sample(paragraphs, rnd.randint(3, 7)))
                pub, author = kst(published), rnd.choice(["김민준", "이서연", "박지훈", None])
                if fate[name] == "redesign" and latest:
                    pub, body = None, body[:80]
                dup_of = None
                earlier = recent_by_day.get(day, [])
                if earlier and rnd.random() < 0.12:
                    dup_of, body = rnd.choice(earlier)
                elif pub is not None:
                    recent_by_day.setdefault(day, []).append((article_id, body))
                articles.append((
                    article_id, f"https://{name}.example.kr/news/articleView.html?idxno={article_id}",
                    name, f"{name} 기사 {article_id} <b>&amp;</b>", author, pub, body,
                    iso(started + timedelta(seconds=rnd.randint(1, 500))),
                    f"{article_id:032x}", dup_of, 0.9 if dup_of else None,
                ))  # fmt: skip
            pages = count + rnd.randint(3, 12)
            run_sites.append((run_id, name, pages, count, errors))
            fetches += [(run_id, name, f"https://{name}.example.kr/x{i}", 503, "http_5xx",
                         iso(started)) for i in range(errors)]  # fmt: skip
            run_pages += pages
            run_articles += count
            run_errors += errors
        runs.append((
            run_id, iso(started), iso(started + timedelta(seconds=rnd.randint(900, 2400))),
            "partial" if run_errors else "ok", 1 if run_errors else 0, run_pages, run_articles,
            run_errors,
        ))  # fmt: skip
    with db:
        db.executemany(
            "INSERT INTO articles (id, url, site, title, author, published, body, fetched_at, "
            "content_hash, dup_of, similarity) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            articles,
        )
        db.executemany(
            "INSERT INTO runs (id, started, finished, status, exit_code, pages, articles, errors)"
            " VALUES (?,?,?,?,?,?,?,?)",
            runs,
        )
        db.executemany(
            "INSERT INTO run_sites (run_id, site, pages, articles, errors) VALUES (?,?,?,?,?)",
            run_sites,
        )
        db.executemany(
            "INSERT INTO fetches (run_id, site, url, status, kind, time) VALUES (?,?,?,?,?,?)",
            fetches,
        )
        db.executemany(
            "INSERT INTO sites (name, home, profile, first_seen, last_success, last_run_id) "
            "VALUES (?,?,?,?,?,?)",
            [(n, f"https://{n}.example.kr/", "ndsoft", iso(now - timedelta(days=days)),
              iso(now - timedelta(minutes=30)), days) for n in names],
        )  # fmt: skip
    store.close()
    if quiet:
        return
    print(f"store: {len(articles)} articles, {n_sites} sites, {len(runs)} runs, "
          f"{len(fetches)} fetch errors, {path.stat().st_size / 1e6:.0f} MB")  # fmt: skip


def screenshot(html: Path, png: Path, height: int) -> float:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get update && apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as profile:
        start = time.perf_counter()
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             f"--window-size=1500,{height}", f"--screenshot={png}", html.resolve().as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        return time.perf_counter() - start


def time_report(db: Path, now: datetime) -> None:
    start = time.perf_counter()
    report = build_report(db, now=now)
    print(f"collect (all queries): {time.perf_counter() - start:.2f} s")
    for fmt, render in RENDERERS.items():
        start = time.perf_counter()
        text = render(report)
        print(f"render {fmt:<4}: {time.perf_counter() - start:.2f} s, {len(text) / 1e3:.0f} kB")
    start = time.perf_counter()
    html = RENDERERS["html"](build_report(db, now=now))
    total = time.perf_counter() - start
    verdict = "OK" if total < 5 else "OVER TARGET"
    print(f"report, end to end (html): {total:.2f} s  (target < 5 s: {verdict})")
    print("statuses: " + ", ".join(f"{n} {s}" for s, n in report.status_counts().items()))
    (OUT / "report.html").write_text(html, encoding="utf-8")
    seconds = screenshot(OUT / "report.html", OUT / "report.png", 2400)
    print(f"chromium load + screenshot: {seconds:.2f} s -> {OUT / 'report.png'}")


def overview(tmp: Path, now: datetime) -> None:
    """A dozen sites, so that one screenshot shows every part of the page."""
    db = tmp / "small.db"
    build_store(db, 3000, 12, 30, now, quiet=True)
    html = OUT / "report-overview.html"
    html.write_text(RENDERERS["html"](build_report(db, now=now)), encoding="utf-8")
    screenshot(html, OUT / "report-overview.png", 2000)
    print(f"overview screenshot -> {OUT / 'report-overview.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "news.db"
        start = time.perf_counter()
        build_store(db, args.articles, args.sites, args.days, now)
        print(f"built in {time.perf_counter() - start:.1f} s")
        time_report(db, now)
        overview(Path(tmp), now)


if __name__ == "__main__":
    main()
