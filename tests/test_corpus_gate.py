"""The real-page gate: snippet precision / recall / F1 on ../shared/corpus/trafilatura-eval
(990 pages nobody here wrote), scored as its README says (tests/corpus_gate.py), must not drop
below the floors in tests/fixtures/corpus_floors.json. Floors only move up.

bench/corpus.py prints the same figures beside trafilatura's and the speed of both.
"""

from __future__ import annotations

import json
from pathlib import Path

import corpus_gate
import pytest

FLOORS = Path(__file__).parent / "fixtures" / "corpus_floors.json"

pytestmark = pytest.mark.skipif(
    not (corpus_gate.CORPUS / "truth.json").is_file(),
    reason="../shared/corpus is not beside this checkout",
)


@pytest.fixture(scope="module")
def score() -> corpus_gate.Score:
    return corpus_gate.score(corpus_gate.ours, corpus_gate.pages())


def test_real_pages_stay_above_their_floors(score) -> None:
    floors = json.loads(FLOORS.read_text("utf-8"))
    figures = {"precision": score.precision, "recall": score.recall, "f1": score.f1}
    below = {k: round(v, 4) for k, v in figures.items() if v + 1e-9 < floors[k]}
    assert below == {}, f"below floor {floors}: {score.line()}"


def test_the_corpus_is_whole(score) -> None:
    # 990 pages with their snippets: a missing file would make the figures meaningless.
    assert score.tp + score.fn >= 2900 and score.fp + score.tn >= 2900


def test_scoring_follows_the_readme() -> None:
    page = corpus_gate.Page("u", b"", ("가나다", "missing"), ("메뉴", "absent"))
    result = corpus_gate.Score()
    result.add(page, "제목\n가나다 본문 메뉴")
    assert (result.tp, result.fn, result.fp, result.tn) == (1, 1, 1, 1)
    assert result.precision == 0.5 and result.recall == 0.5 and result.f1 == 0.5
