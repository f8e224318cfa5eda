"""Exit codes of a crawl (README's table) and the one exception that carries one."""

from __future__ import annotations

EXIT_OK, EXIT_FETCH_ERRORS, EXIT_USAGE = 0, 1, 2
# The rest follow sysexits.h, as cron and shell scripts expect.
EX_DATAERR = 65  # the store is not a database, or was written by a newer krnews
EX_UNAVAILABLE = 69  # `krnews demo`: its port is taken
EX_SOFTWARE = 70  # the crawl ended without closing its run (a bug: see the log)
EX_CANTCREAT = 73  # the store, its lock or the log file cannot be created
EX_IOERR = 74  # an I/O error or a full disk while writing the store
EXIT_LOCKED = 75  # EX_TEMPFAIL: another crawl on the same store is still running
EXIT_FOR_STORE_REASON = {
    "not_a_database": EX_DATAERR,
    "too_new": EX_DATAERR,
    "cannot_open": EX_CANTCREAT,
    "read_only": EX_CANTCREAT,
    "disk_full": EX_IOERR,
    "io_error": EX_IOERR,
}


class CrawlAborted(Exception):
    """A crawl that could not run or could not finish its bookkeeping: one line, one exit code."""

    def __init__(self, message: str, exit_code: int, summary: dict | None = None):
        super().__init__(message)
        self.exit_code = exit_code
        self.summary = summary or {}
