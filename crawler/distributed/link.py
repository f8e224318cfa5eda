"""The Redis server of a distributed crawl: one connection, its keys, and what a worker does
when Redis cannot be reached (one line, EX_UNAVAILABLE)."""

from __future__ import annotations

import os
import sys
from typing import Any

from crawler.crawl.exits import EX_UNAVAILABLE, CrawlAborted

# The key that names the run workers join: its token, set by the ingester.
CURRENT = "krnews:current"
RUNS = "krnews:runs"  # every run token whose keys may still be in Redis
GROUP = "ingest"
CONSUMER = "ingester"
LEASE_MS = 10_000  # a site's lease; its worker renews it every HEARTBEAT seconds
HEARTBEAT = 2.0


class Keys:
    """The Redis keys of one run (`krnews:<token>:...`)."""

    def __init__(self, token: str) -> None:
        self.token = token
        base = f"krnews:{token}"
        self.base = base
        self.run = f"{base}:run"  # hash: config text, sites, settings, run id, workers
        self.queue = f"{base}:q"  # + ":<site>": a sorted set of requests
        self.pending = f"{base}:pending"  # sites with queued requests
        self.seen = f"{base}:seen"  # scrapy-redis's dupefilter set
        self.robots_seeded = f"{base}:robots_seeded"
        self.robots = f"{base}:robots"  # site -> robots.txt text, for a site taken over
        self.paused = f"{base}:paused"  # download slot -> the epoch its "slow down" pause ends
        self.stream = f"{base}:stream"
        self.known = f"{base}:known"  # url -> fetched_at
        self.cache = f"{base}:cache"  # url -> "etag\tlast_modified\tchecked_at"
        self.gone = f"{base}:gone"
        self.with_articles = f"{base}:with_articles"
        self.learned = f"{base}:learned"  # + ":<site>": learned line hashes
        self.workers = f"{base}:workers"  # every worker id that joined
        self.ingester = f"{base}:ingester"  # the ingester's heartbeat

    def site_queue(self, site: str) -> str:
        return f"{self.queue}:{site}"

    def lease(self, site: str) -> str:
        return f"{self.base}:lease:{site}"

    def alive(self, worker: str) -> str:
        return f"{self.base}:alive:{worker}"


def connect(url: str) -> Any:
    """A client of the server at `url`, answered a PING; CrawlAborted(69) when it cannot be."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise CrawlAborted(f"cannot reach Redis at {url}: {exc}", EX_UNAVAILABLE) from None
    return client


def lost(url: str, exc: BaseException) -> None:
    """Redis went away under a worker: one line and EX_UNAVAILABLE, now (what it had in flight
    is not settled, so the next run does it)."""
    sys.stderr.write(f"krnews: lost Redis at {url}: {exc}\n")
    sys.stderr.flush()
    os._exit(EX_UNAVAILABLE)
