"""The Datasette articles page as a browser shows it (issue 13): headless Chromium, screenshot.

A probe page frames the live `datasette` page (web security off, so that it may look inside)
and reports the laid-out table: the columns in order, each row's height, the URL cells' text
and the body cells' length. The screenshot is kept beside the test's files for a person to see.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fixtures.search.corpus import articles, make_store
from test_datasette import serve
from test_report_browser import CHROMIUM_FLAGS

KOREAN_PATH = "/news/%EA%B3%A0%EC%96%91%EC%8B%9C/%EC%B6%95%EC%A0%9C-1001"
PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="d" src="{url}" style="width:1400px;height:1000px;border:0"></iframe>
<pre id="probe"></pre>
<script>
document.getElementById("d").addEventListener("load", () => {{
  const doc = document.getElementById("d").contentDocument;
  const heads = [...doc.querySelectorAll("table.rows-and-columns thead th")]
    .map(th => th.className.replace(/.*col-(\\S+).*/, "$1"));
  const rows = [...doc.querySelectorAll("table.rows-and-columns tbody tr")].map(tr => ({{
    height: tr.getBoundingClientRect().height,
    url: (tr.querySelector("td.col-url") || {{}}).innerText || "",
    body: (tr.querySelector("td.col-body") || {{}}).innerText || "",
  }}));
  const dl = doc.querySelector("dl.column-descriptions");
  document.getElementById("probe").textContent = JSON.stringify({{
    heads, rows, descriptions_height: dl ? dl.getBoundingClientRect().height : 0,
    backticks: (dl ? dl.innerText : "").includes("`"),
    facets: [...doc.querySelectorAll(".facet-info")].map(f => f.dataset.column),
  }});
}});
</script></body></html>"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def chromium() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.skip("headless Chromium is needed: apt-get install -y chromium fonts-noto-cjk")
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("datasette-browser")
    store = make_store(work / "news.db")
    long_body = "\n".join(a["body"] for a in articles()[:3])
    store.save_article(
        {
            "url": f"https://www.goyang.example.kr{KOREAN_PATH}",
            "site": "goyang-ilbo",
            "title": "고양시 가을 꽃 축제, 행주산성에서 개막",
            "published": "2030-10-05T10:00:00+09:00",
            "author": "홍길동",
            "section": "문화",
            "body": long_body,
        }
    )
    store.close()
    with serve(work / "news.db") as base:
        site = work / "site"
        site.mkdir()
        (site / "probe.html").write_text(PROBE.format(url=f"{base}/news/articles"), "utf-8")
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        flags = [*CHROMIUM_FLAGS, "--window-size=1400,1000", "--virtual-time-budget=8000"]
        try:
            dom = subprocess.run(
                [chromium(), *flags, f"--user-data-dir={work / 'p1'}", "--disable-web-security",
                 "--dump-dom", f"http://127.0.0.1:{server.server_port}/probe.html"],
                capture_output=True, text=True, timeout=90, check=True,
            ).stdout  # fmt: skip
            shot = work / "articles.png"
            subprocess.run(
                [chromium(), *flags, f"--user-data-dir={work / 'p2'}", f"--screenshot={shot}",
                 f"{base}/news/articles"],
                capture_output=True, timeout=90, check=True,
            )  # fmt: skip
        finally:
            server.shutdown()
            server.server_close()
    probe = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert probe and probe.group(1), f"probe did not run; DOM was:\n{dom[:2000]}"
    text = probe.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return {"probe": json.loads(text), "screenshot": shot}


def test_articles_open_with_the_columns_an_analyst_scans(page):
    heads = [h for h in page["probe"]["heads"] if h not in ("Link", "link")]
    assert heads[1:6] == ["title", "site", "published", "author", "section"], heads
    assert {"site", "section"} <= set(page["probe"]["facets"])


def test_rows_are_short_bodies_truncated_urls_decoded(page):
    rows = page["probe"]["rows"]
    assert rows and max(row["height"] for row in rows) < 160  # was ~850 px with whole bodies
    assert all(len(row["body"]) <= 100 for row in rows)
    newest = rows[0]  # sorted by published, newest first
    assert newest["url"].endswith("/news/고양시/축제-1001") and "%" not in newest["url"]


def test_descriptions_are_compact_and_rendered(page):
    assert not page["probe"]["backticks"]
    assert page["probe"]["descriptions_height"] < 200  # was ~560 px


def test_a_screenshot_is_taken(page):
    shot = page["screenshot"]
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a page with text on it, not a blank one
