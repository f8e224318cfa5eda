"""Site status, figures and formats of `krnews report` on a synthetic store.

The store is a real `crawler.store.db.Store` (schema, dedup links); only the clock is faked: runs,
fetches and sites get back-dated timestamps so that a month of daily crawls fits in a test.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli.report import report_command
from crawler.query.report import build_report
from crawler.query.report.render import render_markdown, render_text
from crawler.store.db import Store

# The real clock (to the minute): the CLI tests run `krnews report` itself, which reads it.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
KST = timedelta(hours=9)
_SYLLABLES = [chr(c) for c in range(0xAC00, 0xAC00 + 600)]


def korean_body(seed: int, paragraphs: int = 4) -> str:
    rnd = random.Random(seed)
    return "\n".join(
        " ".join("".join(rnd.choices(_SYLLABLES, k=rnd.randint(2, 4))) for _ in range(40))
        for _ in range(paragraphs)
    )


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def korea_date(moment: datetime) -> str:
    return (moment + KST).date().isoformat()


def kst(moment: datetime) -> str:
    return (moment + KST).replace(tzinfo=None).isoformat(timespec="seconds") + "+09:00"


@dataclass
class SiteRun:
    articles: list[dict] = field(default_factory=list)
    pages: int | None = None  # default: the article pages plus a few list pages
    errors: dict[str, int] = field(default_factory=dict)
    success: bool = True


class SyntheticStore:
    """Builds runs the way a crawl would record them, at chosen times."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = Store(path)
        self.seq = 0

    def article(self, site: str, published: datetime | None, **fields: object) -> dict:
        self.seq += 1
        row = {
            "url": f"https://{site}.example.kr/news/articleView.html?idxno={self.seq}",
            "site": site,
            "title": f"{site} 기사 {self.seq}",
            "author": "홍길동",
            "published": kst(published) if published else None,
            "body": korean_body(self.seq),
            "lang": "ko",
        }
        row.update(fields)
        return row

    def run(self, started: datetime, sites: dict[str, SiteRun], exit_code: int = 0) -> int:
        store = self.store
        run_id = store.start_run(list(sites))
        for name, spec in sites.items():
            store.upsert_site(name, f"https://{name}.example.kr/", "ndsoft", success=False)
            for i, art in enumerate(spec.articles):
                art.setdefault("fetched_at", iso(started + timedelta(seconds=30 + i)))
                store.save_article(art)
            for kind, n in spec.errors.items():
                for i in range(n):
                    store.record_fetch(run_id, name, f"https://{name}.example.kr/e{i}", kind)
            store.record_site_run(
                run_id, name, pages=len(spec.articles) + 3 if spec.pages is None else spec.pages,
                articles=len(spec.articles), errors=sum(spec.errors.values()),
            )  # fmt: skip
            if spec.success:
                store.db.execute(
                    "UPDATE sites SET last_success = ? WHERE name = ?", [iso(started), name]
                )
        totals = store.db.execute(
            "SELECT sum(pages), sum(articles), sum(errors) FROM run_sites WHERE run_id = ?",
            [run_id],
        ).fetchone()
        store.finish_run(
            run_id, "ok" if exit_code == 0 else "partial", exit_code,
            dict(zip(("pages", "articles", "errors"), totals, strict=True)),
        )  # fmt: skip
        db = store.db
        db.execute(
            "UPDATE runs SET started = ?, finished = ? WHERE id = ?",
            [iso(started), iso(started + timedelta(minutes=10)), run_id],
        )
        db.execute("UPDATE fetches SET time = ? WHERE run_id = ?", [iso(started), run_id])
        db.execute(
            "UPDATE sites SET first_seen = min(first_seen, ?) WHERE name IN (SELECT value FROM "
            "json_each(?))",
            [iso(started), json.dumps(list(sites))],
        )
        db.conn.commit()
        return run_id

    def close(self) -> None:
        self.store.close()


DAYS = 35
# The first runs of a site backfill its archive; then one run a day at 03:00 UTC (noon KST).
RUN_TIMES = [NOW - timedelta(days=d, minutes=30) for d in range(DAYS - 1, -1, -1)]


