"""The CLI as cron and people use it: exit codes, messages, logs, `scrapy crawl`, `extract`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

from crawler.demo.render import render_article
from crawler.demo.server import DemoSites
from tests.conftest import ROOT, krnews, rows, write_sites


def test_bad_config_exits_2_before_any_request(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "x"\n', encoding="utf-8")
    result = krnews("crawl", "--sites", str(sites), "--db", str(tmp_path / "n.db"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"krnews: {sites}: site 'x': missing home URL"
    assert not (tmp_path / "n.db").exists()


def test_bad_crawl_table_exits_2(tmp_path):
    sites = write_sites(
        tmp_path / "sites.toml",
        [{"name": "x", "home": "http://127.0.0.40:9/"}],
        extra='[crawl]\ndownload_delay = "fast"\n',
    )
    result = krnews("crawl", "--sites", str(sites), "--db", str(tmp_path / "n.db"))
    assert result.returncode == 2 and "download_delay must be a number >= 0" in result.stderr


def test_unknown_site_name_exits_2(tmp_path):
    sites = write_sites(tmp_path / "sites.toml", [{"name": "x", "home": "http://127.0.0.40:9/"}])
    result = krnews("crawl", "--sites", str(sites), "--db", str(tmp_path / "n.db"), "--site", "y")
    assert result.returncode == 2 and "no site named y" in result.stderr


HOLD_LOCK = (
    "import sys, time; from crawler.crawl.lock import CrawlLock; "
    "CrawlLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(30)"
)


def test_second_crawl_on_the_same_db_exits_75_at_once(tmp_path):
    sites = write_sites(tmp_path / "sites.toml", [{"name": "x", "home": "http://127.0.0.40:9/"}])
    db = tmp_path / "n.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = krnews("crawl", "--sites", str(sites), "--db", str(db))
        assert result.returncode == 75
        assert time.monotonic() - started < 15
        lines = result.stderr.strip().splitlines()
        assert lines == [f"krnews: another crawl (pid {holder.pid}) is running on {db}; try later"]
    finally:
        holder.kill()
        holder.wait()


def test_quiet_log_file_and_run_row(tmp_path):
    with DemoSites(port=0) as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites[:1])
        db, log = tmp_path / "n.db", tmp_path / "crawl.log"
        result = krnews(
            "crawl", "--sites", str(sites), "--db", str(db), "--quiet", "--log-file", str(log)
        )
    assert result.returncode in (0, 1)
    assert " INFO: " not in result.stderr  # quiet: warnings and the summary only
    assert result.stderr.strip().splitlines()[-1].startswith("krnews: run 1 ")
    logged = log.read_text(encoding="utf-8")
    assert " INFO: Spider opened" in logged and " INFO: Spider closed (finished)" in logged
    run = rows(db, "SELECT * FROM runs")[0]
    assert run["finished"] and run["exit_code"] == result.returncode and run["articles"] >= 15


def test_extract_prints_json_per_page(tmp_path):
    path, body, _headers = render_article("newsview", 0)
    page = tmp_path / "page.html"
    page.write_bytes(body)
    result = krnews("extract", "--url", "http://127.0.0.12" + path, str(page))
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    from crawler.demo.content import site_by_name

    expected = site_by_name("newsview").articles[0]
    assert article["title"] == expected.title and article["body"] == expected.body
    assert "paragraphs" not in article and isinstance(article["images"], list)


def test_help_lists_every_design_command():
    result = krnews("--help")
    for command in ("demo", "crawl", "report", "search", "extract"):
        assert f"  {command} " in result.stdout


def test_extract_reports_pages_it_cannot_use(tmp_path):
    listing = tmp_path / "list.html"
    listing.write_text(
        "<html><body><ul>"
        + "".join(
            f'<li><a href="/news/articleView.html?idxno={i}">기사 {i}</a></li>' for i in range(30)
        )
        + "</ul></body></html>",
        encoding="utf-8",
    )
    garbage = tmp_path / "garbage.html"
    garbage.write_bytes(bytes(range(256)) * 40)
    result = krnews("extract", str(listing), str(garbage))
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("krnews: ") for line in lines)
    assert "Traceback" not in result.stderr


def test_demo_command_crawls_the_bundled_sites_and_prints_a_table(tmp_path):
    db = tmp_path / "demo.db"
    result = krnews("demo", "--port", "0", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    table = {
        line.split()[0]: line.split()[1:]
        for line in result.stdout.splitlines()
        if line.split()
        and line.split()[0] in {"hangang-ilbo", "newsview", "hosu-news", "nuri-times"}
    }
    assert len(table) == 4 and all(int(cols[1]) == 15 for cols in table.values())
    assert " INFO: " not in result.stderr  # warnings only, unless --verbose
    assert len(rows(db, "SELECT id FROM articles")) == 60


def test_live_progress_line_on_a_terminal(tmp_path):
    import pty

    with DemoSites(port=0) as demo:
        # a little politeness so that the crawl lasts a few progress ticks
        sites = write_sites(
            tmp_path / "sites.toml",
            demo.sites[:2],
            extra="[crawl]\ndownload_delay = 0.05\nautothrottle = false\n",
        )
        main, child = pty.openpty()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler",
                "crawl",
                "--sites",
                str(sites),
                "--db",
                str(tmp_path / "n.db"),
            ],
            cwd=ROOT,
            stdin=child,
            stdout=child,
            stderr=child,
        )
        os.close(child)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        proc.wait(timeout=120)
        os.close(main)
    text = out.decode("utf-8", "replace")
    assert proc.returncode in (0, 1)
    # "\r<site> <pages>p/<articles>a | <site> ..." redrawn in place
    assert "\rhangang-ilbo " in text and "p/" in text and "| newsview " in text
    # on a terminal the summary is a per-site table
    assert "site" in text and "articles" in text and "duplicates" in text
    # Scrapy's start-up and stats chatter is for --verbose; a warning (the demo's dead link)
    # starts a line of its own, not at the end of the progress line
    assert " INFO: " not in text and "Versions:" not in text
    warnings = [line for line in text.split("\n") if " WARNING: " in line]
    assert warnings, text[-2000:]
    for line in warnings:
        assert re.match(r"\d{4}-\d\d-\d\d ", line.rstrip("\r").split("\r")[-1]), repr(line)


def test_log_names_pages_and_never_dumps_their_bytes(tmp_path):
    from types import SimpleNamespace

    from scrapy.exceptions import DropItem
    from scrapy.settings import Settings

    from crawler.crawl.logformatter import PageLogFormatter

    item = {"site": "newsview", "url": "http://127.0.0.12/list.html", "body": "고양".encode()}
    spider = SimpleNamespace(
        crawler=SimpleNamespace(settings=Settings({"DEFAULT_DROPITEM_LOG_LEVEL": "DEBUG"}))
    )
    formatter = PageLogFormatter()
    for kind in ("dropped", "item_error"):
        entry = getattr(formatter, kind)(item, DropItem("list_url: x"), None, spider)
        line = entry["msg"] % entry["args"]
        assert "newsview http://127.0.0.12/list.html" in line and "b'" not in line, line

    with DemoSites(port=0) as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites)
        result = krnews("crawl", "--sites", str(sites), "--db", str(tmp_path / "n.db"))
    assert result.returncode in (0, 1)
    assert "'body': b'" not in result.stderr
    assert "WARNING: Dropped" not in result.stderr  # a page that is not an article is no warning
