"""`krnews story ID|URL`: the versions in time order, what each added and cut, as text, JSON and
HTML; page text never reaches the terminal raw."""

from __future__ import annotations

import json

from click.testing import CliRunner
from test_reuse import COPY, RELEASE, _article

from crawler.cli import main
from crawler.store.db import Store


def _store(tmp_path):
    path = tmp_path / "news.db"
    with Store(path) as store:
        store.save_article(_article("https://a.kr/1", "a", "2024-05-14T10:00:00+09:00", RELEASE))
        store.save_article(
            _article("https://b.kr/2", "b", "2024-05-14T11:30:00+09:00", COPY,
                     title="추경 \x1b[2J<b>제출</b>", aliases=["https://b.kr/?p=2"])
        )  # fmt: skip
    return path


def test_terminal_marks_added_and_cut_sentences(tmp_path):
    db = _store(tmp_path)
    result = CliRunner().invoke(main, ["story", "2", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  + 한편 파주시는 지난해에도 두 차례 추경을 편성했다." in lines
    assert "  - 시의회는 오는 21일부터 예산안을 심의한다." in lines
    assert "\x1b" not in result.output  # no colour off a tty, no escape from the page
    assert result.output.index("[1] 1") < result.output.index("[2] 2")  # time order
    assert "copied 80%" in result.output


def test_json_and_a_url_or_alias_find_the_same_story(tmp_path):
    db = _store(tmp_path)
    by_id = CliRunner().invoke(main, ["story", "1", "--db", str(db), "--json"])
    by_alias = CliRunner().invoke(main, ["story", "https://b.kr/?p=2", "--db", str(db), "--json"])
    assert by_id.exit_code == 0, by_id.output
    data = json.loads(by_id.output)
    assert json.loads(by_alias.output) == data
    first, copy = data["versions"]
    assert (first["site"], first["position"], copy["lag_minutes"]) == ("a", 0, 90)
    assert copy["added"] == ["한편 파주시는 지난해에도 두 차례 추경을 편성했다."]
    assert copy["cut"] == ["시의회는 오는 21일부터 예산안을 심의한다."]
    assert copy["copied_share"] == 0.8


def test_html_side_by_side_is_escaped(tmp_path):
    db = _store(tmp_path)
    out = tmp_path / "story.html"
    result = CliRunner().invoke(main, ["story", "1", "--db", str(db), "--html", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert "&lt;b&gt;제출&lt;/b&gt;" in page and "<b>제출" not in page
    assert "<td class='add'>한편 파주시는" in page
    assert "<td class='cut'>시의회는" in page


def test_unknown_article_and_missing_store_are_usage_errors(tmp_path):
    db = _store(tmp_path)
    assert CliRunner().invoke(main, ["story", "99", "--db", str(db)]).exit_code == 2
    missing = CliRunner().invoke(main, ["story", "1", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no store" in missing.output
