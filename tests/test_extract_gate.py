"""The accuracy gate: figures from tests/eval_gate.py must not drop below their floors."""

from __future__ import annotations

import json

import eval_gate
import pytest


@pytest.fixture(scope="module")
def figures() -> dict[str, dict]:
    return eval_gate.all_figures()


def test_no_figure_below_its_floor(figures) -> None:
    assert list(eval_gate.below_floor(figures, eval_gate.load_floors())) == []


def test_no_boilerplate_line_in_any_body(figures) -> None:
    assert figures["profiles"]["leaks"] == []
    assert figures["generic"]["leaks"] == []
    assert figures["unseen"]["leaks"] == []


def test_no_fixture_crashes(figures) -> None:
    assert figures["profiles"]["failures"] == []


def test_floors_cover_every_gated_figure_and_meet_issue_targets() -> None:
    floors = eval_gate.load_floors()
    for mode in ("profiles", "generic"):
        for name in ("body_f1", *(f"{f}_exact" for f in eval_gate.FIELDS)):
            assert f"{mode}.{name}" in floors
    # Issue 4's targets, kept as floors so that they cannot silently regress.
    assert floors["profiles.body_f1"] >= 0.98
    assert floors["profiles.title_exact"] >= 0.99
    assert floors["profiles.published_exact"] >= 0.99
    assert floors["profiles.author_exact"] >= 0.97
    # Issue 11: Korean layouts no profile knows, with the generic rules alone.
    assert floors["unseen.body_f1"] >= 0.98
    assert floors["unseen.title_exact"] >= 0.99
    assert floors["unseen.published_exact"] >= 0.99


def test_token_f1() -> None:
    assert eval_gate.token_f1("가 나 다 라", "가 나 다 라") == 1.0
    assert eval_gate.token_f1("가 나 다 라", "") == 0.0
    assert eval_gate.token_f1("가 나", "가 나 광고 광고") == pytest.approx(2 * 0.5 * 1 / 1.5)


def test_gate_fails_when_a_figure_drops(tmp_path, monkeypatch) -> None:
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"profiles.body_f1": 0.5}))
    monkeypatch.setattr(eval_gate, "FLOORS", floors)
    figures = {"profiles": {"body_f1": 0.4}}
    assert list(eval_gate.below_floor(figures, eval_gate.load_floors())) != []
