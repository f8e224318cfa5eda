"""What the workers skip, as the store has it at the start of the run: the ingester publishes
it into per-run Redis keys (`publish`), and each worker's `StoreView` answers the questions a
one-process crawl asks its Store (known URLs, validators, gone links, learned lines) from them.

Rebuilt from the store by every run (and deleted with the run's keys), so it cannot drift from
the store; what the run itself stores is caught by the shared seen set meanwhile."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from crawler.distributed.link import Keys
from crawler.store import snapshot

CHUNK = 5000


def _chunks(pairs: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for pair in pairs:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def publish(client: Any, keys: Keys, store: Any, gone_days: float, min_articles: int) -> int:
    """Copies the store's skip lists into the run's keys; returns how many URLs are known."""
    known = 0
    for batch in _chunks(snapshot.known_urls(store)):
        client.hset(keys.known, mapping={url: when or "" for url, when in batch})
        known += len(batch)
    for batch in _chunks(snapshot.http_cache(store)):
        client.hset(
            keys.cache,
            mapping={u: "\t".join(v or "" for v in (e, m, c)) for u, e, m, c in batch},
        )
    for batch in _chunks(snapshot.gone_urls(store, gone_days)):
        client.sadd(keys.gone, *batch)
    sites = snapshot.sites_with_articles(store)
    if sites:
        client.sadd(keys.with_articles, *sites)
    for batch in _chunks(snapshot.learned_hashes(store, min_articles)):
        pipe = client.pipeline(transaction=False)
        for site, line_hash in batch:
            pipe.sadd(f"{keys.learned}:{site}", line_hash)
        pipe.execute()
    return known


class StoreView:
    """The read questions of crawler.store.db.Store a worker's components ask, from Redis."""

    def __init__(self, client: Any, keys: Keys) -> None:
        self.client = client
        self.keys = keys
        self._learned: dict[str, set[str]] = {}

    def is_known_url(self, url: str) -> bool:
        return bool(self.client.hexists(self.keys.known, url))

    def stored_by(self, url: str, when: str) -> bool:
        fetched = self.client.hget(self.keys.known, url)
        return fetched is not None and fetched.decode() <= when

    def has_articles(self, site: str) -> bool:
        return bool(self.client.sismember(self.keys.with_articles, site))

    def recently_gone(self, url: str, days: float, run_id: int | None) -> bool:
        return bool(self.client.sismember(self.keys.gone, url))

    def http_cache_get(self, url: str) -> dict | None:
        row = self.client.hget(self.keys.cache, url)
        if row is None:
            return None
        etag, modified, checked = (v or None for v in row.decode().split("\t"))
        return {"etag": etag, "last_modified": modified, "checked_at": checked}

    def learned_lines(self, site: str, lines: Iterable[str], min_articles: int) -> set[str]:
        """Read once a site: the published set is the store's at the start of the run, and
        what the run itself learns is the ingester's (its store stage cleans the articles)."""
        learned = self._learned.get(site)
        if learned is None:
            learned = {h.decode() for h in self.client.smembers(f"{self.keys.learned}:{site}")}
            self._learned[site] = learned
        if not learned:
            return set()
        return {line for line in lines if hashlib.sha1(line.encode("utf-8")).hexdigest() in learned}
