"""A site that asks for less: Crawl-delay beyond the cap, and "slow down" answers.

- `KRNEWS_MAX_CRAWL_DELAY` (sites.toml `[crawl] max_crawl_delay`, 30 s): a robots.txt Crawl-delay
  is honoured up to it. A site that asks for more (Crawl-delay: 600 on a 3-page site would hold
  a cron run, and the store's lock, for half an hour) is crawled at the cap, and the run says so
  (a warning and a `crawl_delay_capped` fetch row). Heritrix honours up to 300 s, Nutch skips a
  host over 30 s; a cap keeps every site crawled within the run's time.
- A 429, or a 503 with `Retry-After` (RFC 9110 §10.2.3), pauses the whole site for the time it
  asks, capped the same way, before the retry: the download handler holds every request of
  that site's download slot until then. What the site still refuses is a `throttled` fetch,
  left to the next run and not counted as a failed page.
"""

from __future__ import annotations

import logging
import time
import weakref
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

from scrapy import Request
from scrapy.http import Response

logger = logging.getLogger(__name__)

SLOW_DOWN = (429, 503)


def retry_after(response: Response, now: float | None = None) -> float | None:
    """Seconds the answer asks to wait (`Retry-After`: seconds or an HTTP date), or None; a 429
    that names no time asks for the default pause of one minute."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return 60.0 if response.status == 429 else None
    text = raw.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return 60.0 if response.status == 429 else None
    return max(0.0, when - (time.time() if now is None else now))


def asked_pause(response: Response, cap: float) -> float | None:
    """The pause a "slow down" answer asks for, capped; None when it is not one."""
    if response.status not in SLOW_DOWN:
        return None
    asked = retry_after(response)
    return None if asked is None else min(asked, cap)


def slow_down(crawler: Any, request: Request, response: Response) -> float | None:
    """The pause a "slow down" answer asked for and got (capped), or None when it is not one.
    The download handler (crawler.crawl.deadline) read the same answer first and holds every
    request of the site until the pause ends; this says so in the log."""
    pause = asked_pause(response, crawler.settings.getfloat("KRNEWS_MAX_CRAWL_DELAY"))
    if pause:
        logger.info(
            "%s: HTTP %d, Retry-After %s: site paused %gs",
            request.meta.get("site"),
            response.status,
            (response.headers.get("Retry-After") or b"-").decode("latin-1"),
            pause,
        )
    return pause


# A request handed to Scrapy's HTTP client is on the wire within this many seconds (a busy
# process lags a few reactor turns, a new connection a few more: 0.17 s at most, measured).
WIRE_LAG = 0.5


class SiteClock:
    """When each download slot (site) may send its next request: one per crawler, kept by the
    download handler (crawler.crawl.deadline), which waits for it, and read by a scheduler that
    wants to hand over only what can go now (crawler.distributed.queue).

    Scrapy starts a slot's delay when it hands a request over, but in a busy process the bytes
    can leave a loop turn or two later (a new connection takes more turns than a kept-alive
    one), so the site saw the next request early (bench/crawl.py --wide: 3% of gaps under the
    delay). So a delay counts from when the site had the last request for sure: when its
    answer came back (as Nutch's fetcher.server.delay and Heritrix count it), or, for an answer
    still coming (a slow site, with concurrency to spare), WIRE_LAG after it was handed over.
    A "slow down" pause holds the slot too.
    """

    _clocks: ClassVar[weakref.WeakKeyDictionary[Any, SiteClock]] = weakref.WeakKeyDictionary()

    def __init__(self) -> None:
        self._next_send: dict[str, float] = {}  # slot -> the next free turn, in request order
        self._paused: dict[str, float] = {}  # slot -> the end of its "slow down" pause
        # slot -> (when its latest request was handed over, when the site had it for sure)
        self._last: dict[str, tuple[float, float]] = {}

    @classmethod
    def of(cls, crawler: Any) -> SiteClock:
        clock = cls._clocks.get(crawler)
        if clock is None:
            clock = cls._clocks[crawler] = cls()
        return clock

    def hold(self, key: str, seconds: float) -> None:
        self._paused[key] = max(time.monotonic() + seconds, self._paused.get(key, 0.0))

    def reserve(self, key: str, delay: float) -> float:
        """The turn of a request the slot hands over now: after the ones before it."""
        at = max(time.monotonic(), self._next_send.get(key, 0.0), self._paused.get(key, 0.0))
        if delay:
            self._next_send[key] = at + delay
        return at

    def ready_at(self, key: str, delay: float, turn: float = 0.0) -> float:
        """The earliest the slot may send a request whose turn is `turn`."""
        last = self._last.get(key)
        had = last[1] if last is not None and delay else -delay
        return max(turn, self._paused.get(key, 0.0), had + delay)

    def idle_ready(self, key: str, delay: float, ahead: float) -> bool:
        """Whether a new request of the slot could go within `ahead` seconds."""
        turn = self._next_send.get(key, 0.0) if delay else 0.0
        return self.ready_at(key, delay, turn) <= time.monotonic() + ahead

    def sending(self, key: str) -> float:
        """A request handed over now; returns its stamp for `answered`. Kept whatever the
        slot's delay is now: the first request of a site, robots.txt, goes before its
        Crawl-delay is known, and the next one must count from it."""
        now = time.monotonic()
        self._last[key] = (now, now + WIRE_LAG)
        return now

    def answered(self, key: str, stamp: float) -> None:
        """The answer (or failure) of the request handed over at `stamp` came back: if it is
        the latest, the site had it by now, which may be sooner than WIRE_LAG."""
        last = self._last.get(key)
        if last is not None and last[0] == stamp:
            self._last[key] = (stamp, min(last[1], time.monotonic()))
