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

from crawler.crawl.politeness import SiteClock
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
# Takes the first free site with work: KEYS[1] the pending set; ARGV: the lease key prefix, the
# worker, the lease's milliseconds, then the sites it must not take (its own). One round trip,
# however many sites the other workers hold.
TAKE = """
local mine = {}
for i = 4, #ARGV do mine[ARGV[i]] = true end
local sites = redis.call('SMEMBERS', KEYS[1])
table.sort(sites)
for _, site in ipairs(sites) do
  if not mine[site] and redis.call('SET', ARGV[1] .. site, ARGV[2], 'NX', 'PX', ARGV[3]) then
    return site
  end
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
READY_AHEAD = 0.05  # seconds before a site's delay ends that its next request is popped


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
        # Held sites whose queue was found empty: not asked again until a push to one, or the
        # next look at the pending set (a site's requests can come from another worker's
        # spider, its home page for one).
        self.empty: set[str] = set()
        self.clock = SiteClock.of(spider.crawler)
        self._pop = server.register_script(POP)
        self._take = server.register_script(TAKE)
        self._live = (0.0, 1)  # (when counted, live workers)
        self._renew = server.register_script(RENEW)

    # -- scrapy-redis's queue ----------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.server.scard(self.keys.pending))

    def push(self, request: Any) -> None:
        site = request.meta.get("site") or "_"
        self.fresh.pop(site, None)
        self.empty.discard(site)
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
        ready = [site for site in self.order if site not in self.empty and self._room(site)]
        request = self._pop_first(ready)
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
        """The best request of the first of `sites` that has one; those before it are empty
        (until a push, or the next look at the pending set, says otherwise)."""
        if not sites:
            return None
        keys = [self.keys.pending, *(self.keys.site_queue(site) for site in sites)]
        got = self._pop(keys=keys, args=sites)
        if not got:
            self.empty.update(sites)
            return None
        site, data = got[0].decode(), got[1]
        self.empty.update(sites[: sites.index(site)])
        request = self._decode_request(data)
        self.held[site] = urlsplit(request.url).hostname or ""
        return request

    def _starting(self, now: float) -> int:
        for site, taken in list(self.fresh.items()):
            if now - taken > FRESH_FOR or site not in self.held:
                del self.fresh[site]
        return len(self.fresh)

    def _room(self, site: str) -> bool:
        """Whether the site's download slot should be handed a request now. Without a delay:
        up to its concurrency plus one waiting. With one: only when nothing of the site is in
        the downloader and its delay has (all but) run, so that what waits out a site's delay
        waits here, in Redis, and not in the downloader, where it would count against
        CONCURRENT_REQUESTS and starve the sites that are ready (scrapy/scrapy#2638)."""
        slot = self._slot(site)
        if slot is None:
            return True
        if not slot.delay:
            return len(slot.active) <= slot.concurrency
        return not slot.active and self.clock.idle_ready(self.held[site], slot.delay, READY_AHEAD)

    def _busy(self, site: str) -> bool:
        slot = self._slot(site)
        return bool(slot and slot.active)

    def _slot(self, site: str) -> Any:
        """The site's Scrapy download slot, once its first request has named the host."""
        downloader = getattr(getattr(self.spider.crawler, "engine", None), "downloader", None)
        return downloader.slots.get(self.held.get(site, "")) if downloader else None

    def _take_site(self) -> str | None:
        live = self.live_workers()
        if live < self.expected and time.monotonic() - self.started < STARTUP_WAIT:
            return None
        working = sum(1 for s in self.held if s not in self.empty or self._busy(s))
        sites = len(self.spider.sites) or 1
        if working >= math.ceil(sites / max(live, 1)):
            return None
        got = self._take(
            keys=[self.keys.pending],
            args=[self.keys.lease(""), self.worker, LEASE_MS, *self.held],
        )
        if not got:
            return None
        site = got.decode()
        self.held[site] = ""
        self.order.append(site)
        self.fresh[site] = time.monotonic()
        taken = getattr(self.spider, "site_taken", None)
        if taken is not None:
            taken(site)
        return site

    def _encode_request(self, request: Any) -> bytes:
        """Request.to_dict(spider=...), but the callback's name is read off the bound method:
        Scrapy finds it by listing every method of the spider (inspect.getmembers) for each
        request, a tenth of a worker's CPU on a wide crawl."""
        data = request.replace(callback=None, errback=None).to_dict()
        data["callback"] = self._method_name(request.callback)
        data["errback"] = self._method_name(request.errback)
        return self.serializer.dumps(data)

    def _decode_request(self, encoded: bytes) -> Any:
        """The callbacks are the spider's own bound methods, one object per callback, as
        for the requests it makes itself: Scrapy caches its check of a callback's source per
        object, and a method looked up anew for every request parsed the source every time."""
        request = super()._decode_request(encoded)
        callbacks = getattr(self.spider, "_callbacks", None)
        if callbacks is not None:
            for attr in ("callback", "errback"):
                func = getattr(request, attr)
                if callable(func):
                    setattr(request, attr, callbacks.setdefault(func.__name__, func))
        return request

    def _method_name(self, func: Any) -> Any:
        if not callable(func):
            return func
        name = getattr(func, "__name__", "")
        bound = getattr(self.spider, name, None)
        if getattr(bound, "__func__", None) is not getattr(func, "__func__", func):
            raise ValueError(f"Function {func} is not an instance method in: {self.spider}")
        return name

    def live_workers(self) -> int:
        """Workers whose heartbeat key is there, counted at most once a second once all the
        expected ones are up."""
        counted, live = self._live
        if live >= self.expected and time.monotonic() - counted < 1.0:
            return live
        workers = [w.decode() for w in self.server.smembers(self.keys.workers)]
        alive = self.server.exists(*[self.keys.alive(w) for w in workers]) if workers else 1
        self._live = (time.monotonic(), max(int(alive), 1))
        return self._live[1]

    def renew(self) -> None:
        """The heartbeat: every held lease renewed; one lost (we stalled) is given up."""
        sites = list(self.held)
        pipe = self.server.pipeline(transaction=False)
        for site in sites:
            self._renew(keys=[self.keys.lease(site)], args=[self.worker, LEASE_MS], client=pipe)
        pipe.smembers(self.keys.pending)
        *renewed, pending = pipe.execute()
        self.empty = {site for site in self.held if site.encode() not in pending}
        for site, kept in zip(sites, renewed, strict=True):
            if not kept:
                self.held.pop(site, None)
                if site in self.order:
                    self.order.remove(site)
