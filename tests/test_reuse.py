"""Text reuse inside a story (issue 26): sentences, alignment, figures kept in the store."""

from __future__ import annotations

import difflib
import importlib.util
import json
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlite_utils import Database

from crawler.store import reuse, sentences
from crawler.store.db import MIGRATIONS, Store

ROOT = Path(__file__).resolve().parent
KOREAN_TRUTH = ROOT.parent.parent / "shared" / "korean-sites" / "truth.jsonl"

RELEASE = (
    "파주시는 14일 5,833억 원 규모의 제1회 추가경정예산안을 시의회에 제출했다고 밝혔다.\n"
    "이번 추경은 복지와 교통 분야에 중점을 뒀다. 시 관계자는 “시민 생활 안정이 먼저다. "
    "집행에 속도를 내겠다”고 말했다.\n"
    "주요 사업은 ‘광역버스 증차’와 노인 일자리 확대 등이다.\n"
    "시의회는 오는 21일부터 예산안을 심의한다."
)
# the same release, copy-edited: digit commas, spacing, straight quotes; last paragraph cut,
# one paragraph added
COPY = (
    "파주시는 14일 5833억원 규모의 제1회 추가경정예산안을 시의회에 제출했다고 밝혔다.\n"
    '이번 추경은 복지와 교통 분야에 중점을 뒀다. 시 관계자는 "시민 생활 안정이 먼저다. '
    '집행에 속도를 내겠다"고 말했다.\n'
    "주요 사업은 '광역버스 증차'와 노인 일자리 확대 등이다.\n"
    "한편 파주시는 지난해에도 두 차례 추경을 편성했다."
)


def _article(url: str, site: str, published: str | None, body: str, **more) -> dict:
    fetched = more.pop("fetched_at", "2024-05-14T06:00:00+00:00")
    return {"url": url, "site": site, "title": more.pop("title", "추경 제출"),
            "published": published, "fetched_at": fetched, "body": body, **more}  # fmt: skip


def _rows(store: Store) -> dict[str, tuple]:
    found = store.db.execute(
        "SELECT site, copied_share, kept_share, added, cut, headline_only, is_first, "
        "order_basis, lag_minutes FROM story_reuse"
    )
    return {r[0]: r[1:] for r in found}


def test_korean_sentences_split_at_endings_and_keep_quotes_together():
    got = sentences.split(RELEASE)
    assert len(got) == 5
    assert got[2].startswith("시 관계자는 “시민") and got[2].endswith("말했다.")
    assert sentences.split("정말 그런가요? 네 맞습니다! 그렇습니다.\n정치\n사진 설명입니다") == [
        "정말 그런가요?", "네 맞습니다!", "그렇습니다.", "사진 설명입니다",
    ]  # fmt: skip
    assert sentences.split("버전 3.5가 나왔다. 다음은 4.0") == ["버전 3.5가 나왔다.", "다음은 4.0"]
    assert len(sentences.split("가나다라마바사했다. " * 1000)) == sentences.MAX_SENTENCES


def test_copy_edits_share_a_key_and_other_sentences_do_not():
    assert sentences.key("5,833억 원을 “투입”한다…") == sentences.key('5833억원을 "투입"한다...')
    assert sentences.key("고양ㆍ파주 ‘협력’") == sentences.key("고양·파주 '협력'")
    assert sentences.key("1,000명이 왔다.") != sentences.key("2,000명이 왔다.")


def test_alignment_counts_copied_kept_added_and_cut():
    first, copy = sentences.split(RELEASE), sentences.split(COPY)
    found = sentences.align(first, copy)
    assert (found.added, found.cut) == (1, 1)
    assert found.copied_share == pytest.approx(4 / 5)
    assert found.kept_share == pytest.approx(4 / 5)
    assert not found.exact
    # a near-verbatim edit (one word changed) is matched, a different sentence is not
    edited = [s.replace("중점을 뒀다", "중점을 두었다") for s in first]
    assert sentences.align(first, edited).copied_share == 1.0
    other = ["김포시는 15일 도서관 세 곳을 새로 연다고 발표했다."]
    assert sentences.align(first, other).copied_share == 0.0


