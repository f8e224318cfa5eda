"""Accuracy gate on the labelled set (tests/fixtures/dedup): floors only move up."""

import importlib.util
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from crawler.store.db import Store

_spec = importlib.util.spec_from_file_location(
    "labelled", Path(__file__).parent / "fixtures" / "dedup" / "labelled.py"
)
labelled = importlib.util.module_from_spec(_spec)
sys.modules["labelled"] = labelled  # dataclasses look their module up there
_spec.loader.exec_module(labelled)

PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.95
DOCS = labelled.load_docs()


def _store_all(path, docs):
    """Save docs in the given order; return key -> (id, dup_of, similarity, published)."""
    with Store(path) as store:
        ids = {}
        for doc in docs:
            article_id, stored = store.save_article(
                {
                    "url": f"https://{doc.site}.example.kr/news/{doc.key}",
                    "site": doc.site,
                    "title": doc.title,
                    "published": doc.published,
                    "body": doc.body,
                }
            )
            assert stored
            ids[doc.key] = article_id
        rows = {
            r[0]: r[1:]
            for r in store.db.execute("SELECT id, dup_of, similarity, published FROM articles")
        }
    return {key: (i, *rows[i]) for key, i in ids.items()}


def _predicted_pairs(result):
    canonical = {key: dup_of or i for key, (i, dup_of, _, _) in result.items()}
    return {frozenset((a, b)) for a, b in combinations(result, 2) if canonical[a] == canonical[b]}


def test_labelled_set_is_big_enough_and_covers_the_real_kinds():
    assert len(labelled.duplicate_pairs(DOCS)) >= 30
    story_negatives = {
        frozenset(key.split("#")[0] for key in pair) for pair in labelled.hard_negative_pairs(DOCS)
    }
    assert len(story_negatives) >= 30
    kinds = Counter(doc.kind for doc in DOCS)
    for kind in ("new-headline", "rewritten-lead", "dropped-last", "added-last",
                 "byline-boilerplate", "repost"):  # fmt: skip
        assert kinds[kind] >= 3, kind


@pytest.mark.parametrize("order", ["as written", "newest first"])
def test_precision_recall_and_no_hard_negative_linked(tmp_path, order):
    docs = sorted(DOCS, key=lambda d: d.published, reverse=True) if order != "as written" else DOCS
    result = _store_all(tmp_path / "news.db", docs)
    predicted = _predicted_pairs(result)
    truth = labelled.duplicate_pairs(DOCS)
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted)
    recall = true_positives / len(truth)
    assert precision >= PRECISION_FLOOR, (precision, sorted(map(sorted, predicted - truth)))
    assert recall >= RECALL_FLOOR, (recall, sorted(map(sorted, truth - predicted)))
    assert not predicted & labelled.hard_negative_pairs(DOCS)


def test_every_cluster_points_at_its_earliest_article(tmp_path):
    docs = sorted(DOCS, key=lambda d: d.published, reverse=True)  # forces re-pointing
    result = _store_all(tmp_path / "news.db", docs)
    by_id = {i: (published, i) for i, _, _, published in result.values()}
    clusters = {}
    for i, dup_of, similarity, _ in result.values():
        clusters.setdefault(dup_of or i, []).append(i)
        if dup_of is None:
            assert similarity is None
        else:
            assert 0 < similarity <= 1
    assert any(len(members) > 1 for members in clusters.values())
    for canonical, members in clusters.items():
        assert min(members, key=by_id.get) == canonical
