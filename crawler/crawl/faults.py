"""Names for the ways a fetch fails: the `kind` column of `fetches` (docs/internals.md)."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import defer
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.crawl.reasons import Refused

# Kinds that mean "something about this site is wrong" and make `krnews crawl` exit 1. The rest
# are notable but normal: most small sites have no robots.txt; a site that asks for a longer
# Crawl-delay than the cap is crawled at the cap; a page the site refused with "slow down" (429,
# or 503 with Retry-After) after its pause is left to the next run, not a failed page.
NOTABLE_ONLY = frozenset({"robots_404", "crawl_delay_capped", "throttled"})


def http_kind(status: int) -> str:
    if status in (404, 410):
        return f"http_{status}"
    if 500 <= status < 600:
        return "http_5xx"
    if 400 <= status < 500:
        return "http_4xx"
    return f"http_{status}"


def failure_kind(failure: Failure) -> tuple[str, int | None, str]:
    """(kind, HTTP status or None, message) for an errback's failure."""
    exc = failure.value
    message = f"{type(exc).__name__}: {exc}".strip()
    if failure.check(HttpError):
        status = exc.response.status
        if status == 429 or (status == 503 and b"Retry-After" in exc.response.headers):
            return "throttled", status, f"HTTP {status}: the site asked to slow down; next run"
        return http_kind(status), status, f"HTTP {status}"
    if failure.check(DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError):
        return "timeout", None, message
    if failure.check(DownloadConnectionRefusedError, tx_error.ConnectionRefusedError):
        return "connection_refused", None, message
    if failure.check(CannotResolveHostError, tx_error.DNSLookupError):
        return "dns", None, message
    if failure.check(DownloadCancelledError, defer.CancelledError):
        # Scrapy cancels a download whose declared size, or whose body while streaming (no
        # Content-Length to refuse it up front), passes DOWNLOAD_MAXSIZE; the streaming case
        # carries no message. A timeout has its own error.
        return "too_large", None, str(exc) or "download cancelled: body larger than the size cap"
    if failure.check(ResponseDataLossError):
        return "truncated", None, message
    if failure.check(Refused):
        return exc.reason, None, str(exc)
    if failure.check(IgnoreRequest):
        return "other", None, str(exc)
    if failure.check(
        ResponseNeverReceived,
        ResponseFailed,
        DownloadFailedError,
        tx_error.ConnectionLost,
        tx_error.ConnectionDone,
        tx_error.ConnectError,
    ):
        return "connection_reset", None, message
    return "other", None, message
