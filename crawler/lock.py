"""One crawl per store at a time.

An exclusive `flock` on `<db>.lock`. The kernel drops the lock when the holding process dies, even
by kill -9, so a lock left by a killed run never blocks the next one; the PID written into the file
is only for the message.
"""

from __future__ import annotations

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


class CrawlLock:
    def __init__(self, db_path: str | os.PathLike[str]):
        self.path = Path(f"{os.fspath(db_path)}.lock")
        self._fd: int | None = None

    def acquire(self) -> CrawlLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise CrawlLocked(Path(os.fspath(self.path)[: -len(".lock")]), holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

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
