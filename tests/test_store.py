import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from types import SimpleNamespace

import pytest

from crawler.store import dedup, fts, minhash
from crawler.store.db import SCHEMA_VERSION, SchemaTooNewError, Store
from pipelines.dedup import DedupPipeline
from pipelines.store import StorePipeline

BODY = (
    "고양특례시는 여름철 폭염에 대비해 경로당과 행정복지센터 등 512곳을 무더위쉼터로 지정해 "
    "9월 30일까지 운영한다고 3일 밝혔다.\n무더위쉼터는 평일 오전 9시부터 오후 6시까지 문을 열며, "
    "폭염특보가 내려지면 행정복지센터 44곳은 밤 9시까지 연장 운영한다.\n시 관계자는 한낮에는 "
    "야외 활동을 자제하고 물을 자주 마시는 등 온열질환 예방 수칙을 꼭 지켜 달라고 당부했다."
)
OTHER = (
    "파주시의회는 11일 본회의장에서 제245회 임시회 제1차 본회의를 열고 7일간의 의사일정에 "
    "들어갔다.\n이번 임시회에서는 출산장려금 지원 조례 일부개정조례안 등 조례안 11건과 동의안 "
    "2건을 심의한다.\n시의회는 17일 제2차 본회의에서 최종 의결할 예정이다."
)


def article(url, body=BODY, published="2024-06-03T09:00:00+09:00", site="goyang-ilbo", **kw):
    return {"url": url, "site": site, "title": "제목", "published": published, "body": body,
            "images": [{"url": url + ".jpg", "caption": "사진"}], **kw}  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "news.db") as s:
        yield s


