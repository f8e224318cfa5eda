"""Dedup stage: adds `content_hash` and the MinHash `signature` (bytes) to each article.

Linking (`dup_of`, `similarity`) needs the stored articles, so it happens in the store's
per-article transaction (crawler/store/articles.py, crawler/store/dedup.py); this stage does the
CPU work of shingling and hashing before it, with the pure part alone (crawler/store/minhash.py).
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
        return cls()

    def process_item(self, item: dict) -> dict:
        return add_dedup_fields(item)
