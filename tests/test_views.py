"""Analyst views over a store filled through crawler.store.db.Store."""

from __future__ import annotations

import pytest
from fixtures.search.corpus import articles, make_store

from crawler.store import views
from crawler.store.db import Store


@pytest.fixture()
def store(tmp_path):
    with make_store(tmp_path / "news.db") as store:
        yield store


def rows(store: Store, sql: str, params=()) -> list[dict]:
    cursor = store.db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def test_every_view_is_installed_and_documented(store):
    installed = {r["name"] for r in rows(store, "SELECT name FROM sqlite_master WHERE type='view'")}
    assert set(views.VIEWS) <= installed
    for name, view in views.VIEWS.items():
        columns = [d[0] for d in store.db.execute(f"SELECT * FROM {name} LIMIT 0").description]
        assert view.description
        assert set(columns) == set(view.columns), name


def test_install_is_idempotent(store):
    views.install(store.db)
    views.install(store.db)
    assert len(rows(store, "SELECT * FROM latest_articles")) == len(articles())


def test_latest_articles_newest_first(store):
    latest = rows(store, "SELECT published, title FROM latest_articles")
    assert latest[0]["title"] == "GTX-A 운정∼서울역 구간 개통"
    assert [r["published"] for r in latest] == sorted(
        (r["published"] for r in latest), reverse=True
    )


def test_daily_counts(store):
    day = rows(store, "SELECT * FROM daily_counts WHERE day = '2017-07-09'")
    assert day == [
        {"day": "2017-07-09", "site": "newsview", "articles": 2, "stories": 1, "duplicates": 1}
    ]
    total = store.db.execute("SELECT sum(articles) FROM daily_counts").fetchone()[0]
    assert total == len(articles())


def test_story_clusters_and_versions(store):
    clusters = rows(store, "SELECT * FROM story_clusters ORDER BY published")
    assert [(c["versions"], c["sites"]) for c in clusters] == [(2, 1), (2, 2)]
    festival = clusters[1]
    assert set(festival["site_names"].split(",")) == {"goyang-ilbo", "gyeonggi-today"}
    versions = rows(store, "SELECT * FROM story_versions WHERE story = ?", [festival["story"]])
    assert [v["canonical"] for v in versions] == [1, 0]
    assert versions[0]["site"] == "goyang-ilbo" and versions[1]["similarity"] > 0.5


def test_site_health(store):
    store.upsert_site("goyang-ilbo", "https://goyang.example.kr/", "ndsoft", success=True)
    store.upsert_site("paju-times", "https://paju.example.kr/")
    run = store.start_run(["goyang-ilbo", "paju-times"])
    store.record_site_run(run, "goyang-ilbo", pages=10, articles=6, errors=2)
    store.record_fetch(run, "goyang-ilbo", "https://goyang.example.kr/x", "http_5xx", status=503)
    store.record_fetch(run, "goyang-ilbo", "https://goyang.example.kr/y", "http_5xx", status=502)
    store.record_fetch(run, "goyang-ilbo", "https://goyang.example.kr/z", "timeout")
    store.finish_run(run, "partial", 1, {"pages": 10, "articles": 6, "errors": 2})
    health = {r["site"]: r for r in rows(store, "SELECT * FROM site_health")}
    goyang = health["goyang-ilbo"]
    assert goyang["articles"] == 6 and goyang["failed_fetches_last_7_days"] == 3
    assert goyang["commonest_failure"] == "http_5xx" and goyang["last_run_errors"] == 2
    assert goyang["health"] == "errors" and goyang["profile"] == "ndsoft"
    assert health["paju-times"]["health"] == "never succeeded"
    assert health["newsview"]["articles"] == 2  # in articles only: still listed
