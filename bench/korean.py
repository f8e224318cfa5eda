"""Crawl-level judge on the Korean replica sites (../shared/korean-sites), one run.

Serves the five sites (serve.py, request log on), crawls them with `krnews crawl --quiet` on a
sites.toml that names each site by name and home URL only, switches the sites to phase 2 (the
next morning: 10 new articles), crawls again on the same store, and scores the store and the
request log (tests/korean_gate.py): coverage, spurious rows, second copies, field accuracy,
boilerplate residue, duplicate clusters, robots.txt violations, refetches, search.
tests/test_korean_gate.py holds the same figures to tests/fixtures/korean_floors.json.

    python bench/korean.py [--json FILE] [--keep DIR] [--examples]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from korean_gate import FIELDS, SITES, Truth, score
from korean_run import two_crawls


def in_project_env() -> None:
    """`python bench/korean.py` outside the virtualenv: run again under .venv's python (the
    scoring reads robots.txt with protego and searches with the project's own code)."""
    venv = ROOT / ".venv" / "bin" / "python"
    if (
        importlib.util.find_spec("protego") is None
        and venv.is_file()
        and "KRNEWS_BENCH_REEXEC" not in os.environ
    ):
        os.environ["KRNEWS_BENCH_REEXEC"] = "1"
        os.execv(venv, [str(venv), __file__, *sys.argv[1:]])


def run(workdir: Path, root: Path = SITES) -> dict:
    from crawler.crawl.settings import USER_AGENT

    crawls = two_crawls(workdir, root)
    truth = Truth.load(crawls.port, root)
    figures = score(truth, crawls.db, crawls.log, crawls.crawl1_len, crawls.crawl1_rows, USER_AGENT)
    figures["runs"] = {
        "exit_codes": list(crawls.exits),
        "seconds": list(crawls.seconds),
        "requests": list(crawls.requests),
        "stderr_tail": [err.strip().splitlines()[-1:] for err in crawls.stderr],
    }
    return figures


def _fields_table(fields: dict, label: str) -> list[str]:
    names = (*FIELDS, "body_f1")
    out = [f"{label:<20}" + "".join(f"{n:>10}" for n in names)]
    out.append(f"{'all':<20}" + "".join(f"{fields.get(n, 0):>10.3f}" for n in names))
    for site, shares in sorted(fields["by_site"].items()):
        out.append(f"{site:<20}" + "".join(f"{shares[n]:>10.3f}" for n in names))
    return out


def table(f: dict, examples: bool = False) -> str:
    d, s, r = f["dedup"], f["search"], f["runs"]
    lines = [
        f"crawls: exit {r['exit_codes']}, {r['seconds']} s, requests {r['requests']}",
        f"crawl1.coverage            {f['crawl1']['coverage']:.3f}"
        + f"  ({f['crawl1']['stored']} rows after crawl 1)",
        f"coverage (after crawl 2)   {f['coverage']:.3f}  ({f['stored']} rows)",
        f"phase2_coverage            {f['phase2_coverage']:.3f}",
        f"phase2_off_home_coverage   {f['phase2_off_home_coverage']:.3f}",
        f"spurious rows              {f['spurious']}",
        f"second copies              {f['second_copies']}",
        f"residue lines              {f['residue_lines']}",
        f"dedup pairwise P / R       {d['pairwise_precision']:.3f} / {d['pairwise_recall']:.3f}"
        + f"  (hard negatives linked: {d['hard_negatives_linked']})",
        f"phase2 story pairs linked  {d['phase2_story_pairs']} / {d['phase2_story_pairs_of']}",
        f"robots.txt violations      {f['robots_violations']}",
        f"recrawl known articles     {f['recrawl_known_article_fetches']}",
    ]
    if s:
        lines.append(
            f"search recall / precision  {s['recall']:.3f} / {s['precision']:.3f}"
            f"  ({s['queries']} queries)"
        )
    lines += ["", *_fields_table(f["fields"], "fields (phase 1)")]
    lines += ["", *_fields_table(f["phase2_fields"], "fields (phase 2)")]
    lines += ["", f"missing after crawl 2 ({len(f['missing'])}):", *f["missing"]]
    lines += [f"phase 2 missing ({len(f['phase2_missing'])}):", *f["phase2_missing"]]
    if examples:
        lines += ["", "spurious:", *f["spurious_examples"]]
        lines += ["second copies:", *f["second_copy_examples"]]
        lines += ["robots violations:", *f["robots_violation_examples"]]
        lines += ["refetches:", *f["recrawl_examples"]]
        lines += ["residue:", *(f"  {e['url']}: {e['line']}" for e in f["residue_examples"])]
        lines += ["wrong fields:"]
        lines += [
            f"  {e['field']} {e['url']}\n    got  {e['got']!r}\n    want {e['want']!r}"
            for e in f["fields"]["examples"]
        ]
        lines += ["phase 2 pairs:", *(f"  {p['cluster']} {p['state']}" for p in d["phase2_pairs"])]
        if s:
            lines += ["search, worst queries:", *(f"  {w}" for w in s["worst"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="FILE", help="write every figure here")
    parser.add_argument("--keep", metavar="DIR", help="keep the store, log and sites.toml here")
    parser.add_argument("--examples", action="store_true", help="print examples of each fault")
    parser.add_argument("--sites-root", default=str(SITES), help="the korean-sites folder")
    args = parser.parse_args(argv)
    in_project_env()
    root = Path(args.sites_root)
    if not (root / "truth.jsonl").is_file():
        print(f"no truth.jsonl in {root}", file=sys.stderr)
        return 2
    if args.keep:
        figures = run(Path(args.keep), root)
    else:
        with tempfile.TemporaryDirectory(prefix="krnews-korean-") as tmp:
            figures = run(Path(tmp), root)
    print(table(figures, args.examples))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