def build_scenario(path: Path, *, break_latest: bool = True) -> SyntheticStore:
    """Six sites, a month of daily runs; the last run is the one the report judges."""
    s = SyntheticStore(path)
    for day, started in enumerate(RUN_TIMES):
        latest = day == DAYS - 1
        sites: dict[str, SiteRun] = {}
        pub = started - timedelta(hours=3)
        sites["healthy"] = SiteRun([s.article("healthy", pub - timedelta(hours=h)) for h in (0, 5)])
        # quiet: stopped publishing six days ago, crawls still succeed
        quiet = [s.article("quiet", pub)] if day < DAYS - 6 else []
        sites["quiet"] = SiteRun(quiet, pages=5)
        broken = [s.article("broken", pub - timedelta(hours=h)) for h in (0, 4, 8)]
        if latest and break_latest:
            # redesign: the date and most of the body are no longer found
            for art in broken:
                art.update(published=None, body=art["body"][:60])
        sites["broken"] = SiteRun(broken)
        errors = {"http_5xx": 25, "timeout": 5} if latest else ({"http_404": 1} if day % 3 else {})
        sites["erroring"] = SiteRun([s.article("erroring", pub)], pages=10, errors=errors)
        # weekly: one article a week; three days since the last is its normal rhythm
        weekly = [s.article("weekly", pub)] if day % 7 == 3 else []
        sites["weekly"] = SiteRun(weekly, pages=2)
        if day >= DAYS - 2:
            # copycat: re-runs healthy's stories word for word, and it is new
            copies = [
                s.article("copycat", pub, body=a["body"], title="[보도자료] " + a["title"])
                for a in sites["healthy"].articles
            ]
            sites["copycat"] = SiteRun(copies)
        s.run(started, sites, exit_code=1 if latest else 0)
    return s


@pytest.fixture(scope="module")
def scenario_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "news.db"
    build_scenario(path).close()
    return path


@pytest.fixture(scope="module")
def report(scenario_db: Path):
    return build_report(scenario_db, now=NOW)


def by_name(report) -> dict:
    return {s.name: s for s in report.sites}


def test_each_site_gets_the_status_its_history_calls_for(report):
    sites = by_name(report)
    assert {name: s.status for name, s in sites.items()} == {
        "healthy": "ok",
        "quiet": "stale",
        "broken": "failing",
        "erroring": "failing",
        "weekly": "ok",
        "copycat": "new",
    }
    assert [s.status for s in report.sites][:2] == ["failing", "failing"]  # worst first


def test_redesign_is_flagged_in_the_first_run_after_it(report):
    broken = by_name(report)["broken"]
    assert broken.health_latest.articles == 3
    assert broken.health_latest.missing_date == 1.0 and broken.health_latest.short_body == 1.0
    assert broken.health_history.missing_date == 0.0
    assert broken.reasons == [
        "extraction broke in run #35: of 3 articles, 3 without a date (usually 0%), "
        + "3 with a body under 200 chars (usually 0%)"
    ]


def test_same_store_without_the_break_is_ok(tmp_path: Path):
    build_scenario(tmp_path / "fine.db", break_latest=False).close()
    broken = by_name(build_report(tmp_path / "fine.db", now=NOW))["broken"]
    assert broken.status == "ok" and broken.reasons == []


def test_one_odd_article_is_not_a_redesign(tmp_path: Path):
    s = SyntheticStore(tmp_path / "odd.db")
    for day, started in enumerate(RUN_TIMES[-10:]):
        arts = [s.article("site", started - timedelta(hours=h)) for h in (1, 2, 3, 4)]
        if day == 9:
            arts[0].update(published=None)
        s.run(started, {"site": SiteRun(arts)})
    s.close()
    site = build_report(tmp_path / "odd.db", now=NOW).sites[0]
    assert site.health_latest.missing_date == 0.25
    assert site.status == "ok", site.reasons


def test_errors_by_kind_and_their_trend(report):
    erroring = by_name(report)["erroring"]
    assert erroring.errors_by_kind == {"http_5xx": 25, "timeout": 5}
    assert erroring.error_trend[-1] == 30 and len(erroring.error_trend) == 10
    assert erroring.error_trend_word == "up"
    assert erroring.reasons[0] == "75% of fetches failed in run #35 (http_5xx 25, timeout 5)"


