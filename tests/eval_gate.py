"""Accuracy gate over tests/fixtures/pages (like trafilatura's tests/eval_gate.py).

Prints body token F1 and exact-match rates for title, author and published, and compares them
with tests/fixtures/gate_floors.json; tests/test_extract_gate.py fails when a figure drops below
its floor. Floors only move up: raise one when a change makes a figure better (`--raise`).

    python tests/eval_gate.py             # profiles on (what the crawler does)
    python tests/eval_gate.py --generic   # the generic fallback alone
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.extract import boilerplate
from pipelines.clean import clean_article
from pipelines.extract import extract_page

PAGES = ROOT / "tests" / "fixtures" / "pages"
# Korean layouts no profile knows (issue 11): judged with the generic rules alone.
UNSEEN = ROOT / "tests" / "fixtures" / "unseen"
FLOORS = ROOT / "tests" / "fixtures" / "gate_floors.json"
FIELDS = ("title", "subtitle", "author", "published")


class Fixture:
    def __init__(self, json_path: Path, root: Path = PAGES) -> None:
        self.name = str(json_path.relative_to(root).with_suffix(""))
        self.family = json_path.parent.name
        self.expected: dict = json.loads(json_path.read_text("utf-8"))
        self.url: str = self.expected["url"]
        self.headers: dict = self.expected.get("headers", {})
        self.body: bytes = json_path.with_suffix(".html").read_bytes()


def fixtures(root: Path = PAGES) -> list[Fixture]:
    return [Fixture(p, root) for p in sorted(root.rglob("*.json"))]


def run_ours(fixture: Fixture, profile: str = "auto") -> dict:
    return clean_article(extract_page(fixture.body, fixture.url, fixture.headers, profile=profile))


def token_f1(expected: str, got: str | None) -> float:
    """F1 of the whitespace-token multisets (trafilatura's evaluation unit, on Korean eojeol)."""
    want, have = Counter(expected.split()), Counter((got or "").split())
    common = sum((want & have).values())
    if not want and not have:
        return 1.0
    if common == 0:
        return 0.0
    precision, recall = common / sum(have.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def boilerplate_lines(body: str | None) -> list[str]:
    """Lines of a stored body that a boilerplate rule recognises: must always be none."""
    return [
        line
        for line in (body or "").split("\n")
        if boilerplate.line_kind(line) or boilerplate.is_tail_marker(line)
    ]


def evaluate(run: Callable[[Fixture], dict], pages: list[Fixture] | None = None) -> dict:
    pages = fixtures() if pages is None else pages
    f1s: list[float] = []
    exact = Counter()
    leaks: list[tuple[str, str]] = []
    failures: list[str] = []
    for fixture in pages:
        try:
            got = run(fixture)
        except Exception as err:  # noqa: BLE001 - a crash scores zero on that page, and is listed
            failures.append(f"{fixture.name}: {err!r}")
            got = {}
        want = fixture.expected
        f1s.append(token_f1(want["body"], got.get("body")))
        for field in FIELDS:
            exact[field] += got.get(field) == want.get(field)
        leaks.extend((fixture.name, line) for line in boilerplate_lines(got.get("body")))
    n = len(pages) or 1
    return {
        "pages": len(pages),
        "body_f1": sum(f1s) / n,
        **{f"{field}_exact": exact[field] / n for field in FIELDS},
        "boilerplate_lines": len(leaks),
        "leaks": leaks,
        "failures": failures,
    }


def load_floors() -> dict[str, float]:
    return json.loads(FLOORS.read_text("utf-8"))


def below_floor(figures: dict, floors: dict[str, float]) -> Iterator[str]:
    for key, floor in floors.items():
        if key.startswith("_"):
            continue
        mode, _, name = key.partition(".")
        value = figures[mode][name] if mode in figures else None
        if value is None or value + 1e-9 < floor:
            yield f"{key}: {value} < floor {floor}"


def all_figures() -> dict[str, dict]:
    pages = fixtures()
    return {
        "profiles": evaluate(run_ours, pages),
        "generic": evaluate(lambda f: run_ours(f, profile="generic"), pages),
        "unseen": evaluate(lambda f: run_ours(f, profile="generic"), fixtures(UNSEEN)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--raise",
        dest="raise_floors",
        action="store_true",
        help="move floors up to today's figures (never down)",
    )
    args = parser.parse_args(argv)
    figures = all_figures()
    for mode, result in figures.items():
        print(
            f"[{mode}] pages={result['pages']} body_f1={result['body_f1']:.4f} "
            + " ".join(f"{f}_exact={result[f + '_exact']:.4f}" for f in FIELDS)
            + f" boilerplate_lines={result['boilerplate_lines']}"
        )
        for name, line in result["leaks"][:10]:
            print(f"  leak {name}: {line}")
        for failure in result["failures"][:10]:
            print(f"  error {failure}")
    floors = load_floors()
    if args.raise_floors:
        for key in floors:
            mode, _, name = key.partition(".")
            if mode in figures and isinstance(figures[mode].get(name), float):
                floors[key] = max(floors[key], round(figures[mode][name] - 5e-5, 4))
        FLOORS.write_text(json.dumps(floors, indent=1) + "\n", "utf-8")
    problems = list(below_floor(figures, floors))
    for problem in problems:
        print("BELOW FLOOR", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
