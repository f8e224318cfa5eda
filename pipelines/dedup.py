"""Dedup stage: adds `content_hash` and the MinHash `signature` (bytes) to each article.

Linking (`dup_of`, `similarity`) needs the stored articles, so it happens in the store's
per-article transaction (crawler/store/articles.py, crawler/store/dedup.py); this stage does the
CPU work of shingling and hashing before it: datasketch's MinHash and the bytes of its
LeanMinHash, through crawler/store/minhash.py (pure, no SQL).
"""

from __future__ import annotations

from typing import Any

from crawler.store import minhash


def add_dedup_fields(article: dict) -> dict:
    body = article.get("body") or ""
    article["content_hash"] = minhash.content_hash(body)
    article["signature"] = minhash.signature_to_bytes(minhash.signature(body))
    return article


class DedupPipeline:
    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        minhash.load()  # datasketch imported as the crawl starts, not on its first article
        return cls()

    def process_item(self, item: dict) -> dict:
        return add_dedup_fields(item)
