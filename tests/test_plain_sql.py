"""Korean search from plain SQL (issue 13): the `sqlite3` program, no function, no extension."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest
from fixtures.search.corpus import make_store

from crawler.store import table_docs

SQLITE3 = shutil.which("sqlite3")
needs_sqlite3 = pytest.mark.skipif(SQLITE3 is None, reason="apt-get install sqlite3")
ARTICLES_FOR = "SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "news.db"
    make_store(path).close()
    return path


def shell(path, sql: str) -> set[int]:
    """The ids the sqlite3 command-line program prints for `sql`."""
    done = subprocess.run(
        [SQLITE3, "-batch", "-bail", str(path)],
        input=sql,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {int(line) for line in done.stdout.split()}


@needs_sqlite3
def test_a_word_typed_as_it_is_finds_it_with_its_particles(store_path):
    # 24 only says 고양시는, 2 고양시와, 13 고양시에서: the index's terms hold each as 고양시
    found = shell(store_path, ARTICLES_FOR + "WHERE articles_fts MATCH '고양시';")
    assert {1, 2, 13, 24} <= found
    assert found <= {1, 2, 13, 24, 31, 32}  # nothing but articles that say 고양시


@needs_sqlite3
def test_two_syllable_words_and_pairs_phrase_find_words_inside_words(store_path):
    assert 12 in shell(store_path, ARTICLES_FOR + "WHERE articles_fts MATCH '시장';")  # 수산시장
    assert 16 in shell(store_path, ARTICLES_FOR + "WHERE articles_fts MATCH '의회';")
    inside = shell(store_path, ARTICLES_FOR + "WHERE articles_fts MATCH '\"고양 양시\"';")
    assert inside == {1, 2, 13, 24, 31, 32}  # 31: only 고양시의회는
    assert 2 in shell(
        store_path, ARTICLES_FOR + "WHERE articles_fts MATCH '\"실리 리콘 콘밸 밸리\"';"
    )


@needs_sqlite3
def test_the_documented_query_runs_as_written(store_path):
    doc = table_docs.PLAIN_SQL_SEARCH
    sql = doc[doc.index("```sql") + len("```sql") : doc.index("```", doc.index("```sql") + 6)]
    done = subprocess.run(
        [SQLITE3, "-batch", "-bail", str(store_path)],
        input=sql,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) >= 4 and "고양" in done.stdout


def test_python_sqlite3_without_functions_finds_the_same(store_path):
    # what pandas.read_sql does: a plain connection, the word as a parameter
    with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as conn:
        rows = conn.execute(ARTICLES_FOR + "WHERE articles_fts MATCH ?", ["축제 고양시"])
        found = {row[0] for row in rows}
    assert found and 1 in found
