"""A store written before issue 26 keeps working: datasketch's MinHash, now computed at run time,
gives the bytes, band keys, screens and store rows that crawler/store/minhash.py's own numpy copy
gave (tests/fixtures/dedup/signatures.json, written by that copy; signatures.py says how)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from crawler.store import minhash
from crawler.store.db import Store
from pipelines.dedup import add_dedup_fields
from tests.conftest import ROOT

FIXTURE = json.loads((ROOT / "tests/fixtures/dedup/signatures.json").read_text("utf-8"))
ARTICLES = FIXTURE["articles"]


def _ids(record: dict) -> str:
    return record["url"].split("//")[1]


@pytest.mark.parametrize("record", ARTICLES, ids=_ids)
def test_the_dedup_stage_writes_the_old_bytes(record):
    item = add_dedup_fields({"url": record["url"], "body": record["body"]})
    assert item["signature"].hex() == record["signature"]
    assert item["content_hash"] == record["content_hash"]
    sig = minhash.signature(record["body"])
    assert [list(pair) for pair in minhash.band_keys(sig)] == record["band_keys"]
    assert minhash.screen_bytes(sig.hashvalues).hex() == record["screen"]


@pytest.mark.parametrize("record", ARTICLES, ids=_ids)
def test_old_bytes_read_as_the_signature_of_today(record):
    old = minhash.signature_from_bytes(bytes.fromhex(record["signature"]))
    new = minhash.signature(record["body"])
    assert (old.seed, old.scheme, len(old)) == (minhash.SEED, "affine32", minhash.NUM_PERM)
    assert np.array_equal(old.hashvalues, new.hashvalues) and old.jaccard(new) == 1.0
    assert minhash.band_keys(old) == minhash.band_keys(new)
    assert (
        minhash.screen_bytes_of_serialised(bytes.fromhex(record["signature"])).hex()
        == (record["screen"])
    )


@pytest.mark.parametrize("signatures", ["old bytes", "computed by the store"])
def test_a_store_built_now_has_the_rows_of_a_store_built_then(tmp_path, signatures):
    with Store(tmp_path / "news.db") as store:
        for record in ARTICLES:
            article = {"url": record["url"], "site": record["url"].split("/")[2],
                       "published": record["published"], "body": record["body"]}  # fmt: skip
            if signatures == "old bytes":
                article["signature"] = bytes.fromhex(record["signature"])
            article_id, _ = store.save_article(article)
            assert article_id == record["id"]
        for record in ARTICLES:
            screen = store.db.execute(
                "SELECT signature FROM dedup_signatures WHERE article_id = ?", [record["id"]]
            ).fetchone()
            bands = store.db.execute(
                "SELECT band, key FROM dedup_bands WHERE article_id = ? ORDER BY band, key",
                [record["id"]],
            ).fetchall()
            link = store.db.execute(
                "SELECT dup_of, similarity FROM articles WHERE id = ?", [record["id"]]
            ).fetchone()
            assert (bytes(screen[0]).hex() if screen else None) == record["stored"]["screen"]
            assert [list(row) for row in bands] == record["stored"]["bands"]
            assert list(link) == record["stored"]["dup_of_and_similarity"]
    # the fixture holds a cluster, or this test would not look at links at all
    assert any(r["stored"]["dup_of_and_similarity"][0] for r in ARTICLES)


def test_legacy_bytes_still_read_and_never_compare_with_new_ones():
    legacy = minhash.signature_from_bytes(bytes.fromhex(FIXTURE["legacy"]["bytes"]))
    assert legacy.scheme == "legacy" and legacy.seed == minhash.SEED
    assert [int(v) for v in legacy.hashvalues] == FIXTURE["legacy"]["hashvalues"]
    with pytest.raises(ValueError):
        legacy.jaccard(minhash.signature(ARTICLES[0]["body"]))
