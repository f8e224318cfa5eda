"""`datasette news.db` on 127.0.0.1: Korean search, descriptions and canned queries over HTTP."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
import urllib.parse
import urllib.request
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from fixtures.search.corpus import make_store

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "crawler.query.datasette_plugin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(base: str, path: str, **params) -> dict | list:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}" if params else f"{base}{path}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def plugin_installed() -> bool:
    return any(ep.value == PLUGIN for ep in entry_points(group="datasette"))


@contextmanager
def serve(path: Path):
    """A fresh `datasette serve` of the store, default settings, on 127.0.0.1; yields its URL."""
    tmp = path.parent
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(path),
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    if not plugin_installed():
        # the project is not pip-installed here: load the same module the entry point names
        shim = tmp / "plugins"
        shim.mkdir(exist_ok=True)
        (shim / "krnews_plugin.py").write_text(f"from {PLUGIN} import *  # noqa: F403\n")
        command += ["--plugins-dir", str(shim)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(command, cwd=tmp, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get_json(base, "/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"datasette did not start: {server.stderr.read()}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def datasette_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("datasette")
    make_store(tmp / "news.db").close()
    with serve(tmp / "news.db") as base:
        yield base


def test_a_cold_datasette_answers_its_first_search_and_every_canned_query(tmp_path):
    # issue 13: the analyser used to load inside the first search, past Datasette's 1 s limit
    # (HTTP 400 "SQL query took too long"); a new process, default settings, search first
    make_store(tmp_path / "news.db").close()
    with serve(tmp_path / "news.db") as base:
        rows = get_json(base, "/news/articles.json", _search="고양시는", _shape="array")
        assert {row["id"] for row in rows} == {1, 2, 13, 24, 31, 32}
        params = {
            "search": {"q": "축제"},
            "site_articles": {"site": "goyang-ilbo", "since": "2020-01-01", "until": "2030-01-01"},
            "story_of_article": {"article_id": 13},
            "failed_fetches": {"since": "2020-01-01"},
        }
        for name, values in params.items():
            # an error (a 400 past the time limit) raises; failed_fetches is empty here
            rows = get_json(base, f"/news/{name}.json", _shape="array", **values)
            assert rows or name == "failed_fetches", name


def test_sqlite_utils_cannot_see_the_contentless_index_and_docs_say_what_to_use():
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert "sqlite-utils search news.db articles" in schema and "sqlite-utils query" in schema


def test_only_a_krnews_store_gets_the_plugin(tmp_path):
    from crawler.store.reader import path_is_store

    make_store(tmp_path / "news.db").close()
    plain = sqlite3.connect(tmp_path / "plain.db")
    plain.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY)")
    plain.close()
    (tmp_path / "junk.db").write_text("not a database", encoding="utf-8")
    assert path_is_store(tmp_path / "news.db")
    assert not any(path_is_store(tmp_path / name) for name in ("plain.db", "junk.db", "none.db"))


def test_entry_point_is_declared_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["datasette"]["krnews"] == PLUGIN


def test_table_search_handles_particles(datasette_url):
    # 고양시에서 carries a particle; the articles say 고양시는, 고양시의회는, 고양시 ...
    rows = get_json(
        datasette_url, "/news/articles.json", _search="고양시에서", _shape="array", _col="title"
    )
    assert {row["id"] for row in rows} == {1, 2, 13, 24, 31, 32}


def test_table_search_two_syllable_word(datasette_url):
    rows = get_json(datasette_url, "/news/articles.json", _search="의회", _shape="array")
    assert {4, 9, 16, 31} <= {row["id"] for row in rows}


def test_canned_search_query_ranks_and_snippets(datasette_url):
    rows = get_json(datasette_url, "/news/search.json", q="고양시는 축제를", _shape="array")
    assert sorted(row["id"] for row in rows) in ([1, 31], [13, 31])  # one per story cluster
    assert all("<mark>축제</mark>" in row["snippet"] for row in rows)
    assert {row["versions"] for row in rows} == {1, 2}


def test_descriptions_and_canned_queries_are_served(datasette_url):
    database = get_json(datasette_url, "/news.json")
    assert {"search", "site_articles", "story_of_article", "failed_fetches"} <= {
        q["name"] for q in database["queries"]
    }
    meta = get_json(datasette_url, "/-/metadata.json")
    articles = meta["databases"]["news"]["tables"]["articles"]
    assert articles["fts_table"] == "articles_fts"
    assert "canonical" in articles["columns"]["dup_of"]
    with urllib.request.urlopen(f"{datasette_url}/news/site_health", timeout=30) as page:
        assert "how the last crawl went" in page.read().decode()


def test_view_and_canned_query_without_search(datasette_url):
    rows = get_json(datasette_url, "/news/story_of_article.json", article_id=13, _shape="array")
    assert [(row["id"], row["canonical"]) for row in rows] == [(1, 1), (13, 0)]


def test_database_page_opens_on_articles_not_internal_tables(datasette_url):
    with urllib.request.urlopen(f"{datasette_url}/news", timeout=30) as page:
        html = page.read().decode()
    assert "select * from articles</textarea>" in html
    assert "_sqlite_migrations</textarea>" not in html
    meta = get_json(datasette_url, "/-/metadata.json")["databases"]["news"]["tables"]
    assert meta["dedup_bands"]["hidden"] and meta["articles"]["facets"] == ["site", "section"]
    assert "`" not in " ".join(meta["articles"]["columns"].values())
