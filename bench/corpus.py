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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus_gate import Page, Score, ours, pages


def run_trafilatura(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.body, url=page.url) or ""


def measure(
    runs: dict[str, Callable[[Page], str]], corpus: list[Page]
) -> dict[str, list[tuple[Page, str]]]:
    """Every extractor on each page in turn, CPU time summed per extractor: on a shared
    machine a burst of load then falls on all of them alike, where timing one whole pass
    after another let it land on whichever ran during it (trafilatura's figure moved between
    29 and 49 pages/s from run to run that way)."""
    cpu = dict.fromkeys(runs, 0.0)
    outputs: dict[str, list[tuple[Page, str]]] = {name: [] for name in runs}
    for page in corpus:
        for name, run in runs.items():
            start = time.process_time()
            text = run(page)
            cpu[name] += time.process_time() - start
            outputs[name].append((page, text))
    for name in runs:
        score = Score()
        for page, text in outputs[name]:
            score.add(page, text)
        rate = len(corpus) / cpu[name]
        print(f"{name:<22} {score.line()}  pages/cpu-s={rate:.1f} ({cpu[name]:.1f} s)")
    baseline = next((name for name in runs if name.startswith("trafilatura")), None)
    if baseline:
        for name in runs:
            if name != baseline:
                print(f"{name}: {cpu[baseline] / cpu[name]:.2f}x trafilatura's pages per CPU-s")
    return outputs


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
    runs: dict[str, Callable[[Page], str]] = {
        "ours (profiles)": ours,
        "ours (generic only)": lambda p: ours(p, "generic"),
    }
    if not args.no_trafilatura:
        runs["trafilatura 2.3.1"] = run_trafilatura
    outputs = measure(runs, corpus)
    if args.worst:
        worst(outputs["ours (profiles)"], args.worst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
