"""Text reuse after a real crawl of ../shared/korean-sites (issue 26), against the truth bodies.

`score_reuse(truth, db)` reads `story_reuse` from a crawled store and compares, per truth story
(`cluster`) of two or more versions: the first outlet (the earliest published in truth), each
version's copied share with a sentence-level reference computed from the truth bodies
(tests/test_reuse.py `reference_copied_share`), exact re-posts at 1.00, and hard negatives in
one story. `python tests/korean_reuse.py` crawls the sites twice (tests/korean_run.py) and
prints the figures.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from korean_gate import Truth, matches, stored_rows
from test_reuse import reference_copied_share


def score_reuse(truth: Truth, db_path: str | Path) -> dict:
    rows = stored_rows(db_path)
    stored = matches(rows, truth)  # row id -> truth url
    articles = {a["url"]: a for a in truth.phase1 + truth.phase2}
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    reuse = conn.execute("SELECT story, article_id, first_id, copied_share FROM story_reuse")
    facts = {aid: (story, first, share) for story, aid, first, share in reuse}
    conn.close()
    clusters: dict[str, list[dict]] = defaultdict(list)
    for a in articles.values():
        clusters[a["cluster"]].append(a)
    wrong_first, off, errors, checked = [], [], [], 0
    for cluster, versions in sorted(clusters.items()):
        if len(versions) < 2:
            continue
        earliest = min(v["published"] for v in versions)
        first_sites = {v["site"] for v in versions if v["published"] == earliest}
        for row_id, url in stored.items():
            if articles.get(url, {}).get("cluster") != cluster:
                continue
            if row_id not in facts:
                off.append(f"{cluster} {url}: no reuse row")
                continue
            _, first_id, share = facts[row_id]
            first_url = stored.get(first_id)
            if first_url is None or articles[first_url]["site"] not in first_sites:
                wrong_first.append(cluster)
                continue
            want = reference_copied_share(articles[first_url]["body"], articles[url]["body"])
            errors.append(abs(share - want))
            checked += 1
            if abs(share - want) > 0.05:
                off.append(f"{cluster} {url}: {share} vs {want:.3f}")
    mixed = []
    for story in {f[0] for f in facts.values()}:
        members = {articles[stored[a]]["cluster"] for a, f in facts.items() if f[0] == story
                   and a in stored and stored[a] in articles}  # fmt: skip
        if len(members) > 1:
            mixed.append(sorted(members))
    return {
        "versions_checked": checked,
        "wrong_first": sorted(set(wrong_first)),
        "off_by_more_than_0.05": off,
        "max_share_error": round(max(errors, default=0.0), 4),
        "stories_mixing_clusters": mixed,
    }


def main() -> int:
    from korean_run import two_crawls

    crawls = two_crawls(Path(tempfile.mkdtemp(prefix="korean-reuse-")))
    figures = score_reuse(Truth.load(crawls.port), crawls.db)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0 if not (figures["wrong_first"] or figures["off_by_more_than_0.05"]) else 1


if __name__ == "__main__":
    sys.exit(main())
