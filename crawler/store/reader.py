"""Opening a store to read it: plain sqlite3 connections for the query room.

Readers never import sqlite-utils: it (and the numpy it pulls in) took most of a cold `krnews
search` process's time (bench/analyst.py). A `sqlite_utils.Database` handed in by a caller works
the same wherever a function here or in search_sql.py / report_sql.py takes a connection: both
have `.execute`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from crawler.store.fts import FTS_TABLE

if TYPE_CHECKING:
    from sqlite_utils import Database

    Connection: TypeAlias = sqlite3.Connection | Database

# a reader waits out a writer's checkpoint instead of failing
READ_TIMEOUT = 30.0


class StoreMissingError(FileNotFoundError):
    """No file at the store's path: nothing was crawled there yet."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no store at {path}")
        self.path = path


def open_read_only(path: Path, *, timeout: float = READ_TIMEOUT) -> sqlite3.Connection:
    """Read-only: a reader never creates, migrates or locks the store a crawl is writing.

    Raises `StoreMissingError` when there is no file at `path`; a file that is not SQLite
    raises `sqlite3.DatabaseError` on the first query.
    """
    if not path.is_file():
        raise StoreMissingError(path)
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)


def open_to_search(path: str | Path) -> sqlite3.Connection:
    """Read-write on purpose: a search first indexes the articles edited from a sqlite3 shell
    (`search_sql.catch_up_if_writable`); on a read-only file it searches what is indexed."""
    return sqlite3.connect(path)


def has_table(db: Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone() is not None


def is_store(db: Connection) -> bool:
    """Made by krnews: it has `articles` and the Korean full-text index."""
    names = {
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE name IN ('articles', ?)", [FTS_TABLE]
        )
    }
    return names == {"articles", FTS_TABLE}


def path_is_store(path: str | Path) -> bool:
    """Whether the file at `path` is a krnews store; False for anything SQLite cannot read."""
    try:
        conn = open_read_only(Path(path), timeout=5.0)
    except (StoreMissingError, sqlite3.Error):
        return False
    try:
        return is_store(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()
