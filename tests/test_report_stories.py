"""The report's biggest stories and each site's originals against copies (issue 26), read from the
store's text-reuse views, in every format; and a store from before those views."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import reuse_views
from test_report_data import NOW, SyntheticStore, korean_body

from crawler.query.report import build_report
from crawler.query.report.formats import lag
from crawler.query.report.render import render_html, render_json, render_markdown, render_text
from crawler.query.report.stories import NO_VIEW

RELEASE = "고양시, 외곽 초등학생 위한 안심 통학버스 12개 노선 운행"
OLD = "지난달 열린 호수공원 가을 꽃 축제 폐막"


def rewrite(body: str) -> str:
    """A paper's own lead on the same release: the first paragraph replaced."""
    paragraphs = body.split("\n")
    return "\n".join(["고양시 외곽 초등학생 통학길에 통학버스가 달린다 " * 4, *paragraphs[1:]])


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stories") / "news.db"
    s = SyntheticStore(path)
    t0 = NOW - timedelta(days=2)
    body, old_body = korean_body(26, 6), korean_body(27, 6)
    for site, when, title, text in [
        ("hangang", t0, RELEASE, body),
        ("hosu", t0 + timedelta(minutes=21), "안심 통학버스 내년 3월 달린다", body),
        (
            "nuri",
            t0 + timedelta(minutes=204),
            "통학버스 12개 노선…외곽 학생 통학 숨통",
            rewrite(body),
        ),
        ("hangang", NOW - timedelta(days=20), OLD, old_body),
        ("nuri", NOW - timedelta(days=20, hours=-2), "호수공원 꽃 축제 막 내려", old_body),
        ("newsview", t0, "의정부 경전철 요금 동결", korean_body(28)),
    ]:
        art = s.article(site, when, title=title, body=text)
        art["fetched_at"] = (when + timedelta(hours=1)).isoformat()
        s.store.save_article(art)
    reuse_views.install(s.store.db)
    s.close()
    return path


@pytest.fixture(scope="module")
def report(store_path: Path):
    return build_report(store_path, now=NOW)


def test_the_biggest_story_lists_every_version_first_outlet_first(report):
    assert report.stories is not None and len(report.stories) == 1  # the old one is out of period
    story = report.stories[0]
    assert (story.title, story.first_site, story.outlets) == (RELEASE, "hangang", 3)
    assert [v.site for v in story.versions] == ["hangang", "hosu", "nuri"]
    assert [v.is_first for v in story.versions] == [True, False, False]
    assert [round(v.lag_minutes) for v in story.versions] == [0, 21, 204]
    first, copy, rewritten = (v.copied_share for v in story.versions)
    assert first == 1.0 and copy > rewritten > 0.3


def test_each_site_counts_the_stories_it_ran_first_and_its_copies_in_the_period(report):
    sites = {s.name: s for s in report.sites}
    got = {name: (s.originals, s.copies) for name, s in sites.items()}
    assert got == {"hangang": (1, 0), "hosu": (0, 1), "nuri": (0, 1), "newsview": (0, 0)}
    whole = build_report(Path(report.db), since=NOW - timedelta(days=30), now=NOW)
    assert {s.name: (s.originals, s.copies) for s in whole.sites}["nuri"] == (0, 2)
    assert [st.title for st in whole.stories] == [RELEASE, OLD]  # more outlets first, then newer


def test_lags_read_in_minutes_hours_and_days():
    assert [lag(m) for m in (None, 21, 60, 204, 47 * 60, 3 * 1440)] == [
        "–", "+21 min", "+1 h", "+3 h 24 min", "+47 h", "+3.0 d",
    ]  # fmt: skip


def test_every_format_shows_the_story_and_the_originals_column(report):
    md = render_markdown(report)
    section = md[md.index("## Biggest stories") :]
    assert f"**{RELEASE}**: 3 versions on 3 outlets, first by hangang" in section
    assert "| hosu |" in section and "+21 min" in section and "+3 h 24 min" in section
    assert "██████████ 100%" in section  # the first version's bar, full
    assert "| dup | first / copied |" in md and "| 1 / 0 |" in md
    text = render_text(report)
    assert RELEASE in text and "first/copied   1 / 0" in text
    assert any(line.strip().startswith("nuri") and "+3 h 24 min" in line and "█" in line
               for line in text.splitlines())  # fmt: skip
    data = json.loads(render_json(report))
    assert data["stories"][0]["versions"][1]["site"] == "hosu"
    assert {s["name"]: s["copies"] for s in data["sites"]}["hosu"] == 1
    html = render_html(report)
    stories = html[html.index('<div id="stories">') : html.index("<h2>Biggest story clusters")]
    assert RELEASE in stories and stories.count('<tr class="version') == 3
    assert (
        stories.count('class="fill"') == 3 and 'width="120.0" height="10" class="fill"' in stories
    )


def test_a_store_from_before_the_reuse_views_reports_without_them(store_path: Path, tmp_path):
    older = tmp_path / "older.db"
    with sqlite3.connect(store_path) as source, sqlite3.connect(older) as target:
        source.backup(target)
    conn = sqlite3.connect(older)
    reuse_views.drop(conn)
    conn.close()
    report = build_report(older, now=NOW)
    assert report.stories is None and all(s.originals is None for s in report.sites)
    assert NO_VIEW in render_markdown(report) and NO_VIEW in render_text(report)
    assert NO_VIEW in render_html(report) and json.loads(render_json(report))["stories"] is None
