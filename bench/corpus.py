"""Real-page benchmark: ours beside trafilatura on ../shared/corpus/trafilatura-eval, one run.

Prints snippet precision / recall / F1 (the corpus README's scoring, tests/corpus_gate.py) and
pages per CPU-second for ours with profiles on, ours with the generic rules alone, and
trafilatura's `extract(bytes, url=url)` on the same bytes. Issue 11's targets: F1 >= 0.93,
precision >= 0.92, >= 2x trafilatura's pages per CPU-second.

    python bench/corpus.py [--limit N] [--no-trafilatura] [--worst 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus_gate import Page, Score, ours, pages


def run_trafilatura(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.body, url=page.url) or ""


def measure(name: str, run, corpus: list[Page]) -> tuple[Score, list[tuple[Page, str]]]:
    score = Score()
    outputs = []
    start = time.process_time()
    for page in corpus:
        text = run(page)
        outputs.append((page, text))
    cpu = time.process_time() - start
    for page, text in outputs:
        score.add(page, text)
    print(f"{name:<22} {score.line()}  pages/cpu-s={len(corpus) / cpu:.1f} ({cpu:.1f} s)")
    return score, outputs


def worst(outputs: list[tuple[Page, str]], n: int) -> None:
    rows = []
    for page, text in outputs:
        missed = sum(s not in text for s in page.with_)
        leaked = sum(s in text for s in page.without)
        if missed or leaked:
            rows.append((missed + leaked, missed, leaked, page.url))
    for _, missed, leaked, url in sorted(rows, reverse=True)[:n]:
        print(f"  missed={missed} leaked={leaked} {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of ours")
    args = parser.parse_args(argv)
    corpus = pages(args.limit)
    print(
        f"{len(corpus)} pages, {sum(len(p.body) for p in corpus) / len(corpus) / 1024:.0f} KiB mean"
    )
    if not args.no_trafilatura:
        run_trafilatura(corpus[0])  # imports and warm-up outside the timed loop
    ours(corpus[0])
    _, profiled = measure("ours (profiles)", ours, corpus)
    measure("ours (generic only)", lambda p: ours(p, "generic"), corpus)
    if not args.no_trafilatura:
        measure("trafilatura 2.3.1", run_trafilatura, corpus)
    if args.worst:
        worst(profiled, args.worst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