def test_store_keeps_figures_per_version_and_names_the_first(tmp_path):
    with Store(tmp_path / "news.db") as store:
        store.save_article(_article("https://b.kr/2", "b", "2024-05-14T11:30:00+09:00", COPY))
        store.save_article(
            _article("https://c.kr/3", "c", "2024-05-14T12:00:00+09:00", RELEASE, title="새 제목")
        )
        assert _rows(store)["b"][5] == 1  # first by published for now: b
        # the release itself arrives late but was published first: it becomes the first
        store.save_article(_article("https://a.kr/1", "a", "2024-05-14T10:00:00+09:00", RELEASE))
        rows = _rows(store)
        assert rows["a"] == (1.0, 1.0, 0, 0, 0, 1, "published", 0)
        assert rows["b"] == (0.8, 0.8, 1, 1, 0, 0, "published", 90)
        assert rows["c"] == (1.0, 1.0, 0, 0, 1, 0, "published", 120)  # only the headline
        outlets = {
            r[0]: r[1:]
            for r in store.db.execute(
                "SELECT site, articles, versions_of_others, copy_rate, median_copied_share, "
                "firsts FROM outlet_reuse"
            )
        }
        assert outlets["a"] == (1, 0, 0.0, None, 1)
        assert outlets["b"] == (1, 1, 1.0, 0.8, 0)
        assert store.db.execute(f"SELECT count(*) FROM {reuse.PENDING}").fetchone() == (0,)


def test_order_falls_back_to_fetch_time_and_says_why(tmp_path):
    with Store(tmp_path / "news.db") as store:
        same = "2024-05-14T10:00:00+09:00"
        store.save_article(
            _article("https://a.kr/1", "a", same, RELEASE, fetched_at="2024-05-14T03:00:00+00:00")
        )
        store.save_article(
            _article("https://a.kr/9", "a", same, RELEASE, fetched_at="2024-05-14T02:00:00+00:00")
        )
        store.save_article(
            _article("https://d.kr/1", "d", None, COPY, fetched_at="2024-05-14T04:00:00+00:00")
        )
        got = list(
            store.db.execute(
                "SELECT article_id, is_first, order_basis, copied_share FROM story_reuse"
            )
        )
        # the two re-posts at one published time: the earlier fetch (id 2) runs first
        assert got[0] == (2, 1, "fetched_at: same published time", 1.0)
        assert got[1] == (1, 0, "fetched_at: same published time", 1.0)  # exact re-post: 1.00
        assert got[2][2] == "fetched_at: no published time"


def test_a_back_dated_copy_is_ordered_by_its_fetch(tmp_path):
    with Store(tmp_path / "news.db") as store:
        store.save_article(
            _article("https://a.kr/1", "a", "2024-05-14T10:00:00+09:00", RELEASE,
                     fetched_at="2024-05-14T02:00:00+00:00")
        )  # fmt: skip
        # site b was crawled the next day: the copy was not there
        store.save_article(
            _article("https://b.kr/5", "b", "2024-05-15T09:00:00+09:00", "다른 기사입니다. " * 9,
                     fetched_at="2024-05-15T01:00:00+00:00")
        )  # fmt: skip
        # a week later it turns up, dated before the release
        store.save_article(
            _article("https://b.kr/2", "b", "2024-05-13T09:00:00+09:00", COPY,
                     fetched_at="2024-05-21T01:00:00+00:00")
        )  # fmt: skip
        rows = _rows(store)
        assert rows["a"][5] == 1 and rows["b"][5] == 0
        assert rows["b"][6] == "fetched_at: back-dated"


def test_an_edit_and_a_shell_delete_recompute_the_story(tmp_path):
    path = tmp_path / "news.db"
    with Store(path) as store:
        store.save_article(_article("https://a.kr/1", "a", "2024-05-14T10:00:00+09:00", RELEASE))
        store.save_article(_article("https://b.kr/2", "b", "2024-05-14T11:00:00+09:00", RELEASE))
        store.save_article(_article("https://c.kr/3", "c", "2024-05-14T12:00:00+09:00", COPY))
        assert _rows(store)["b"][:2] == (1.0, 1.0)
        # b edits its copy: one sentence added
        store.save_article(
            _article(
                "https://b.kr/2",
                "b",
                "2024-05-14T11:00:00+09:00",
                RELEASE + "\n시는 설명회도 연다고 덧붙였다.",
            )
        )
        assert _rows(store)["b"][:4] == (pytest.approx(5 / 6, abs=1e-4), 1.0, 1, 0)
    # the first version deleted from a shell: the story's rows are not shown stale
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM articles WHERE id = 1")
    conn.commit()
    assert conn.execute("SELECT count(*) FROM story_reuse WHERE first_id = 1").fetchone() == (0,)
    conn.close()
    with Store(path) as store:
        store.save_article(
            _article("https://e.kr/1", "e", "2024-06-01T10:00:00+09:00", "새 소식이다.")
        )
        # b and c lost their canonical (dup_of set NULL): two single articles, no rows left
        assert _rows(store) == {}
        assert store.db.execute(f"SELECT count(*) FROM {reuse.TABLE}").fetchone() == (0,)


