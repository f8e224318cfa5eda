"""Issue 12: every failure that is not a failed fetch has a name, one line and its own exit code;
one lock per store whatever path reaches it; nothing listening that nobody asked for."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from crawler.store.db import Store
from tests.conftest import ROOT, krnews, rows, write_sites
from tests.faultsite import FaultSite
from tests.listsite import ListSite

NOWHERE = [{"name": "x", "home": "http://127.0.0.40:9/"}]  # never reached


def cli(*args: str) -> SimpleNamespace:
    """`krnews ARGS` in this process, for failures that come before any crawl starts (a crawl
    itself runs in a subprocess: Scrapy's reactor runs once per process)."""
    from crawler.cli import main

    result = CliRunner().invoke(main, list(args))
    if not isinstance(result.exception, SystemExit | None):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def _one_line(result, code: int, *words: str) -> str:
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.split("krnews:")[0]
    lines = [line for line in result.stderr.splitlines() if line.startswith("krnews: ")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _no_run_left_running(db: Path) -> None:
    if db.is_file() and db.stat().st_size:
        try:
            running = rows(db, "SELECT id FROM runs WHERE status = 'running'")
        except sqlite3.DatabaseError:
            return  # not a store at all: it has no runs
        assert running == []


def test_a_file_that_is_not_a_database_exits_65(tmp_path):
    db = tmp_path / "news.db"
    db.write_bytes(os.urandom(8192))
    sites = write_sites(tmp_path / "sites.toml", NOWHERE)
    result = cli("crawl", "--sites", str(sites), "--db", str(db))
    _one_line(result, 65, str(db), "not a database")
    _one_line(cli("search", "고양시", "--db", str(db)), 65, str(db), "not a database")


def test_a_newer_schema_exits_65_and_leaves_it_alone(tmp_path):
    db = tmp_path / "news.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    sites = write_sites(tmp_path / "sites.toml", NOWHERE)
    result = cli("crawl", "--sites", str(sites), "--db", str(db))
    _one_line(result, 65, "schema version 99 is newer", "upgrade krnews")
    assert rows(db, "SELECT * FROM runs") == []
    assert rows(db, "PRAGMA user_version") == [{"user_version": 99}]


def test_a_db_path_that_is_a_directory_exits_73(tmp_path):
    db = tmp_path / "news.db"
    db.mkdir()
    sites = write_sites(tmp_path / "sites.toml", NOWHERE)
    result = cli("crawl", "--sites", str(sites), "--db", str(db))
    _one_line(result, 73, str(db), "is a directory")


def test_a_missing_directory_exits_73(tmp_path):
    db = tmp_path / "no" / "such" / "news.db"
    sites = write_sites(tmp_path / "sites.toml", NOWHERE)
    result = cli("crawl", "--sites", str(sites), "--db", str(db))
    _one_line(result, 73, "create the directory")
    assert not (tmp_path / "no").exists()


def _without_root_powers() -> list[str]:
    """root writes anywhere: as root, the crawl runs without the capabilities that let it."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv (util-linux)")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def test_a_read_only_directory_exits_73():
    where = Path(tempfile.mkdtemp(prefix="krnews-ro-"))
    try:
        sites = write_sites(where / "sites.toml", NOWHERE)
        where.chmod(0o555)
        result = subprocess.run(
            [
                *_without_root_powers(),
                sys.executable,
                "-m",
                "crawler",
                "crawl",
                "--sites",
                str(sites),
            ],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)},
            check=False,
        )
        _one_line(result, 73, "must be writable")
        assert sorted(p.name for p in where.iterdir()) == ["sites.toml"]
    finally:
        where.chmod(0o755)
        for path in where.iterdir():
            path.unlink()
        where.rmdir()


def test_a_log_file_in_a_missing_directory_exits_73_before_any_run(tmp_path):
    db = tmp_path / "news.db"
    sites = write_sites(tmp_path / "sites.toml", NOWHERE)
    log = tmp_path / "logs" / "crawl.log"
    result = cli("crawl", "--sites", str(sites), "--db", str(db), "--log-file", str(log))
    _one_line(result, 73, "cannot create the log file", str(log))
    assert not db.exists()


def test_demo_on_a_fixed_free_port_serves_once_and_crawls(tmp_path):
    # README's quick start runs `krnews demo` on its fixed default port: the sites must be
    # bound once (a second bind of the same port is "address in use").
    probe = socket.socket()
    probe.bind(("127.0.0.11", 0))
    port = probe.getsockname()[1]
    probe.close()
    db = tmp_path / "demo.db"
    result = krnews("demo", "--port", str(port), "--db", str(db))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert len(rows(db, "SELECT id FROM articles")) == 60


def test_demo_with_its_port_taken_exits_69(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.11", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        result = cli("demo", "--port", str(port), "--db", str(tmp_path / "demo.db"))
    finally:
        taken.close()
    _one_line(result, 69, f"port {port}", "--port")


@contextlib.contextmanager
def _small_tmpfs(tmp_path: Path):
    """A 2 MB tmpfs (needs root): room to create a store (its schema passes through the WAL,
    about 1.6 MB at the peak since the story-reuse tables) and a few articles, not the demo's
    sixty; or a skip."""
    where = tmp_path / "small"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2000k", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if os.geteuid() != 0 or mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)


@pytest.mark.parametrize("full", ["injected", "tmpfs"])
def test_a_full_disk_is_one_line_exit_74_and_a_closed_run(tmp_path, full):
    from crawler.demo.server import DemoSites

    with contextlib.ExitStack() as stack:
        if full == "tmpfs":
            db, env = stack.enter_context(_small_tmpfs(tmp_path)) / "news.db", {}
        else:
            db = tmp_path / "news.db"
            with Store(db) as store:
                empty = store.db.execute("PRAGMA page_count").fetchone()[0]
                page_size = store.db.execute("PRAGMA page_size").fetchone()[0]
            # SQLite answers SQLITE_FULL past this many pages, as on a full disk: room for the
            # run rows and a few articles (about 128 KiB), not for sixty
            env = {"KRNEWS_TEST_MAX_PAGES": str(empty + max(4, 131072 // page_size))}
        with DemoSites(port=0) as demo:
            sites = write_sites(tmp_path / "sites.toml", demo.sites)
            result = krnews("crawl", "--sites", str(sites), "--db", str(db), "-q", env=env)
        assert result.returncode == 74, result.stderr[-3000:]
        assert "Traceback" not in result.stderr
        full_lines = [line for line in result.stderr.splitlines() if "disk is full" in line]
        assert len(full_lines) == 1, result.stderr[-3000:]
        assert "free some disk space" in full_lines[0]
        run = rows(db, "SELECT status, exit_code, finished FROM runs")[0]
        assert run["status"] == "failed" and run["exit_code"] == 74 and run["finished"]
        assert 0 < len(rows(db, "SELECT id FROM articles")) < 60
        assert rows(db, "SELECT * FROM fetches WHERE kind = 'extract_error'") == []
        assert rows(db, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]


HOLD_LOCK = (
    "import sys, time; from crawler.crawl.lock import CrawlLock; "
    "CrawlLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(60)"
)


def test_one_lock_per_store_through_a_symlink(tmp_path):
    real = tmp_path / "store" / "news.db"
    real.parent.mkdir()
    Store(real).close()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    sites = write_sites(tmp_path / "sites.toml", NOWHERE)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(real)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = cli("crawl", "--sites", str(sites), "--db", str(link))
        _one_line(result, 75, f"pid {holder.pid}", "try later")
        assert not (tmp_path / "link.db.lock").exists()
    finally:
        holder.kill()
        holder.wait()
    assert rows(real, "SELECT * FROM runs") == []


def test_a_store_with_two_hard_links_is_refused(tmp_path):
    db = tmp_path / "news.db"
    Store(db).close()
    os.link(db, tmp_path / "other.db")
    sites = write_sites(tmp_path / "sites.toml", NOWHERE)
    result = cli("crawl", "--sites", str(tmp_path / "sites.toml"), "--db", str(db))
    _one_line(result, 73, "2 hard links")
    assert sites.exists() and rows(db, "SELECT * FROM runs") == []


def _scrapy_crawl(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # No PYTHONPATH: Scrapy finds scrapy.cfg upwards from the directory it runs in.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_scrapy_crawl_reads_the_crawl_table_and_exits_like_krnews(tmp_path):
    contact = "https://example.org/our-crawler"
    with FaultSite("127.0.0.38", "good") as site:
        sites = write_sites(
            tmp_path / "sites.toml",
            [{"name": "good", "home": site.home}],
            extra=f'[crawl]\ncontact_url = "{contact}"\ndownload_delay = 1.2\nautothrottle = false\n',
        )
        db = tmp_path / "news.db"
        # from a directory below the project's: Scrapy finds scrapy.cfg upwards
        result = _scrapy_crawl(ROOT / "docs", "-a", f"sites={sites}", "-s", f"KRNEWS_DB={db}")
        times, agents = site.server.times, site.server.agents
    assert result.returncode == 0, result.stderr[-3000:]
    assert agents == {f"kr-news-crawler/0.1.0 (+{contact})"}
    gaps = [b - a for a, b in itertools.pairwise(times[1:])]
    # 1.2 s, jittered by 0.5-1.5x (the project's default is 0.5 s with AutoThrottle)
    assert len(gaps) >= 5 and min(gaps) >= 0.55 and sum(gaps) / len(gaps) >= 0.9, gaps
    run = rows(db, "SELECT status, exit_code, finished FROM runs")[0]
    assert run["status"] == "ok" and run["exit_code"] == 0 and run["finished"]
    assert len(rows(db, "SELECT id FROM articles")) == 3
    assert "krnews: run 1 ok" in result.stderr


def test_scrapy_crawl_typo_exits_2_and_failed_fetch_exits_1(tmp_path):
    typo = write_sites(tmp_path / "typo.toml", NOWHERE, extra="[crawl]\ndownload_dealy = 1\n")
    db = tmp_path / "news.db"
    result = _scrapy_crawl(ROOT, "-a", f"sites={typo}", "-s", f"KRNEWS_DB={db}")
    _one_line(result, 2, "unknown key 'download_dealy'")
    bad_site = tmp_path / "bad.toml"
    bad_site.write_text('[[site]]\nname = "x"\nhome = "http://127.0.0.40:9/"\nmax_page = 3\n')
    result = _scrapy_crawl(ROOT, "-a", f"sites={bad_site}", "-s", f"KRNEWS_DB={db}")
    _one_line(result, 2, "unknown key(s) max_page")
    assert not db.exists()
    from crawler.demo.server import DemoSites

    with DemoSites(port=0) as demo:  # hangang-ilbo links a dead article on purpose
        sites = write_sites(tmp_path / "sites.toml", demo.sites[:1])
        result = _scrapy_crawl(ROOT, "-a", f"sites={sites}", "-s", f"KRNEWS_DB={db}")
    assert result.returncode == 1, result.stderr[-3000:]
    assert rows(db, "SELECT kind FROM fetches") == [{"kind": "http_404"}]
    assert "Traceback" not in result.stderr
    run = rows(db, "SELECT status, exit_code FROM runs")[0]
    assert run == {"status": "partial", "exit_code": 1}


def _listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def test_a_crawl_listens_on_nothing_and_leaves_no_job_file(tmp_path):
    state = tmp_path / "state"
    with ListSite("127.0.0.54", trickle=True, fast=0) as site:
        sites = write_sites(tmp_path / "sites.toml", [{"name": "slow", "home": site.home}])
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db",
             str(tmp_path / "n.db"), "-q"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "XDG_STATE_HOME": str(state), "HOME": str(tmp_path)},
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any("idxno" in p for p in site.server.paths):
                time.sleep(0.05)
            assert proc.poll() is None
            time.sleep(1)  # the engine has started: Scrapy's extensions are up
            sockets = _socket_inodes(proc.pid)
            assert sockets, "the crawl has connections open, so the check can see sockets"
            assert sockets & _listening_inodes() == set()
        finally:
            proc.terminate()
            proc.communicate(timeout=60)
    assert proc.returncode == 143
    left = list(state.rglob("*")) + list((tmp_path / ".local").rglob("*"))
    assert [p for p in left if p.is_file()] == []


def test_the_per_site_table_also_when_piped(tmp_path):
    from crawler.demo.server import DemoSites

    with DemoSites(port=0) as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites[:1])
        args = ["crawl", "--sites", str(sites), "--db", str(tmp_path / "n.db")]
        result = krnews(*args)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "hangang-ilbo" in result.stdout and "duplicates" in result.stdout
    assert " INFO: " not in result.stderr  # Scrapy's chatter is for --verbose and --log-file
    assert result.stderr.strip().splitlines()[-1].startswith("krnews: run 1 partial")
