"""One crawl per store at a time.

An exclusive `flock` on `<db>.lock`, next to the db's real path: a symlink to the store, a
relative path or a bind mount all reach the same lock file (a bind mount shows the same inode, and
flock locks the inode). The kernel drops the lock when the holding process dies, even by kill -9,
so a lock left by a killed run never blocks the next one; the PID written into the file is only
for the message.

A store with several hard links is refused: SQLite names its `-wal` and `-shm` files after the
path, so two names of one file are two journals of one database (a way to corrupt it that SQLite
documents), and no lock file name can be shared by both.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path
from typing import Self


class CrawlLocked(RuntimeError):
    """Another live process holds the crawl lock on this store."""

    def __init__(self, path: Path, holder: str):
        super().__init__(f"another crawl (pid {holder or '?'}) is running on {path}; try later")
        self.path = path
        self.holder = holder


class LockError(OSError):
    """The lock cannot be taken for a reason other than another crawl: `reason` is
    "cannot_create" (missing or read-only directory, ...) or "hard_links"."""

    def __init__(self, path: Path, reason: str, message: str):
        super().__init__(message)
        self.path = path
        self.reason = reason


def store_path(db_path: str | os.PathLike[str]) -> Path:
    """The store's real path: symlinks resolved, whether or not the file exists yet."""
    return Path(os.path.realpath(os.fspath(db_path)))


class CrawlLock:
    def __init__(self, db_path: str | os.PathLike[str]):
        self.db = store_path(db_path)
        self.path = Path(f"{self.db}.lock")
        self._fd: int | None = None

    def acquire(self) -> Self:
        self._refuse_hard_links()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LockError(
                self.db,
                "cannot_create",
                f"cannot create the lock file {self.path}: {exc.strerror or exc}"
                + _hint(exc, self.path.parent),
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise CrawlLocked(self.db, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def _refuse_hard_links(self) -> None:
        try:
            links = os.stat(self.db).st_nlink
        except OSError:
            return  # not there yet (or not a file): opening the store says what is wrong
        if links > 1 and not self.db.is_dir():
            raise LockError(
                self.db,
                "hard_links",
                f"{self.db} has {links} hard links; SQLite keeps a journal per name, so a store "
                "must have one: copy it (sqlite3 .backup) instead of linking it",
            )

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _hint(exc: OSError, directory: Path) -> str:
    if exc.errno == errno.ENOENT:
        return f"; create the directory {directory} first"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"; the directory {directory} must be writable"
    return ""
