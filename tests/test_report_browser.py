"""The HTML report as a browser shows it: headless Chromium (Debian's `chromium` package).

The report forbids scripts (CSP), so a probe page on a local server frames it and inspects the
laid-out document from outside: are the charts and the site table on screen, does a hostile
headline show as text, did the page ask the network for anything.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import reuse_views
from test_report_data import NOW, RUN_TIMES, SiteRun, build_scenario, korean_body

from crawler.query.report import build_report
from crawler.query.report.render import render_html

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
HOSTILE = (
    '<script>document.body.dataset.pwned = "script"</script>'
    + "<img src=x onerror=\"document.body.dataset.pwned = 'img'\">"
)

PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="r" src="report.html" style="width:1400px;height:900px;border:0"></iframe>
<pre id="probe"></pre>
<script>
function visible(win, el) {
  const box = el.getBoundingClientRect();
  const css = win.getComputedStyle(el);
  if (!box.width || !box.height || css.display === "none" || css.visibility !== "visible"
      || Number(css.opacity) === 0) return false;
  el.scrollIntoView({block: "center", inline: "nearest"});
  const now = el.getBoundingClientRect();
  const x = now.left + Math.min(now.width, 20) / 2, y = now.top + now.height / 2;
  const hit = win.document.elementFromPoint(x, y);
  return hit !== null && (el === hit || el.contains(hit));
}
window.addEventListener("load", () => {
  const win = document.getElementById("r").contentWindow, doc = win.document;
  const charts = [...doc.querySelectorAll("svg.chart")].map(svg => ({
    label: svg.getAttribute("aria-label"), visible: visible(win, svg),
    bars: [...svg.querySelectorAll("rect")].filter(r => r.getBoundingClientRect().height).length,
  }));
  const rows = [...doc.querySelectorAll("#sites tbody tr")].map(tr => ({
    visible: visible(win, tr), cells: [...tr.cells].map(td => td.innerText.trim()),
  }));
  const handlers = [...doc.querySelectorAll("*")].flatMap(el => [...el.attributes]
    .filter(a => a.name.startsWith("on")).map(a => el.tagName + " " + a.name));
  document.getElementById("probe").textContent = JSON.stringify({
    charts, rows, handlers,
    table_visible: visible(win, doc.getElementById("sites")),
    scripts: doc.querySelectorAll("script").length,
    images: doc.querySelectorAll("img").length,
    pwned: doc.body.dataset.pwned || null,
    headlines: [...doc.querySelectorAll("td.headline")].map(td => ({
      text: td.innerText, links: [...td.querySelectorAll("a")].map(a => a.getAttribute("href")),
    })),
    stories: [...doc.querySelectorAll("#stories section.story")].map(sec => ({
      visible: visible(win, sec), title: sec.querySelector("h3").innerText,
      versions: [...sec.querySelectorAll("tbody tr")].map(tr => ({
        visible: visible(win, tr), cells: [...tr.cells].map(td => td.innerText.trim()),
        track: tr.querySelector("svg.share .track").getBoundingClientRect().width,
        bar: (tr.querySelector("svg.share .fill") || {getBoundingClientRect: () => ({width: 0})})
          .getBoundingClientRect().width,
      })),
    })),
    originals: [...doc.querySelectorAll("#sites td.originals")].map(td => td.innerText.trim()),
  });
});
</script></body></html>"""


