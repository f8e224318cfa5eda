"""Datasette's story pages (issue 26): the stories run by most outlets this week, an outlet's
copied share, and a story's page that links each version's article row."""

from __future__ import annotations

import sqlite3
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
import reuse_views
from fixtures.search.corpus import article_row, articles
from test_datasette import get_json, serve

STORY_QUERIES = {"stories_this_week", "outlet_copied_share", "story"}


def kst(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "+00:00"


def page(base: str, path: str, **params) -> str:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}" if params else f"{base}{path}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def recent_store(path) -> None:
    """The search corpus (article 13 is gyeonggi-today's version of goyang-ilbo's 1), its story
    moved into this week: the first version a day ago, the second 95 minutes after it."""
    from crawler.store.db import Store

    first = datetime.now(UTC) - timedelta(days=1)
    moved = {1: kst(first), 13: kst(first + timedelta(minutes=95))}
    store = Store(path)
    for article in articles():
        row = article_row(article)
        for key in ("id", "dup_of", "similarity"):
            row.pop(key)
        row["published"] = moved.get(article["id"], row["published"])
        assert store.save_article(row)[0] == article["id"]
    reuse_views.install(store.db)  # where the store has no views of its own yet
    store.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stories")
    recent_store(tmp / "news.db")
    with serve(tmp / "news.db") as url:
        yield url


def test_the_story_queries_are_offered(base):
    names = {q["name"] for q in get_json(base, "/news.json")["queries"]}
    assert STORY_QUERIES | {"search", "story_of_article"} <= names


def test_stories_this_week_most_outlets_first_link_their_story_page(base):
    rows = get_json(base, "/news/stories_this_week.json", _shape="array")
    top = rows[0]
    assert (top["story"], top["first_site"], top["outlets"], top["versions"]) == (
        1, "goyang-ilbo", 2, 2,
    )  # fmt: skip
    assert top["last_lag_minutes"] == 95 and 0 < top["mean_copied_share"] <= 1
    assert all(r["first_published"] >= rows[0]["first_published"][:4] for r in rows)
    html = page(base, "/news/stories_this_week")
    assert '<a href="/news/story?story=1">1</a>' in html


def test_a_story_page_lists_its_versions_linking_each_article_row(base):
    for asked in (1, 13):  # the canonical id, or any version's
        rows = get_json(base, "/news/story.json", story=asked, _shape="array")
        assert [(r["article_id"], r["site"], r["is_first"]) for r in rows] == [
            (1, "goyang-ilbo", 1), (13, "gyeonggi-today", 0),
        ]  # fmt: skip
        assert rows[1]["lag_minutes"] == 95 and rows[1]["url"].startswith("https://")
    html = page(base, "/news/story", story=13)
    assert (
        '<a href="/news/articles/1">1</a>' in html and '<a href="/news/articles/13">13</a>' in html
    )
    # the article row the link names is the version
    assert get_json(base, "/news/articles/13.json", _shape="array")[0]["site"] == "gyeonggi-today"


def test_an_outlets_copied_share_per_month(base):
    rows = get_json(base, "/news/outlet_copied_share.json", site="gyeonggi-today", _shape="array")
    assert rows and rows == sorted(rows, key=lambda r: r["period"], reverse=True)
    this_month = rows[0]
    assert this_month["versions_of_others"] == 1 and this_month["firsts"] == 0
    assert 0 < this_month["copy_rate"] <= 1
    first = get_json(base, "/news/outlet_copied_share.json", site="goyang-ilbo", _shape="array")
    assert sum(r["firsts"] for r in first) >= 1 and sum(r["versions_of_others"] for r in first) == 0


def test_a_store_without_the_reuse_views_offers_the_rest(tmp_path):
    recent_store(tmp_path / "news.db")
    conn = sqlite3.connect(tmp_path / "news.db")
    reuse_views.drop(conn)
    conn.close()
    with serve(tmp_path / "news.db") as url:
        names = {q["name"] for q in get_json(url, "/news.json")["queries"]}
        assert not names & STORY_QUERIES and {"search", "story_of_article"} <= names
        html = page(url, "/news/story_of_article", article_id=13)
        assert "/news/story?story=" not in html  # no link to a page the store cannot show