def test_rates_against_the_sites_own_usual(report):
    sites = by_name(report)
    healthy, quiet, weekly = sites["healthy"], sites["quiet"], sites["weekly"]
    assert healthy.articles_24h == 2 and healthy.articles_7d == 14
    assert healthy.usual_per_day == pytest.approx(2.0, abs=0.1)
    assert quiet.articles_7d == 1 and quiet.usual_per_day == pytest.approx(1.0, abs=0.05)
    assert "only 1 in 7 days, usually about 7" in "; ".join(quiet.reasons)
    assert quiet.newest_age_hours == pytest.approx(6 * 24 + 3.5, abs=0.1)
    # 3.5 days without news is normal for a weekly; the limit scales with its usual gap
    assert weekly.usual_per_day == pytest.approx(1 / 7, rel=0.2)
    assert weekly.newest_age_hours > 48 and weekly.status == "ok"


def test_duplicate_rate_counts_copies_of_another_sites_story(report):
    sites = by_name(report)
    assert sites["copycat"].articles_period == 4
    assert sites["copycat"].duplicate_share == 1.0
    assert sites["healthy"].duplicate_share == 0.0  # it published first: canonical, not a copy


def test_biggest_clusters_name_the_first_version(report):
    assert len(report.clusters) == 4
    top = report.clusters[0]
    assert top.sites == ["copycat", "healthy"] and top.articles == 2
    assert top.site == "healthy" and not top.title.startswith("[보도자료]")


def test_runs_and_articles_per_day_cover_the_period(report):
    assert [r.id for r in report.runs] == list(range(29, 36))  # since defaults to 7 days
    assert report.runs[-1].exit_code == 1 and report.runs[-1].duration_s == 600
    assert len(report.days) == 8 and report.days[-1] == korea_date(NOW)
    healthy = by_name(report)["healthy"]
    assert sum(healthy.daily) == healthy.articles_period


def test_since_narrows_the_period(scenario_db: Path):
    narrow = build_report(scenario_db, now=NOW, since=NOW - timedelta(hours=24))
    assert [r.id for r in narrow.runs] == [35]
    assert by_name(narrow)["healthy"].articles_period == 2


def test_report_table_in_sites_toml_sets_thresholds_and_sites(scenario_db: Path, tmp_path: Path):
    toml = tmp_path / "sites.toml"
    toml.write_text(
        "[report]\nstale_hours = 200\nquiet_ratio = 0.1\nmax_error_share = 0.9\nchart_days = 3\n\n"
        '[[site]]\nname = "quiet"\nhome = "https://quiet.example.kr/"\n\n'
        '[[site]]\nname = "erroring"\nhome = "https://erroring.example.kr/"\n\n'
        '[[site]]\nname = "added-today"\nhome = "https://added.example.kr/"\n',
        encoding="utf-8",
    )
    report = build_report(scenario_db, toml, now=NOW)
    assert report.days == [korea_date(NOW - timedelta(days=d)) for d in (2, 1, 0)]
    sites = by_name(report)
    assert set(sites) == {"quiet", "erroring", "added-today"}
    assert len(sites["erroring"].daily) == 3 and sites["erroring"].articles_period == 7
    assert sites["quiet"].status == "ok" and sites["erroring"].status == "ok"
    assert sites["added-today"].status == "new"
    assert sites["added-today"].reasons == ["never crawled; 3 needed to judge it"]


@pytest.mark.parametrize(
    "table, message",
    [
        ("stale_hours = 'two days'", "stale_hours must be a number"),
        ("stale_hourz = 48", "unknown key 'stale_hourz'"),
        ("new_runs = 2.5", "new_runs must be a whole number"),
    ],
)
def test_bad_report_table_is_a_usage_error(scenario_db: Path, tmp_path: Path, table, message):
    toml = tmp_path / "sites.toml"
    site = '[[site]]\nname = "quiet"\nhome = "http://127.0.0.50/"\n'
    toml.write_text(f"[report]\n{table}\n{site}", encoding="utf-8")
    result = CliRunner().invoke(report_command, ["--db", str(scenario_db), "--sites", str(toml)])
    assert result.exit_code == 2 and message in result.output


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> [링크](javascript:alert(3)) |'


def test_markdown_and_text_keep_hostile_headlines_inert(tmp_path: Path):
    s = SyntheticStore(tmp_path / "h.db")
    for started in RUN_TIMES[-2:]:
        body = korean_body(int(started.timestamp()))
        s.run(started, {
            "a": SiteRun([s.article("a", started, title=HOSTILE + "\x1b[2J", body=body)]),
            "b": SiteRun([s.article("b", started, title="사본", body=body)]),
        })  # fmt: skip
    s.close()
    report = build_report(tmp_path / "h.db", now=NOW)
    md = render_markdown(report)
    assert "&lt;script&gt;" in md and "<script" not in md and "<img" not in md
    # a link needs an unescaped "](": escaped brackets leave it as text
    assert "\\[링크\\](javascript" in md and not re.search(r"(?<!\\)\]\(", md)
    assert "\x1b" not in render_text(report) and "<script>alert(1)</script>" in render_text(report)


