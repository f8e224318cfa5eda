"""Light start-up (issue 14): no process of ours imports scipy (datasketch's LSH modules pull it
in: +54 MiB and a few tenths of a second per crawl), not a crawl, not `krnews --help`, not
`krnews search`. Checked with `python -X importtime`, which names every module imported."""

from __future__ import annotations

import os
import subprocess
import sys

from crawler.demo.server import DemoSites
from tests.conftest import ROOT, write_sites


def _imported(*args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "crawler", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env=os.environ,
        check=False,
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result, modules


def test_no_scipy_in_a_crawl_nor_in_help_nor_in_search(tmp_path):
    with DemoSites(port=0) as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites[:1])
        db = tmp_path / "news.db"
        crawl, modules = _imported("crawl", "--sites", str(sites), "--db", str(db), "-q")
    assert crawl.returncode in (0, 1), crawl.stderr[-3000:]
    assert "crawler.store.dedup" in modules and "scrapy" in modules  # the whole crawl was imported
    assert not {m for m in modules if m.split(".")[0] == "scipy"}
    for args in (["--help"], ["search", "고양시", "--db", str(db)]):
        result, modules = _imported(*args)
        assert result.returncode == 0, result.stderr[-3000:]
        heavy = ("scipy", "datasketch", "scrapy", "sqlite_utils", "numpy", "lxml")
        assert not {m for m in modules if m.split(".")[0] in heavy}, args