def counts(store):
    tables = ("articles", "images", "dedup_signatures", "dedup_bands", "articles_fts")
    return {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def cluster(store):
    return dict(store.db.execute("SELECT id, dup_of FROM articles").fetchall())


def test_open_sets_wal_foreign_keys_and_schema_version(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.schema_version() == SCHEMA_VERSION
    assert {"articles", "images", "runs", "run_sites", "fetches", "sites", "http_cache",
            "boilerplate_lines", "dedup_signatures", "dedup_band_index",
            "dedup_band_queue"} <= set(store.db.table_names())  # fmt: skip
    assert "dedup_bands" in store.db.view_names()  # schema 5: a view of the index and its queue
    indexed = {tuple(i.columns) for i in store.db["articles"].indexes}
    assert {("site",), ("published",), ("content_hash",), ("dup_of",)} <= indexed


def test_reopen_is_idempotent_and_keeps_data(tmp_path):
    with Store(tmp_path / "news.db") as s:
        s.save_article(article("https://a.kr/1"))
        schema = s.db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    with Store(tmp_path / "news.db") as s:
        assert s.db.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
        assert (
            s.db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION
        )
        assert s.is_known_url("https://a.kr/1")


def test_newer_schema_is_refused(tmp_path):
    Store(tmp_path / "news.db").close()
    conn = sqlite3.connect(tmp_path / "news.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError, match="newer"):
        Store(tmp_path / "news.db")


def test_save_writes_article_images_dedup_and_fts(store):
    article_id, stored = store.save_article(article("https://a.kr/1"))
    assert stored
    row = store.article(article_id)
    assert row["content_hash"] == minhash.content_hash(BODY) and row["lang"] == "ko"
    assert counts(store) == {"articles": 1, "images": 1, "dedup_signatures": 1,
                             "dedup_bands": minhash.BANDS, "articles_fts": 1}  # fmt: skip


def test_resave_unchanged_changes_nothing(store):
    first = store.save_article(article("https://a.kr/1"))
    before = store.db.conn.total_changes
    assert store.save_article(article("https://a.kr/1")) == (first[0], False)
    assert store.db.conn.total_changes == before


def test_resave_edited_updates_row_and_reindexes_fts(store, monkeypatch):
    article_id, _ = store.save_article(article("https://a.kr/1"))
    first = dedup.load_signature(store.db, article_id)  # remembered: the edit must not get it
    calls = []
    monkeypatch.setattr(fts, "delete_article", lambda db, i: calls.append(("delete", i)))
    monkeypatch.setattr(
        fts,
        "index_article",
        lambda db, i: calls.append(
            ("index", i, db.execute("SELECT body FROM articles WHERE id = ?", [i]).fetchone()[0])
        ),
    )
    assert store.save_article(article("https://a.kr/1", body=OTHER)) == (article_id, True)
    assert store.article(article_id)["body"] == OTHER
    assert calls == [("delete", article_id), ("index", article_id, OTHER)]
    assert dedup.load_signature(store.db, article_id).jaccard(minhash.signature(OTHER)) == 1.0
    assert first.jaccard(minhash.signature(OTHER)) < 1.0
    assert counts(store)["dedup_bands"] == minhash.BANDS


def test_failure_inside_save_leaves_nothing(tmp_path):
    def boom(db, article_id, art):
        raise RuntimeError("hook failed")

    with Store(tmp_path / "news.db", on_save=[boom]) as s:
        empty = counts(s)
        with pytest.raises(RuntimeError, match="hook failed"):
            s.save_article(article("https://a.kr/1"))
        assert counts(s) == empty


def test_on_save_hook_runs_in_the_transaction(tmp_path):
    def learn(store, article_id, art):
        store.db.execute("INSERT INTO boilerplate_lines (site, line_hash, line, articles) "
                   "VALUES (?, 'h', '무단전재', 1)", [art["site"]])  # fmt: skip

    with Store(tmp_path / "news.db", on_save=[learn]) as s:
        s.save_article(article("https://a.kr/1"))
        assert s.db.execute("SELECT count(*) FROM boilerplate_lines").fetchone()[0] == 1


def test_late_older_article_becomes_canonical(store):
    b, _ = store.save_article(article("https://b.kr/1", published="2024-06-03T12:00:00+09:00"))
    c, _ = store.save_article(article("https://c.kr/1", published="2024-06-04T09:00:00+09:00",
                                      body=BODY + "\n한편 시는 그늘막도 늘렸다."))  # fmt: skip
    assert cluster(store) == {b: None, c: b}
    a, _ = store.save_article(article("https://a.kr/1", published="2024-06-03T00:30:00+00:00"))
    assert cluster(store) == {a: None, b: a, c: a}
    sims = dict(store.db.execute("SELECT id, similarity FROM articles").fetchall())
    assert sims[a] is None and sims[b] == 1.0 and 0.37 <= sims[c] < 1.0


def test_editing_the_canonical_recomputes_its_cluster(store):
    a, _ = store.save_article(article("https://a.kr/1", published="2024-06-03T09:00:00+09:00"))
    b, _ = store.save_article(article("https://b.kr/1", published="2024-06-03T10:00:00+09:00"))
    c, _ = store.save_article(article("https://c.kr/1", published="2024-06-03T11:00:00+09:00"))
    assert cluster(store) == {a: None, b: a, c: a}
    store.save_article(article("https://a.kr/1", body=OTHER))
    assert cluster(store) == {a: None, b: None, c: b}


def test_editing_a_member_moves_it_out(store):
    a, _ = store.save_article(article("https://a.kr/1"))
    o, _ = store.save_article(article("https://o.kr/1", body=OTHER,
                                      published="2024-01-01T09:00:00+09:00"))  # fmt: skip
    b, _ = store.save_article(article("https://b.kr/1", published="2024-06-05T09:00:00+09:00"))
    assert cluster(store) == {a: None, o: None, b: a}
    store.save_article(article("https://b.kr/1", body=OTHER, published="2024-06-05T09:00:00+09:00"))
    assert cluster(store) == {a: None, o: None, b: o}


def test_runs_fetches_sites_and_http_cache(store):
    run = store.start_run(["goyang-ilbo"], pid=123)
    store.record_fetch(run, "goyang-ilbo", "https://a.kr/x", "http_404", status=404)
    store.record_site_run(run, "goyang-ilbo", pages=3, errors=1)
    store.record_site_run(run, "goyang-ilbo", pages=2, articles=2)
    store.finish_run(run, "partial", 1, {"pages": 5, "articles": 2, "errors": 1})
    assert store.db.execute("SELECT status, exit_code, pid, pages FROM runs").fetchone() == (
        "partial", 1, 123, 5)  # fmt: skip
    assert store.db.execute("SELECT pages, articles, errors FROM run_sites").fetchone() == (5, 2, 1)
    assert store.db.execute("SELECT kind, status FROM fetches").fetchone() == ("http_404", 404)
    with pytest.raises(ValueError, match="unknown run counts"):
        store.finish_run(run, "ok", 0, {"bogus": 1})
    store.upsert_site("goyang-ilbo", "https://a.kr/", profile="ndsoft")
    store.upsert_site("goyang-ilbo", "https://a.kr/", success=True)
    name, profile, last = store.db.execute(
        "SELECT name, profile, last_success FROM sites"
    ).fetchone()
    assert (name, profile) == ("goyang-ilbo", "ndsoft") and last
    assert store.http_cache_get("https://a.kr/x") is None
    store.http_cache_put("https://a.kr/x", '"e1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    assert store.http_cache_get("https://a.kr/x")["etag"] == '"e1"'


def test_kill_9_during_saves_leaves_only_whole_articles(tmp_path):
    db = tmp_path / "news.db"
    Store(db).close()
    writer = textwrap.dedent(f"""
        import itertools
        from crawler.store.db import Store
        body = {BODY!r}
        s = Store({str(db)!r})
        for i in itertools.count():
            s.save_article({{"url": f"https://a.kr/{{i}}", "site": "s", "title": "t",
                "body": body + f"\\n{{i}}번째 문단", "images": [{{"url": "u1"}}, {{"url": "u2"}}]}})
            print(i, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE,
                            cwd=os.getcwd(), text=True)  # fmt: skip
    for _ in range(20):  # let it commit some articles, then kill it mid-stream
        proc.stdout.readline()
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store(db) as s:
        n = s.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert n >= 20
        assert counts(s) == {"articles": n, "images": 2 * n, "dedup_signatures": n,
                             "dedup_bands": minhash.BANDS * n, "articles_fts": n}  # fmt: skip
        assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class FakeStats:
    def __init__(self):
        self.values = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


def test_pipelines_store_and_count_per_site(tmp_path):
    crawler = SimpleNamespace(settings={"KRNEWS_DB": str(tmp_path / "news.db")}, stats=FakeStats())
    dedup_stage = DedupPipeline.from_crawler(crawler)
    store_stage = StorePipeline.from_crawler(crawler)
    store_stage.open_spider()
    items = [article("https://a.kr/1"), article("https://b.kr/1", site="paju"),
             article("https://a.kr/1"), article("https://c.kr/1", body=OTHER, site="paju")]  # fmt: skip
    for item in items:
        item = dedup_stage.process_item(item)
        assert item["content_hash"] == minhash.content_hash(item["body"])
        assert (
            minhash.signature_from_bytes(item["signature"]).jaccard(minhash.signature(item["body"]))
            == 1
        )
        store_stage.process_item(item)
    store_stage.close_spider()
    assert crawler.stats.values == {"krnews/stored/goyang-ilbo": 1, "krnews/stored/paju": 2,
                                    "krnews/duplicates/paju": 1}  # fmt: skip
    with Store(tmp_path / "news.db") as s:
        urls = {r[0] for r in s.db.execute("SELECT url FROM articles WHERE site = 'paju'")}
        assert urls == {"https://b.kr/1", "https://c.kr/1"}


def test_alias_of_a_redirected_article_is_known(store):
    short, final = "https://a.kr/article/7", "https://a.kr/news/society/20261102/7"
    article_id, _ = store.save_article({**article(final), "requested_url": short})
    assert store.is_known_url(short) and store.is_known_url(final)
    assert not store.is_known_url("https://a.kr/article/8")
    store.db.execute("DELETE FROM articles WHERE id = ?", [article_id])
    assert not store.is_known_url(short)  # the alias goes with its article


def test_alias_recorded_when_an_unchanged_article_is_reached_by_a_new_link(store):
    final = "https://a.kr/news/society/20261102/9"
    store.save_article(article(final))
    _, stored = store.save_article({**article(final), "requested_url": "https://a.kr/article/9"})
    assert stored is False and store.is_known_url("https://a.kr/article/9")


def test_add_alias_only_for_stored_articles(store):
    store.save_article(article("https://a.kr/news/1"))
    store.add_alias("https://a.kr/article/1", "https://a.kr/news/1")
    store.add_alias("https://a.kr/article/2", "https://a.kr/news/2")  # not stored: nothing
    assert store.is_known_url("https://a.kr/article/1")
    assert not store.is_known_url("https://a.kr/article/2")


def test_background_checkpoints_copy_the_wal_while_the_writer_goes_on(tmp_path):
    import shutil

    path = tmp_path / "news.db"
    with Store(path, background_checkpoints=True) as store:
        assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        for i in range(300):
            store.save_article(article(f"https://a.kr/{i}", body=f"{BODY} {i}번째 기사."))
        time.sleep(1.5)  # at least one checkpoint tick
        # the database file alone (no WAL beside it) already holds every article
        shutil.copy(path, tmp_path / "copy.db")
        copy = sqlite3.connect(tmp_path / "copy.db")
        assert copy.execute("SELECT count(*) FROM articles").fetchone()[0] == 300
        copy.close()
    wal = path.with_name("news.db-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # truncated on close
    with Store(path) as store:
        assert store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 300
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
