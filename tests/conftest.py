"""Shared helpers: real crawls, as subprocesses, against servers on 127.0.0.x."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Our own test servers: no politeness delay, short timeouts so fault tests stay quick.
FAST_CRAWL = """
[crawl]
download_delay = 0
autothrottle = false
concurrency_per_site = 4
timeout = 3
retries = 1
"""


def write_sites(path: Path, sites: list[dict], extra: str = FAST_CRAWL) -> Path:
    lines = [extra]
    for site in sites:
        lines.append("[[site]]")
        for key, value in site.items():
            lines.append(
                f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"'
            )
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def krnews(
    *args: str, timeout: float = 240, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Runs `python -m crawler ARGS` from the repo root, as cron would run `krnews`."""
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture
def run_krnews():
    return krnews
