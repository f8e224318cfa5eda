"""`krnews search` as a person reads it (issue 13): header, count, decoded URLs, plain JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fixtures.search.corpus import article_row, articles, make_db

from crawler.cli.search import search_command
from crawler.query.snippets import display_url
from crawler.query.terminal import for_terminal

KOREAN_URL = "https://www.goyang.example.kr/news/%EA%B3%A0%EC%96%91%EC%8B%9C/%EC%B6%95%EC%A0%9C"
HOSTILE_TITLE = (
    "\x1b]8;;https://evil.example/\x07고양시 축제\x1b]8;;\x07 \x1b[2J\u202egnp.exe\x9b31m"
)


@pytest.fixture()
def store(tmp_path):
    rows = [article_row(a) for a in articles()]
    rows[0] = dict(rows[0], url=KOREAN_URL, title=HOSTILE_TITLE)  # article 1: 고양시 축제
    path = tmp_path / "news.db"
    make_db(path, rows).close()
    return path


def run(*args: str):
    return CliRunner().invoke(search_command, list(args))


def test_header_with_the_hit_count_and_decoded_urls(store):
    result = run("고양시", "--db", str(store), "--include-duplicates")
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0]
    assert "'고양시'" in header and "6 articles match" in header  # 1, 2, 13, 24, 31, 32
    assert "https://www.goyang.example.kr/news/고양시/축제" in result.output
    assert "%EA" not in result.output


def test_a_hostile_title_never_reaches_the_terminal_as_an_escape_sequence(store):
    result = run("축제", "--db", str(store), "--include-duplicates")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "고양시 축제" in out  # the title's text is shown ...
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):  # ... without its escapes and bidi override
        assert bad not in out


def test_json_snippets_are_plain_text_with_match_offsets(store):
    result = run("고양시는 축제", "--db", str(store), "--json", "--include-duplicates")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert hits
    for hit in hits:
        assert "<mark>" not in hit["snippet"]
        words = {hit["snippet"][start:end] for start, end in hit["matches"]}
        assert words and words <= {"고양시", "축제"}, hit
    first = next(hit for hit in hits if hit["id"] == 1)
    assert first["url"] == KOREAN_URL  # the data keeps the URL as stored


def test_unknown_site_is_a_usage_error(store):
    result = run("고양시", "--db", str(store), "--site", "nosuchsite")
    assert result.exit_code == 2
    assert "nosuchsite" in result.output and "no articles match" not in result.output
    assert run("고양시", "--db", str(store), "--site", "goyang-ilbo").exit_code == 0


def test_help_explains_the_score():
    text = " ".join(run("--help").output.split())
    assert "bm25" in text and "more negative" in text and "--json" in text


def test_display_url_decodes_utf8_but_keeps_the_url_working():
    assert display_url(KOREAN_URL).endswith("/news/고양시/축제")
    assert display_url("https://x.kr/a%20b?q=%22x%22") == "https://x.kr/a%20b?q=%22x%22"
    assert display_url("https://x.kr/%FF") == "https://x.kr/%FF"  # not UTF-8: as it is


def test_for_terminal_strips_escape_sequences_controls_and_bidi():
    assert for_terminal(HOSTILE_TITLE) == "고양시 축제 gnp.exe"
    assert for_terminal("줄 하나\n둘\t셋") == "줄 하나\n둘\t셋"
    assert for_terminal("a\nb", keep_newlines=False) == "a b"
    assert for_terminal(None) == ""


def test_the_text_report_uses_the_same_function(tmp_path):
    from test_report_data import NOW, SiteRun, build_scenario

    from crawler.query.report import build_report
    from crawler.query.report.render import render_text

    store = build_scenario(tmp_path / "news.db")
    body = "고양시는 가을 꽃 축제를 연다. " * 20
    first = store.article("healthy", NOW, title=HOSTILE_TITLE, body=body)
    copy = store.article("copycat", NOW, title=HOSTILE_TITLE, body=body)
    store.run(NOW, {"healthy": SiteRun([first]), "copycat": SiteRun([copy])})
    store.close()
    text = render_text(build_report(tmp_path / "news.db", now=NOW))
    assert "고양시 축제 gnp.exe" in text  # the copied story is the biggest cluster
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in text
