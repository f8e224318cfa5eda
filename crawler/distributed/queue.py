"""The shared frontier, split by site: scrapy-redis's SCHEDULER_QUEUE_CLASS.

Each site has its own sorted set of requests (by priority) in Redis, and a lease: a key naming
the one worker that may pop that site's requests, with a TTL the worker renews (crawler.
distributed.worker). So one site is fetched by one worker at a time, with the delay and
concurrency of its Scrapy download slot exactly as in one process; a partition whose worker
died is taken over by another once its lease runs out.

A worker pops from the sites it holds while their download slot has room (no more than the
slot's concurrency plus one waiting: the delay is never starved, and no site's backlog fills
the downloader), and takes a free site with work only when its own give it nothing, and only up
to its share of the sites (sites / live workers): the first worker up does not take them all.
A site just taken gives nothing until its first page is parsed, so a worker takes no more while
a few of its sites are that new (FRESH): it holds as many sites as keep it busy, and the rest
stay free for whichever worker runs out of work first, so the workers finish together.
robots.txt is queued once per run per site, whichever worker's spider yields it first.
"""

from __future__ import annotations

import math
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy_redis.queue import Base  # type: ignore[import-untyped]

from crawler.distributed.link import LEASE_MS, Keys

# Pops the best request of the first of the given sites whose set has one (KEYS[1] is the
# pending set, KEYS[i + 1] the queue of site ARGV[i]), forgetting a site as pending once its set
# is empty: one round trip a request, however many of the worker's sites are empty.
POP = """
for i, site in ipairs(ARGV) do
  local got = redis.call('ZPOPMIN', KEYS[i + 1])
  if redis.call('ZCARD', KEYS[i + 1]) == 0 then redis.call('SREM', KEYS[1], site) end
  if got[1] then return {site, got[1]} end
end
return nil
"""
# Renews a lease only while it is still ours.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
STARTUP_WAIT = 3.0  # seconds a worker waits for the others before taking sites
TAKE_EVERY = 0.1  # seconds between looks for a free site once none was free
# Sites taken and not yet heard from (nothing queued for them since): at most FRESH, or a
# quarter of the sites held when that is more (a wide crawl ramps up geometrically); one
# whose first page gave no link counts for FRESH_FOR seconds at most.
FRESH = 4
FRESH_FOR = 10.0


class SiteQueue(Base):
    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.keys = Keys(settings.get("KRNEWS_RUN_TOKEN"))
        self.worker: str = settings.get("KRNEWS_WORKER_ID")
        self.expected = settings.getint("KRNEWS_EXPECTED_WORKERS", 1)
        self.held: dict[str, str] = {}  # site -> its download slot key (host)
        self.order: list[str] = []  # round robin over the held sites
        self.started = time.monotonic()
        self._next_take = 0.0
        self.fresh: dict[str, float] = {}  # site -> when it was taken
        self._pop = server.register_script(POP)
        self._renew = server.register_script(RENEW)

    # -- scrapy-redis's queue ----------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.server.scard(self.keys.pending))

    def push(self, request: Any) -> None:
        site = request.meta.get("site") or "_"
        self.fresh.pop(site, None)
        first_robots = request.meta.get("krnews_kind") == "robots"
        if first_robots and not request.meta.get("retry_times"):  # noqa: SIM102
            if not self.server.sadd(self.keys.robots_seeded, site):
                return  # another worker's spider queued it: read once a run
        pipe = self.server.pipeline(transaction=True)
        pipe.execute_command(
            "ZADD", self.keys.site_queue(site), -request.priority, self._encode_request(request)
        )
        pipe.sadd(self.keys.pending, site)
        pipe.execute()

    def pop(self, timeout: int = 0) -> Any:
        if self.order:
            self.order.append(self.order.pop(0))  # round robin: the next site first
        request = self._pop_first([site for site in self.order if self._room(site)])
        if request is not None:
            return request
        now = time.monotonic()
        if now < self._next_take or self._starting(now) >= max(FRESH, len(self.held) // 4):
            return None
        taken = self._take_site()
        if taken is None:
            self._next_take = time.monotonic() + TAKE_EVERY
            return None
        return self._pop_first([taken])

    def clear(self) -> None:
        """Nothing: the run's keys are the ingester's to delete."""

    # -- leases ----------------------------------------------------------------------------

    def _pop_first(self, sites: list[str]) -> Any:
        if not sites:
            return None
        keys = [self.keys.pending, *(self.keys.site_queue(site) for site in sites)]
        got = self._pop(keys=keys, args=sites)
        if not got:
            return None
        site, data = got[0].decode(), got[1]
        request = self._decode_request(data)
        self.held[site] = urlsplit(request.url).hostname or ""
        return request

    def _starting(self, now: float) -> int:
        for site, taken in list(self.fresh.items()):
            if now - taken > FRESH_FOR or site not in self.held:
                del self.fresh[site]
        return len(self.fresh)

    def _room(self, site: str) -> bool:
        downloader = getattr(getattr(self.spider.crawler, "engine", None), "downloader", None)
        slot = downloader.slots.get(self.held.get(site, "")) if downloader else None
        return slot is None or len(slot.active) <= slot.concurrency

    def _busy(self, site: str) -> bool:
        downloader = getattr(getattr(self.spider.crawler, "engine", None), "downloader", None)
        slot = downloader.slots.get(self.held.get(site, "")) if downloader else None
        return bool(slot and slot.active)

    def _take_site(self) -> str | None:
        pending = {s.decode() for s in self.server.smembers(self.keys.pending)}
        free = [s for s in sorted(pending) if s not in self.held]
        if not free:
            return None
        live = self.live_workers()
        if live < self.expected and time.monotonic() - self.started < STARTUP_WAIT:
            return None
        working = sum(1 for s in self.held if s in pending or self._busy(s))
        sites = len(self.spider.sites) or 1
        if working >= math.ceil(sites / max(live, 1)):
            return None
        for site in free:
            if self.server.set(self.keys.lease(site), self.worker, nx=True, px=LEASE_MS):
                self.held[site] = ""
                self.order.append(site)
                self.fresh[site] = time.monotonic()
                taken = getattr(self.spider, "site_taken", None)
                if taken is not None:
                    taken(site)
                return site
        return None

    def live_workers(self) -> int:
        workers = [w.decode() for w in self.server.smembers(self.keys.workers)]
        if not workers:
            return 1
        alive = self.server.exists(*[self.keys.alive(w) for w in workers])
        return max(int(alive), 1)

    def renew(self) -> None:
        """The heartbeat: every held lease renewed; one lost (we stalled) is given up."""
        for site in list(self.held):
            if not self._renew(keys=[self.keys.lease(site)], args=[self.worker, LEASE_MS]):
                self.held.pop(site, None)
                if site in self.order:
                    self.order.remove(site)
