"""Light start-up (issues 14, 26): `krnews --help` and `krnews search` import neither datasketch
nor scipy (importing any of datasketch runs its package, whose LSH modules load scipy: about
+40 MiB and a few tenths of a second), nor Scrapy, sqlite-utils, numpy or lxml. The crawl computes
its signatures with datasketch, imported only by what computes them (crawler/store/minhash.py on
its first signature). Checked with `python -X importtime`, which names every module imported."""

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


def test_datasketch_in_a_crawl_and_nothing_heavy_in_help_nor_in_search(tmp_path):
    with DemoSites(port=0) as demo:
        sites = write_sites(tmp_path / "sites.toml", demo.sites[:1])
        db = tmp_path / "news.db"
        crawl, modules = _imported("crawl", "--sites", str(sites), "--db", str(db), "-q")
    assert crawl.returncode in (0, 1), crawl.stderr[-3000:]
    assert "crawler.store.dedup" in modules and "scrapy" in modules  # the whole crawl was imported
    assert "datasketch.minhash" in modules  # the signatures are datasketch's
    for args in (["--help"], ["search", "고양시", "--db", str(db)]):
        result, modules = _imported(*args)
        assert result.returncode == 0, result.stderr[-3000:]
        heavy = ("scipy", "datasketch", "scrapy", "sqlite_utils", "numpy", "lxml")
        assert not {m for m in modules if m.split(".")[0] in heavy}, args


def test_the_store_and_the_dedup_stage_import_datasketch_only_to_compute():
    code = (
        "import sys; import crawler.store.db, pipelines.dedup, crawler.query.search;"
        "print('datasketch' in sys.modules, 'scipy' in sys.modules);"
        "from crawler.store import minhash; minhash.signature('고양시 국제꽃박람회 개막');"
        "print('datasketch.minhash' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False", "True"]
