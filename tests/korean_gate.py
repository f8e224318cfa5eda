"""Crawl-level scoring on the Korean replica sites (../shared/korean-sites), as its README says.

Pure scoring: the truth files, a store crawled twice (phase 1, then phase 2) and the server's
request log in, one dict of figures out. tests/korean_run.py serves the sites and runs the two
crawls; bench/korean.py prints the figures, tests/test_korean_gate.py holds them to
tests/fixtures/korean_floors.json.

URLs are compared as keys: host lower-cased, path and query percent-decoded (NFC), query pairs
sorted (the server answers a URL only as linked, but a crawler may store a canonical spelling).
An article row matches a truth URL by its url or any of its url_aliases, through the truth's
alias maps (utm links). A "slow" fault URL whose truth is given is neither rewarded nor punished.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import combinations
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT.parent / "shared" / "korean-sites"
FIELDS = ("title", "subtitle", "author", "published", "updated")
KST = timezone(timedelta(hours=9))
EXAMPLES = 5

UrlKey = tuple[str, str, tuple[tuple[str, str], ...]]


def url_key(url: str) -> UrlKey:
    """One key for every spelling of a URL: %-case, %-encoding or not, query order."""
    parts = urlsplit(url.strip())
    path = unicodedata.normalize("NFC", unquote(parts.path) or "/")
    query = parse_qsl(parts.query, keep_blank_values=True)
    pairs = tuple(
        sorted((unicodedata.normalize("NFC", k), unicodedata.normalize("NFC", v)) for k, v in query)
    )
    return (parts.netloc.lower(), path, pairs)


def collapse(text: str | None) -> str | None:
    """NFC, all whitespace one space, stripped; None and "" are None."""
    if text is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


def tokens(text: str | None) -> list[str]:
    return unicodedata.normalize("NFC", text or "").split()


def token_f1(got: str | None, want: str | None) -> float:
    """Whitespace-token F1 with multiset overlap; two empty texts agree."""
    a, b = tokens(got), tokens(want)
    if not a and not b:
        return 1.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def instant(value: str | None) -> datetime | None | str:
    """An ISO 8601 time as an aware datetime (naive is Korea time); the text if unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    return moment if moment.tzinfo else moment.replace(tzinfo=KST)


def field_right(name: str, got: str | None, want: str | None) -> bool:
    if name in ("published", "updated"):
        return instant(got) == instant(want)
    return collapse(got) == collapse(want)