class QuietHandler(SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.requested.append(self.path)
        super().do_GET()


def chromium() -> str:
    path = shutil.which("chromium")
    assert path, "headless Chromium is needed: apt-get update && apt-get install -y chromium"
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("browser")
    store = build_scenario(work / "news.db")
    started = RUN_TIMES[-1] + timedelta(minutes=15)
    body = korean_body(4242)
    hostile = store.article("healthy", started, title=HOSTILE, body=body, url="javascript:alert(1)")
    copy = store.article("copycat", started + timedelta(hours=1), title="같은 보도자료", body=body)
    store.run(started, {"healthy": SiteRun([hostile]), "copycat": SiteRun([copy])})
    reuse_views.install(store.store.db)
    store.close()
    site = work / "site"
    site.mkdir()
    (site / "report.html").write_text(
        render_html(build_report(work / "news.db", now=NOW + timedelta(hours=1))), encoding="utf-8"
    )
    (site / "probe.html").write_text(PROBE, encoding="utf-8")
    requested: list[str] = []
    handler = type("Handler", (QuietHandler,), {"requested": requested})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dom = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}",
             "--window-size=1400,1000", "--virtual-time-budget=5000", "--dump-dom",
             f"http://127.0.0.1:{server.server_port}/probe.html"],
            capture_output=True, text=True, timeout=90, check=True,
        ).stdout  # fmt: skip
        shot = work / "report.png"  # kept beside the test's files for a person to look at
        subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}",
             "--window-size=1400,2600", "--hide-scrollbars", f"--screenshot={shot}",
             f"http://127.0.0.1:{server.server_port}/report.html"],
            capture_output=True, timeout=90, check=True,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    probe = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert probe and probe.group(1), f"probe did not run; DOM was:\n{dom[:2000]}"
    text = probe.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return {"probe": json.loads(text), "requested": requested, "screenshot": shot}


def test_charts_are_drawn_and_on_screen(rendered: dict):
    charts = {c["label"]: c for c in rendered["probe"]["charts"]}
    daily = charts["articles per day per site"]
    assert daily["visible"] and daily["bars"] >= 7 * 3  # a week of stacked bars, 3+ sites a day
    for strip in ("duration (s)", "pages", "new articles"):
        run_chart = charts[f"runs: {strip}"]
        assert run_chart["visible"] and run_chart["bars"] >= 7, strip


def test_site_table_is_visible_worst_first(rendered: dict):
    probe = rendered["probe"]
    assert probe["table_visible"]
    rows = probe["rows"]
    assert all(row["visible"] for row in rows)
    statuses = [row["cells"][0] for row in rows]
    assert statuses == sorted(statuses, key=["failing", "stale", "new", "ok"].index)
    broken = next(row for row in rows if row["cells"][1].startswith("broken"))
    assert broken["cells"][0] == "failing" and "extraction broke" in broken["cells"][2]


def test_hostile_headline_shows_as_text(rendered: dict):
    probe = rendered["probe"]
    headline = next(h for h in probe["headlines"] if "pwned" in h["text"])
    assert headline["text"] == HOSTILE
    assert headline["links"] == []  # a javascript: URL is not made a link
    assert probe["scripts"] == 0 and probe["images"] == 0 and probe["handlers"] == []
    assert probe["pwned"] is None


def test_report_asks_the_network_for_nothing(rendered: dict):
    extra = set(rendered["requested"]) - {"/probe.html", "/report.html", "/favicon.ico"}
    assert extra == set()


def test_biggest_stories_show_each_version_with_its_copied_share_bar(rendered: dict):
    stories = rendered["probe"]["stories"]
    assert stories and all(story["visible"] for story in stories)
    korean = [s for s in stories if any("보도자료" in v["cells"][4] for v in s["versions"])]
    assert korean, [s["title"] for s in stories]
    for story in stories:
        first, *others = story["versions"]
        assert first["cells"][2] == "first" and first["bar"] == first["track"] > 0  # 100% copied
        for version in others:
            assert version["visible"] and version["cells"][2].startswith("+")
            share = int(version["cells"][3].rstrip("%")) / 100
            assert version["bar"] == pytest.approx(share * version["track"], abs=1.5)
    # the site table's originals / copies column: copycat ran nothing first, healthy no copy
    last = {row["cells"][1].split()[0]: row["cells"][-1] for row in rendered["probe"]["rows"]}
    firsts, copies = map(int, last["copycat"].split(" / "))
    assert firsts == 0 and copies >= 3 and last["healthy"] == f"{copies} / 0"
    assert len(rendered["probe"]["originals"]) == len(last)


def test_a_screenshot_is_taken(rendered: dict):
    shot = rendered["screenshot"]
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a page of tables and charts, not a blank one
