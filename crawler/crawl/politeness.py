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
from email.utils import parsedate_to_datetime
from typing import Any

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