def pairwise(predicted: Mapping[str, object], truth: Mapping[str, object]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering (item -> cluster id) against the truth's,
    over the items of `predicted`; 1.0 where there is no pair to judge."""
    items = sorted(predicted)
    tp = fp = fn = 0
    for a, b in combinations(items, 2):
        same, right = predicted[a] == predicted[b], truth[a] == truth[b]
        tp += same and right
        fp += same and not right
        fn += right and not same
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)


def residue_lines(body: str | None, truth_body: str) -> list[str]:
    """Lines of a stored body most of whose tokens are not in the truth body."""
    known = set(tokens(truth_body))
    out = []
    for line in (body or "").split("\n"):
        words = tokens(line)
        if words and 2 * sum(w not in known for w in words) > len(words):
            out.append(" ".join(words))
    return out


@dataclass
class Truth:
    """The truth files with {PORT} filled in."""

    port: int
    phase1: list[dict]
    phase2: list[dict]
    meta: dict
    queries: list[dict]
    sites: list[dict]
    unjudged: list[dict] = field(default_factory=list)  # slow faults' truth_if_fetched
    aliases: dict[UrlKey, UrlKey] = field(default_factory=dict)
    root: Path = SITES

    @classmethod
    def load(cls, port: int, root: Path = SITES) -> Truth:
        def read(name: str) -> str:
            return (root / name).read_text("utf-8").replace("{PORT}", str(port))

        def lines(name: str) -> list[dict]:
            return [json.loads(line) for line in read(name).splitlines() if line.strip()]

        meta = json.loads(read("truth_meta.json"))
        truth = cls(
            port,
            lines("truth.jsonl"),
            lines("truth_phase2.jsonl") if (root / "truth_phase2.jsonl").is_file() else [],
            meta,
            json.loads(read("queries.json")) if (root / "queries.json").is_file() else [],
            json.loads((root / "sites" / "sites.json").read_text("utf-8")),
            root=root,
        )
        truth.unjudged = [
            f["truth_if_fetched"] for f in meta.get("faults", []) if f.get("truth_if_fetched")
        ]
        spellings = {**meta.get("aliases", {}), **meta.get("phase2", {}).get("aliases", {})}
        truth.aliases = {url_key(a): url_key(c) for a, c in spellings.items()}
        return truth

    def by_key(self) -> dict[UrlKey, dict]:
        return {url_key(a["url"]): a for a in self.phase1 + self.phase2 + self.unjudged}


@dataclass
class Row:
    id: int
    url: str
    aliases: tuple[str, ...]
    site: str
    title: str | None
    subtitle: str | None
    author: str | None
    published: str | None
    updated: str | None
    body: str | None
    dup_of: int | None


def stored_rows(db_path: str | Path) -> list[Row]:
    """Every article row with its aliases (plain sqlite3, read-only)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        aliases: dict[int, list[str]] = {}
        for alias, article_id in db.execute("SELECT alias, article_id FROM url_aliases"):
            aliases.setdefault(article_id, []).append(alias)
        sql = (
            "SELECT id, url, site, title, subtitle, author, published, updated, body, dup_of"
            " FROM articles ORDER BY id"
        )
        return [Row(r[0], r[1], tuple(aliases.get(r[0], ())), *r[2:]) for r in db.execute(sql)]
    finally:
        db.close()


def matches(rows: Iterable[Row], truth: Truth) -> dict[int, str]:
    """Row id -> the truth URL it stores (either phase or unjudged), for rows that store one."""
    known = truth.by_key()
    out = {}
    for row in rows:
        for spelling in (row.url, *row.aliases):
            key = url_key(spelling)
            key = truth.aliases.get(key, key)
            if key in known:
                out[row.id] = known[key]["url"]
                break
    return out


def _chosen(rows: list[Row], matched: dict[int, str]) -> dict[str, Row]:
    """Truth URL -> the one row judged for it: its own URL first, else the lowest id."""
    chosen: dict[str, Row] = {}
    for row in rows:
        url = matched.get(row.id)
        if url is None:
            continue
        if url not in chosen or (url_key(row.url) == url_key(url) != url_key(chosen[url].url)):
            chosen[url] = row
    return chosen


def coverage(articles: list[dict], chosen: dict[str, Row]) -> tuple[float, list[str]]:
    missing = [a["url"] for a in articles if a["url"] not in chosen]
    return (1 - len(missing) / len(articles) if articles else 1.0, missing)


def score_fields(articles: list[dict], chosen: dict[str, Row]) -> dict:
    """Share right per field and mean body token F1 over all `articles` (missing is wrong),
    overall and per site, with a few wrong values."""
    sums: dict[str, dict[str, float]] = {}
    counts: Counter[str] = Counter()
    examples: list[dict] = []
    for article in articles:
        row = chosen.get(article["url"])
        for site in ("all", article["site"]):
            counts[site] += 1
            total = sums.setdefault(site, dict.fromkeys((*FIELDS, "body_f1"), 0.0))
            if row is None:
                continue
            for name in FIELDS:
                total[name] += field_right(name, getattr(row, name), article[name])
            total["body_f1"] += token_f1(row.body, article["body"])
        if row is None:
            continue
        for name in FIELDS:
            got, want = getattr(row, name), article[name]
            if not field_right(name, got, want) and sum(e["field"] == name for e in examples) < 3:
                examples.append({"field": name, "url": article["url"], "got": got, "want": want})
    shares = {s: {k: round(v / counts[s], 4) for k, v in t.items()} for s, t in sums.items()}
    return {**shares.pop("all", {}), "by_site": shares, "examples": examples}


def score_dedup(truth: Truth, rows: list[Row], chosen: dict[str, Row]) -> dict:
    parent = {row.id: row.dup_of or row.id for row in rows}

    def root(i: int) -> int:
        seen = set()
        while parent.get(i, i) != i and i not in seen:
            seen.add(i)
            i = parent[i]
        return i

    clusters = {a["url"]: a["cluster"] for a in truth.phase1 + truth.phase2}
    judged = {url: root(row.id) for url, row in chosen.items() if url in clusters}
    precision, recall = pairwise(judged, {url: clusters[url] for url in judged})
    pairs = []
    for pair in truth.meta.get("phase2", {}).get("pairs", []):
        a, b = judged.get(pair["a"]), judged.get(pair["b"])
        state = "missing" if a is None or b is None else ("linked" if a == b else "apart")
        pairs.append({"cluster": pair["cluster"], "a": pair["a"], "b": pair["b"], "state": state})
    negatives = [p for p in truth.meta.get("pairs", []) if p["kind"] == "hard-negative"]
    linked_negatives = sum(
        p["a"] in judged and p["b"] in judged and judged[p["a"]] == judged[p["b"]]
        for p in negatives
    )
    return {
        "pairwise_precision": round(precision, 4),
        "pairwise_recall": round(recall, 4),
        "hard_negatives_linked": linked_negatives,
        "phase2_story_pairs": sum(p["state"] == "linked" for p in pairs),
        "phase2_story_pairs_of": len(pairs),
        "phase2_pairs": pairs,
    }


def robots_rules(truth: Truth) -> dict[str, tuple[Any, Any]]:
    """Host -> (phase-1 robots, phase-2 robots), parsed with protego as the crawler does."""
    from protego import Protego

    out = {}
    for site in truth.sites:
        base = truth.root / "sites" / site["dir"] / "robots.txt"
        texts = []
        for path in (base, base.with_name("robots.txt.phase2")):
            path = path if path.is_file() else base
            text = path.read_text("utf-8") if path.is_file() else ""
            texts.append(Protego.parse(text.replace("{{PORT}}", str(truth.port))))
        out[site["host"]] = (texts[0], texts[1])
    return out


def _log_urls(log: list[str], port: int) -> list[tuple[int, str]]:
    out = []
    for index, line in enumerate(log):
        host, _, target = line.strip().partition(" ")
        if host and target:
            out.append((index, f"http://{host}:{port}{target}"))
    return out


def robots_violations(truth: Truth, log: list[str], phase2_from: int, agent: str) -> list[str]:
    rules = robots_rules(truth)
    out = []
    for index, url in _log_urls(log, truth.port):
        host = urlsplit(url).hostname or ""
        if urlsplit(url).path == "/robots.txt" or host not in rules:
            continue
        if not rules[host][index >= phase2_from].can_fetch(url, agent):
            out.append(url)
    return out


def refetches(truth: Truth, log: list[str], crawl1_len: int, crawl1_rows: list[Row]) -> list[str]:
    """Requests of crawl 2 for truth articles crawl 1 stored, under any of their spellings."""
    matched = matches(crawl1_rows, truth)
    spellings = {}
    for row in crawl1_rows:
        if row.id in matched:
            for url in (row.url, *row.aliases, matched[row.id]):
                spellings[url_key(url)] = matched[row.id]
    for alias, canonical in truth.aliases.items():
        if canonical in spellings:
            spellings[alias] = spellings[canonical]
    return [
        url
        for i, url in _log_urls(log, truth.port)
        if i >= crawl1_len and url_key(url) in spellings
    ]


def score_search(truth: Truth, db_path: str | Path, matched: dict[int, str]) -> dict:
    from crawler.query.search import search

    stored = set(matched.values())
    unjudged = {a["url"] for a in truth.phase2 + truth.unjudged}
    found = wanted = relevant = judged_hits = 0
    worst = []
    for query in truth.queries:
        must = set(query["must"]) & stored
        good = set(query["must"]) | set(query.get("may", []))
        hits = search(db_path, query["q"], limit=1000, include_duplicates=True)
        urls = [matched.get(hit["id"]) for hit in hits]
        urls = [u for u in urls if u not in unjudged]  # phase-2 articles: not in queries.json
        got = must & set(urls)
        found, wanted = found + len(got), wanted + len(must)
        relevant += sum(u in good for u in urls)
        judged_hits += len(urls)
        missed, wrong = len(must - got), sum(u not in good for u in urls)
        if missed or wrong:
            worst.append({"q": query["q"], "missed": missed, "wrong": wrong, "hits": len(urls)})
    worst.sort(key=lambda w: -(w["missed"] + w["wrong"]))
    return {
        "queries": len(truth.queries),
        "recall": round(found / wanted, 4) if wanted else 1.0,
        "precision": round(relevant / judged_hits, 4) if judged_hits else 1.0,
        "worst": worst[:EXAMPLES],
    }


def score(
    truth: Truth,
    db_path: str | Path,
    log: list[str],
    crawl1_len: int,
    crawl1_rows: list[Row],
    agent: str,
) -> dict:
    """Every figure of one two-crawl run (see the module docstring and bench/korean.py)."""
    rows = stored_rows(db_path)
    matched = matches(rows, truth)
    chosen = _chosen(rows, matched)
    chosen1 = _chosen(crawl1_rows, matches(crawl1_rows, truth))
    crawl1_coverage, crawl1_missing = coverage(truth.phase1, chosen1)
    cov, missing = coverage(truth.phase1, chosen)
    p2_cov, p2_missing = coverage(truth.phase2, chosen)
    off_home = [a for a in truth.phase2 if a["url"] in truth.meta["phase2"].get("not_on_home", [])]
    spurious = [row for row in rows if row.id not in matched]
    copies = Counter(matched.values())
    by_url = {a["url"]: a for a in truth.phase1 + truth.phase2}
    residue = [
        {"url": url, "line": line[:120]}
        for url, row in chosen.items()
        if url in by_url
        for line in residue_lines(row.body, by_url[url]["body"])
    ]
    violations = robots_violations(truth, log, crawl1_len, agent)
    again = refetches(truth, log, crawl1_len, crawl1_rows)
    return {
        "crawl1": {
            "coverage": round(crawl1_coverage, 4),
            "stored": len(crawl1_rows),
            "missing": crawl1_missing,
        },
        "stored": len(rows),
        "coverage": round(cov, 4),
        "missing": missing,
        "phase2_coverage": round(p2_cov, 4),
        "phase2_off_home_coverage": round(coverage(off_home, chosen)[0], 4),
        "phase2_missing": p2_missing,
        "spurious": len(spurious),
        "spurious_examples": [f"{r.site} {r.url} {r.title!r}" for r in spurious[:EXAMPLES]],
        "second_copies": sum(n - 1 for n in copies.values()),
        "second_copy_examples": [url for url, n in copies.items() if n > 1][:EXAMPLES],
        "fields": score_fields(truth.phase1, chosen),
        "phase2_fields": score_fields(truth.phase2, chosen),
        "residue_lines": len(residue),
        "residue_examples": residue[:EXAMPLES],
        "dedup": score_dedup(truth, rows, chosen),
        "robots_violations": len(violations),
        "robots_violation_examples": violations[:EXAMPLES],
        "recrawl_known_article_fetches": len(again),
        "recrawl_examples": again[:EXAMPLES],
        "search": score_search(truth, db_path, matched) if truth.queries else {},
    }


def flatten(figures: dict, prefix: str = "") -> dict[str, float]:
    """The numeric figures as dotted keys (`fields.by_site.paju-local.title`), for floors."""
    out: dict[str, float] = {}
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = value
    return out
