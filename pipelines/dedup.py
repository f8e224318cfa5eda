"""Dedup stage: adds `content_hash` and the MinHash `signature` (bytes) to each article.

Linking (`dup_of`, `similarity`) needs the stored articles, so it happens in the store's
per-article transaction (crawler/store/db.py, crawler/store/dedup.py); this stage does the CPU work
of shingling and hashing before it.
"""

from __future__ import annotations

from typing import Any

from crawler.store import dedup


def add_dedup_fields(article: dict) -> dict:
    body = article.get("body") or ""
    article["content_hash"] = dedup.content_hash(body)
    article["signature"] = dedup.signature_to_bytes(dedup.signature(body))
    return article


class DedupPipeline:
    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        return cls()

    def process_item(self, item: dict) -> dict:
        return add_dedup_fields(item)
