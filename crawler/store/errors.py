"""Every failure of the store, as one line: StoreError(path, reason, message).

`reason` is not_a_database, too_new, cannot_open, read_only, disk_full or io_error
(crawler.crawl.exits.EXIT_FOR_STORE_REASON maps them to exit codes). `store_error` turns an
sqlite3 error into the StoreError it stands for.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(RuntimeError):
    """The store cannot be opened or written. `reason` names what went wrong (see the module's
    contract); the message is one line with the path and what to do."""

    def __init__(self, path: str | Path, reason: str, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.reason = reason


class SchemaTooNewError(StoreError):
    """The file was written by a newer krnews than this one."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(path, "too_new", message)


# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) -> (reason, advice)
_SQLITE_REASONS = {
    26: ("not_a_database", "give --db the path of a krnews store, or of a new file"),
    11: ("not_a_database", "the database is corrupt; restore it from a backup"),
    13: ("disk_full", "free some disk space, then run again"),
    10: ("io_error", "check the disk and the file system"),
    14: ("cannot_open", "check that its directory exists and is writable"),
    8: ("read_only", "the file or its directory must be writable"),
    3: ("read_only", "the file or its directory must be writable"),
    23: ("read_only", "the file or its directory must be writable"),
}


def store_error(path: str | Path, exc: sqlite3.Error) -> StoreError:
    """The StoreError that an sqlite3 error stands for."""
    code = getattr(exc, "sqlite_errorcode", None)
    reason, advice = _SQLITE_REASONS.get((code or 0) & 0xFF, ("io_error", ""))
    if code is None and "disk is full" in str(exc):
        reason, advice = _SQLITE_REASONS[13]
    return StoreError(path, reason, f"{path}: {exc}" + (f"; {advice}" if advice else ""))
