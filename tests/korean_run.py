"""Serve the Korean replica sites and crawl them twice, as a cron user would.

`two_crawls(workdir)` starts ../shared/korean-sites/serve.py on a free port with REQUEST_LOG set,
writes a sites.toml naming each site by name and home URL only, runs `krnews crawl --quiet` (a
subprocess), switches the server to phase 2 (SIGUSR1), runs the same crawl on the same store and
stops the server. tests/korean_gate.py scores what it returns.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from korean_gate import ROOT, SITES, Row, stored_rows

CRAWL_TABLE = {"download_delay": 0, "timeout": 3, "concurrency_per_site": 4}
CRAWL_TIMEOUT = 600  # seconds for one crawl process


@dataclass
class Crawls:
    port: int
    db: Path
    log: list[str]
    crawl1_len: int
    crawl1_rows: list[Row]
    exits: tuple[int, int]
    seconds: tuple[float, float]
    requests: tuple[int, int]
    stderr: tuple[str, str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sites_toml(port: int, root: Path = SITES) -> str:
    sites = json.loads((root / "sites" / "sites.json").read_text("utf-8"))
    out = [f'[[site]]\nname = "{s["name"]}"\nhome = "http://{s["host"]}:{port}/"\n' for s in sites]
    out.append("[crawl]\n" + "".join(f"{k} = {v}\n" for k, v in CRAWL_TABLE.items()))
    return "\n".join(out)


class Server:
    """serve.py as a child process; waits for the lines it prints."""

    def __init__(self, port: int, log: Path, root: Path = SITES) -> None:
        env = {**os.environ, "REQUEST_LOG": str(log)}
        self.proc = subprocess.Popen(
            [sys.executable, str(root / "serve.py"), str(root / "sites"), str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._seen = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(line.strip())
                self._seen.notify_all()
        with self._seen:
            self.lines.append("<exit>")
            self._seen.notify_all()

    def wait_for(self, text: str, timeout: float = 30) -> bool:
        with self._seen:
            return (
                self._seen.wait_for(lambda: text in self.lines or "<exit>" in self.lines, timeout)
                and text in self.lines
            )

    def phase2(self) -> None:
        self.proc.send_signal(signal.SIGUSR1)
        if not self.wait_for("phase 2"):
            raise RuntimeError(f"serve.py did not switch to phase 2: {self.lines[-5:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(log: Path, root: Path = SITES, tries: int = 3) -> tuple[Server, int]:
    for _ in range(tries):
        port = free_port()
        server = Server(port, log, root)
        if server.wait_for("ready"):
            return server, port
        server.stop()
    raise RuntimeError(f"serve.py did not start: {server.lines[-5:]}")


def krnews() -> list[str]:
    script = ROOT / ".venv" / "bin" / "krnews"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from crawler.cli import main; sys.exit(main())"]


def crawl(toml: Path, db: Path) -> tuple[int, float, str]:
    start = time.monotonic()
    done = subprocess.run(
        [*krnews(), "crawl", "--sites", str(toml), "--db", str(db), "--quiet"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
    )
    return done.returncode, time.monotonic() - start, done.stderr


def read_log(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines() if path.is_file() else []


def two_crawls(workdir: Path, root: Path = SITES) -> Crawls:
    workdir.mkdir(parents=True, exist_ok=True)
    log, db, toml = workdir / "requests.log", workdir / "news.db", workdir / "sites.toml"
    for stale in (log, db):
        stale.unlink(missing_ok=True)
    server, port = start_server(log, root)
    try:
        toml.write_text(sites_toml(port, root), "utf-8")
        exit1, seconds1, err1 = crawl(toml, db)
        crawl1_len = len(read_log(log))
        crawl1_rows = stored_rows(db) if db.is_file() else []
        server.phase2()
        exit2, seconds2, err2 = crawl(toml, db)
    finally:
        server.stop()
    lines = read_log(log)
    return Crawls(
        port,
        db,
        lines,
        crawl1_len,
        crawl1_rows,
        (exit1, exit2),
        (round(seconds1, 1), round(seconds2, 1)),
        (crawl1_len, len(lines) - crawl1_len),
        (err1, err2),
    )
