import subprocess
import sys

from crawler.store import dedup, minhash
from crawler.store.db import Store

BODY = "고양시는 오는 26일부터 일산호수공원에서 국제꽃박람회를 연다고 밝혔다.\n입장료는 1만 2000원이다."


def test_shingles_are_character_ngrams_across_spaces():
    grams = minhash.shingles("고양시는  꽃\n박람회", n=3)
    assert "시는 " in grams and "꽃 박" in grams and "\n" not in "".join(grams)
    assert minhash.shingles("", n=5) == set() and minhash.shingles("짧다", n=5) == {"짧다"}


def test_signature_round_trips_through_bytes_not_pickle():
    sig = minhash.signature(BODY)
    data = minhash.signature_to_bytes(sig)
    assert isinstance(data, bytes) and not data.startswith(b"\x80")  # no pickle header
    assert len(data) < 16 + 4 * minhash.NUM_PERM + 8
    assert minhash.signature_from_bytes(data).jaccard(sig) == 1.0


def test_estimate_tracks_exact_jaccard():
    other = BODY.replace("26일", "27일").replace("밝혔다", "전했다")
    exact = minhash.jaccard(minhash.shingles(BODY), minhash.shingles(other))
    assert 0.3 < exact < 0.9
    assert abs(minhash.estimate(minhash.signature(BODY), minhash.signature(other)) - exact) < 0.15


def test_band_keys_are_stable_across_processes():
    # Band keys are persisted: a new process (another hash seed) must compute the same ones.
    code = (
        f"from crawler.store import minhash; print(minhash.band_keys(minhash.signature({BODY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    keys = minhash.band_keys(minhash.signature(BODY))
    assert out.stdout.strip() == str(keys)
    assert len(keys) == minhash.BANDS and len({k for _, k in keys}) == minhash.BANDS
    assert all(0 <= k < 2**63 for _, k in keys)


def test_candidates_come_from_the_stored_bands(tmp_path):
    with Store(tmp_path / "news.db") as store:
        a, _ = store.save_article({"url": "https://a.kr/1", "site": "a", "body": BODY})
        near = BODY + "\n한편 지난해에는 60만 명이 다녀갔다."
        assert dedup.candidates(store.db, minhash.signature(near)) == [a]
        assert dedup.candidates(store.db, minhash.signature(near), exclude={a}) == []
        unrelated = "파주시의회는 임시회를 열고 조례안 11건을 심의했다. " * 3
        assert dedup.candidates(store.db, minhash.signature(unrelated)) == []


def test_empty_body_is_stored_but_never_linked(tmp_path):
    with Store(tmp_path / "news.db") as store:
        store.save_article({"url": "https://a.kr/1", "site": "a", "body": ""})
        store.save_article({"url": "https://a.kr/2", "site": "a", "body": ""})
        rows = store.db.execute("SELECT dup_of FROM articles ORDER BY id").fetchall()
        assert rows == [(None,), (None,)]
        assert store.db.execute("SELECT count(*) FROM dedup_bands").fetchone()[0] == 0


def test_body_edited_to_empty_leaves_its_cluster(tmp_path):
    with Store(tmp_path / "news.db") as store:
        store.save_article({"url": "https://a.kr/0", "site": "a", "body": ""})
        a, _ = store.save_article({"url": "https://a.kr/1", "site": "a", "body": BODY})
        b, _ = store.save_article({"url": "https://a.kr/2", "site": "a", "body": BODY})
        assert store.article(b)["dup_of"] == a
        store.save_article({"url": "https://a.kr/2", "site": "a", "body": ""})
        assert [r[0] for r in store.db.execute("SELECT dup_of FROM articles")] == [None] * 3


def test_signature_is_datasketchs_minhash_and_its_leanminhash_bytes():
    # The signature is datasketch's own object; fed the way its documentation shows (a fresh
    # MinHash, a hash function of the shingle string, one update a shingle) it has the same
    # values as ours (UTF-8 bytes through update_batch, the permutations drawn once).
    import zlib

    import numpy as np
    from datasketch import LeanMinHash, MinHash

    for body in (BODY, "", "짧다", BODY * 7, "A  b\tc 고양시 2026"):
        reference = MinHash(
            num_perm=minhash.NUM_PERM,
            seed=minhash.SEED,
            hashfunc=lambda s: zlib.crc32(s.encode("utf-8")),
        )
        for shingle in minhash.shingles(body):
            reference.update(shingle)
        sig = minhash.signature(body)
        assert isinstance(sig, LeanMinHash) and sig.scheme == reference.scheme == "affine32"
        assert np.array_equal(sig.hashvalues, reference.hashvalues)
        lean = LeanMinHash(reference)
        buf = bytearray(lean.bytesize(byteorder="<"))
        lean.serialize(buf, byteorder="<")
        assert minhash.signature_to_bytes(sig) == bytes(buf)
        assert minhash.signature_from_bytes(bytes(buf)).jaccard(sig) == 1.0


def test_shingle_bytes_are_the_shingles_in_utf8():
    for body in (BODY, "", "짧다", "A  b\tc 고양시 2026", "😀 이모지와 한글 섞인 문장"):
        assert minhash.shingle_bytes(body) == {s.encode("utf-8") for s in minhash.shingles(body)}