def test_check_is_silent_and_zero_when_all_is_well(tmp_path: Path):
    s = SyntheticStore(tmp_path / "ok.db")
    now = datetime.now(UTC)
    for d in (3, 2, 1, 0):
        started = now - timedelta(days=d, minutes=20)
        s.run(started, {"site": SiteRun([s.article("site", started - timedelta(hours=1))])})
    s.close()
    result = CliRunner().invoke(report_command, ["--db", str(tmp_path / "ok.db"), "--check"])
    assert result.exit_code == 0 and result.output == ""


def test_check_prints_one_line_per_failing_or_stale_site(scenario_db: Path, tmp_path: Path):
    out = tmp_path / "report.html"
    # the scenario is dated NOW, read from the clock moments ago
    result = CliRunner().invoke(
        report_command, ["--db", str(scenario_db), "--check", "-o", str(out)]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines] == ["broken", "erroring", "quiet"]
    assert all(": failing: " in line or ": stale: " in line for line in lines)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_json_format_round_trips(scenario_db: Path):
    result = CliRunner().invoke(report_command, ["--db", str(scenario_db), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["status_counts"]["failing"] >= 2
    assert {s["name"] for s in data["sites"]} >= {"healthy", "broken", "copycat"}
    assert data["thresholds"]["min_body_chars"] == 200


def test_missing_store_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(report_command, ["--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no store at" in result.output
    assert not (tmp_path / "none.db").exists()


def test_a_file_that_is_not_sqlite_is_a_usage_error(tmp_path: Path):
    junk = tmp_path / "notes.db"
    junk.write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(report_command, ["--db", str(junk)])
    assert result.exit_code == 2 and "not a readable crawl store" in result.output


def test_a_few_missing_authors_on_a_site_that_often_omits_them_is_noise(tmp_path: Path):
    s = SyntheticStore(tmp_path / "authors.db")
    for day, started in enumerate(RUN_TIMES[-12:]):
        arts = [s.article("site", started - timedelta(hours=h)) for h in range(4)]
        # a quarter of its articles never carry a byline; the latest run happens to get 3 of 3
        missing = range(3) if day == 11 else range(1)
        for i in missing:
            arts[i]["author"] = None
        s.run(started, {"site": SiteRun(arts[:3] if day == 11 else arts)})
    s.close()
    site = build_report(tmp_path / "authors.db", now=NOW).sites[0]
    assert site.health_latest.missing_author == 1.0
    assert site.health_history.missing_author == 0.25
    assert site.status == "ok", site.reasons


def test_no_success_for_days_is_failing_and_no_articles_ever_is_stale(tmp_path: Path):
    s = SyntheticStore(tmp_path / "down.db")
    for day, started in enumerate(RUN_TIMES[-8:]):
        up = day < 4  # the last four daily runs reached nothing
        arts = [s.article("down", started - timedelta(hours=1))] if up else []
        s.run(started, {
            "down": SiteRun(arts, pages=5 if up else 0, errors={} if up else {"dns": 1},
                            success=up),
            "empty": SiteRun([], pages=4),
        })  # fmt: skip
    s.close()
    sites = by_name(build_report(tmp_path / "down.db", now=NOW))
    down = sites["down"]
    assert down.status == "failing"
    assert down.reasons[0] == "100% of fetches failed in run #8 (dns 1)"
    last_up = kst(RUN_TIMES[-5])[:16].replace("T", " ")
    assert down.reasons[1] == f"no successful crawl since {last_up} (4.0 days before run #8)"
    assert sites["empty"].status == "stale"
    assert sites["empty"].reasons == ["no articles stored after 8 runs"]


def test_text_by_default_and_since_is_checked(scenario_db: Path):
    runner = CliRunner()
    text = runner.invoke(report_command, ["--db", str(scenario_db), "--since", "2w"])
    assert text.exit_code == 0 and text.output.startswith("crawl status ")
    assert "failing broken" in text.output
    bad = runner.invoke(report_command, ["--db", str(scenario_db), "--since", "last tuesday"])
    assert bad.exit_code == 2 and "use 24h, 7d, 2w, or a date" in bad.output