def test_migration_6_computes_the_stories_already_stored(tmp_path):
    path = tmp_path / "v5.db"
    with Store(path) as store:
        store.save_article(_article("https://a.kr/1", "a", "2024-05-14T10:00:00+09:00", RELEASE))
        store.save_article(_article("https://b.kr/2", "b", "2024-05-14T11:00:00+09:00", COPY))
    db = Database(path)  # back to schema 5: no reuse table, triggers or views
    for name in ("story_reuse", "outlet_reuse"):
        db.execute(f"DROP VIEW {name}")
    made = "SELECT type, name FROM sqlite_master WHERE name LIKE 'story_reuse%'"
    for kind, name in db.execute(made).fetchall():
        db.execute(f"DROP {kind} IF EXISTS {name}")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = '0006_story_reuse'")
    db.execute("PRAGMA user_version = 5")
    db.close()
    with Store(path) as store:
        assert not MIGRATIONS.pending(store.db)
        assert _rows(store)["b"][:2] == (0.8, 0.8)


# ---- the labelled duplicates and the Korean replica stories, against a reference -------------


def reference_copied_share(first: str, version: str) -> float:
    """An independent reference: every sentence of the version against every sentence of the
    first, by difflib's ratio of their keys (no candidate bound, another similarity)."""
    mine = [sentences.key(s) for s in sentences.split(version)]
    theirs = [sentences.key(s) for s in sentences.split(first)]
    free = list(theirs)
    hits = 0
    for k in mine:
        if k in free:
            free.remove(k)
            hits += 1
            continue
        best = max(free, key=lambda t: difflib.SequenceMatcher(None, k, t).ratio(), default=None)
        if best is not None and difflib.SequenceMatcher(None, k, best).ratio() >= 0.8:
            free.remove(best)
            hits += 1
    return hits / len(mine) if mine else 1.0


def _store_and_compare(tmp_path, docs: list[dict]) -> list[str]:
    """Save docs (url, site, title, published, body, story); return what disagrees."""
    wrong = []
    with Store(tmp_path / "news.db") as store:
        ids = {store.save_article(dict(d, fetched_at="2024-06-01T00:00:00+00:00"))[0]: d
               for d in docs}  # fmt: skip
        rows = list(
            store.db.execute("SELECT story, article_id, first_id, copied_share FROM story_reuse")
        )
    by_story: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        by_story[d["story"]].append(d)
    stored_story = {aid: story for story, aid, _, _ in rows}
    for story, versions in by_story.items():
        if len(versions) < 2:
            continue
        earliest = min(v["published"] for v in versions)
        for story_id, aid, first_id, share in rows:
            d = ids[aid]
            if d["story"] != story:
                continue
            if ids[first_id]["published"] != earliest:
                wrong.append(f"{story}: first {ids[first_id]['site']}")
            want = reference_copied_share(ids[first_id]["body"], d["body"])
            if abs(share - want) > 0.05:
                wrong.append(f"{story} {d['site']}: {share} vs {want:.3f}")
        if len({stored_story.get(aid) for aid, d in ids.items() if d["story"] == story}) != 1:
            wrong.append(f"{story}: split")
    for story_id, aid, _, _ in rows:  # hard negatives and other stories never share one
        members = {ids[a]["story"] for s, a, _, _ in rows if s == story_id}
        if len(members) > 1:
            wrong.append(f"story {story_id} mixes {sorted(members)}")
    return sorted(set(wrong))


def test_labelled_duplicates_first_right_and_shares_near_the_reference(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "labelled", ROOT / "fixtures" / "dedup" / "labelled.py"
    )
    assert spec and spec.loader
    labelled = importlib.util.module_from_spec(spec)
    sys.modules["labelled"] = labelled
    spec.loader.exec_module(labelled)
    docs = [
        {"url": f"https://{d.site}.example.kr/news/{d.key}", "site": d.site, "title": d.title,
         "published": d.published, "body": d.body, "story": d.story}
        for d in labelled.load_docs()
    ]  # fmt: skip
    assert _store_and_compare(tmp_path, docs) == []


@pytest.mark.skipif(not KOREAN_TRUTH.is_file(), reason="../shared/korean-sites is not beside")
def test_korean_replica_stories_from_their_truth_bodies(tmp_path):
    truth = [json.loads(line) for line in KOREAN_TRUTH.read_text("utf-8").splitlines()]
    docs = [dict(t, story=t["cluster"], url=t["url"].replace("{PORT}", "80")) for t in truth]
    for d in docs:
        d.pop("cluster")
    assert _store_and_compare(tmp_path, docs) == []
