"""Snippet scoring on real pages nobody here wrote (../shared/corpus/trafilatura-eval).

The corpus README's scoring, as trafilatura's own evaluation does it: over all pages, a `with`
snippet found in the extracted text (title + body) is a true positive, a missing one a false
negative; a `without` snippet found is a false positive, an absent one a true negative.

    python tests/corpus_gate.py [--generic] [--limit N]   # prints P / R / F1 of ours

bench/corpus.py prints the same figures beside trafilatura's, with pages per CPU-second;
tests/test_corpus_gate.py holds the floors (tests/fixtures/gate_floors.json, `corpus.*`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.extract.charset import CharsetError
from crawler.extract.verdict import NotAnArticle
from pipelines.clean import clean_article
from pipelines.extract import extract_page

CORPUS = ROOT.parent / "shared" / "corpus" / "trafilatura-eval"


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    with_: tuple[str, ...]
    without: tuple[str, ...]


def pages(limit: int | None = None) -> list[Page]:
    truth = json.loads((CORPUS / "truth.json").read_text("utf-8"))
    out = []
    for entry in truth[:limit] if limit else truth:
        raw = gzip.decompress((CORPUS / entry["file"]).read_bytes())
        out.append(Page(entry["url"], raw, tuple(entry["with"]), tuple(entry["without"])))
    return out


def ours(page: Page, profile: str = "auto") -> str:
    """Title + body as our crawler would store them; "" for a page it rejects."""
    try:
        article = clean_article(extract_page(page.body, page.url, profile=profile))
    except (NotAnArticle, CharsetError):
        return ""
    return f"{article.get('title') or ''}\n{article.get('body') or ''}"


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    empty: int = 0  # pages with no text at all

    def add(self, page: Page, text: str) -> None:
        self.empty += not text.strip()
        for snippet in page.with_:
            if snippet in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in page.without:
            if snippet in text:
                self.fp += 1
            else:
                self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"precision={self.precision:.3f} recall={self.recall:.3f} f1={self.f1:.3f} "
            f"empty={self.empty}"
        )


def score(run: Callable[[Page], str], corpus: Iterable[Page]) -> Score:
    result = Score()
    for page in corpus:
        result.add(page, run(page))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generic", action="store_true", help="the generic rules alone")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    profile = "generic" if args.generic else "auto"
    print(score(lambda p: ours(p, profile), pages(args.limit)).line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
