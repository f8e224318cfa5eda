"""The band index and its queue (crawler/store/bands.py): what a lookup finds does not depend on
where an article's keys are, and a failed or killed save leaves both as they were."""

from __future__ import annotations

import pytest
from fixtures.search.corpus import article_row, articles
from sqlite_utils import Database

from crawler.store import bands, dedup, minhash
from crawler.store.db import MIGRATIONS, PAGE_SIZE, SCHEMA_VERSION, Store

BODIES = [
    "고양시는 오는 26일부터 일산호수공원에서 국제꽃박람회를 연다고 밝혔다. 입장료는 1만 2000원이다.",
    "파주시의회는 임시회를 열고 조례안 11건을 심의했다. 의원들은 예산안을 두고 이견을 보였다.",
    "김포시는 한강신도시 도서관 두 곳을 새로 연다. 개관식은 다음 달 3일 오전 10시에 열린다.",
    "양주시 소방서는 겨울철 화재 예방을 위해 전통시장 점포 120곳을 점검한다고 밝혔다.",
    "의정부시는 지하철 8호선 연장 사업의 예비타당성 조사 결과를 다음 주 발표할 예정이다.",
]


def save(store: Store, i: int, body: str) -> int:
    article_id, _ = store.save_article({"url": f"https://a.kr/{i}", "site": "a", "body": body})
    return article_id


def sizes(store: Store) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in (bands.QUEUE_TABLE, bands.INDEX_TABLE, bands.VIEW)
    )


@pytest.fixture
def small_queue(monkeypatch):
    monkeypatch.setattr(bands, "QUEUE_SIZE", 3)


def test_the_queue_fills_then_goes_into_the_index_in_one_save(tmp_path, small_queue):
    with Store(tmp_path / "news.db") as store:
        ids = [save(store, i, body) for i, body in enumerate(BODIES[:2])]
        assert sizes(store) == (2, 0, 2 * minhash.BANDS)
        ids.append(save(store, 2, BODIES[2]))  # the third fills the queue
        assert sizes(store) == (0, 3 * minhash.BANDS, 3 * minhash.BANDS)
        ids.append(save(store, 3, BODIES[3]))
        assert sizes(store) == (1, 3 * minhash.BANDS, 4 * minhash.BANDS)
        # the view gives each article's keys, wherever they are
        for article_id, body in zip(ids, BODIES, strict=False):
            stored = store.db.execute(
                f"SELECT band, key FROM {bands.VIEW} WHERE article_id = ?", [article_id]
            ).fetchall()
            assert sorted(stored) == minhash.band_keys(minhash.signature(body))


def test_a_near_copy_is_a_candidate_from_the_queue_and_from_the_index(tmp_path, small_queue):
    with Store(tmp_path / "news.db") as store:
        first = save(store, 0, BODIES[0])
        near = minhash.signature(BODIES[0] + " 주차는 무료다.")
        assert store.db.execute(f"SELECT count(*) FROM {bands.QUEUE_TABLE}").fetchone()[0] == 1
        queued = dedup.candidates(store.db, near)
        assert queued[:1] == [first]
        save(store, 1, BODIES[1])
        save(store, 2, BODIES[2])  # merged
        assert store.db.execute(f"SELECT count(*) FROM {bands.QUEUE_TABLE}").fetchone()[0] == 0
        assert dedup.candidates(store.db, near) == queued
        assert dedup.candidates(store.db, near, exclude={first}) == [
            i for i in queued if i != first
        ]


def test_an_edited_article_leaves_no_old_keys_in_the_index_or_the_queue(tmp_path, small_queue):
    with Store(tmp_path / "news.db") as store:
        merged = save(store, 0, BODIES[0])
        save(store, 1, BODIES[1])
        save(store, 2, BODIES[2])
        queued = save(store, 3, BODIES[3])
        save(store, 0, BODIES[4])  # merged one edited: its old rows leave the index
        save(store, 3, BODIES[0])  # queued one edited: its queue row is replaced
        assert sizes(store)[2] == 4 * minhash.BANDS
        for article_id, body in ((merged, BODIES[4]), (queued, BODIES[0])):
            stored = store.db.execute(
                f"SELECT band, key FROM {bands.VIEW} WHERE article_id = ?", [article_id]
            ).fetchall()
            assert sorted(stored) == minhash.band_keys(minhash.signature(body))


def test_a_save_that_fails_after_filling_the_queue_moves_nothing(tmp_path, small_queue):
    def boom(store, article_id, article):
        if article["url"].endswith("/2"):
            raise RuntimeError("hook failed")

    with Store(tmp_path / "news.db", on_save=[boom]) as store:
        save(store, 0, BODIES[0])
        save(store, 1, BODIES[1])
        with pytest.raises(RuntimeError):
            save(store, 2, BODIES[2])
        assert sizes(store) == (2, 0, 2 * minhash.BANDS)
        assert store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2


def test_a_version_4_store_keeps_its_band_rows_as_the_index(tmp_path):
    path = tmp_path / "v4.db"
    db = Database(path)
    db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    MIGRATIONS.apply(db, stop_before="0005_band_queue")
    db.execute("PRAGMA user_version = 4")
    rows = articles()[:6]
    with db.atomic():
        for article in rows:
            db["articles"].insert(article_row(article))
            keys = minhash.band_keys(minhash.signature(article["body"]))
            db.conn.executemany(  # as schema 4 wrote them: into the table
                "INSERT INTO dedup_bands VALUES (?, ?, ?)", [(b, k, article["id"]) for b, k in keys]
            )
    db.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert sizes(store) == (0, 6 * minhash.BANDS, 6 * minhash.BANDS)
        found = dedup.candidates(store.db, minhash.signature(rows[0]["body"]))
        assert found[:1] == [rows[0]["id"]]
