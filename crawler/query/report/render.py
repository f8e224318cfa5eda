"""The four faces of a `Report`: self-contained HTML, Markdown, JSON and a terminal summary."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import jinja2

from crawler.query.report import charts, stories
from crawler.query.report.formats import NO_VALUE, age, kst, lag, pct
from crawler.query.report.model import Report, SiteReport
from crawler.query.terminal import for_terminal

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("crawler.query.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def is_web_url(url: str | None) -> bool:
    """Only http(s) links are made clickable: a `javascript:` URL stays text."""
    return bool(url) and urlsplit(url).scheme in ("http", "https")


_ENV.filters["web_url"] = is_web_url
_ENV.filters["kst"] = kst
_ENV.globals.update(
    pct=pct,
    age=age,
    lag=lag,
    originals=stories.originals_cell,
    no_story_view=stories.NO_VIEW,
    no_story=stories.NONE_IN_PERIOD,
)


def render_html(report: Report) -> str:
    total = sum(s.articles_period for s in report.sites)
    copies = sum(round((s.duplicate_share or 0) * s.articles_period) for s in report.sites)
    titles = list(report.days)
    return _ENV.get_template("report.html").render(
        r=report,
        counts=report.status_counts(),
        total_articles=total,
        dup_share=copies / total if total else None,
        last_run=report.runs[-1] if report.runs else None,
        daily=charts.articles_per_day(report, report.thresholds["chart_sites"]),
        run_strips=charts.run_rows(report.runs),
        spark={s.name: charts.sparkline(s.daily, titles) for s in report.sites},
        trend={
            s.name: charts.sparkline(
                s.error_trend, None, "#c8453c", 60, report.thresholds["history_runs"]
            )
            for s in report.sites
        },
    )


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def terminal_safe(text: str | None) -> str:
    """Page text as the text and Markdown reports print it (crawler.query.terminal.for_terminal)."""
    return for_terminal(text)


def check_lines(report: Report) -> list[str]:
    """One line per failing or stale site, for cron to mail."""
    return [terminal_safe(f"{s.name}: {s.status}: {'; '.join(s.reasons)}") for s in report.alarming]


def render_text(report: Report) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in report.status_counts().items())
    stored = sum(s.articles_period for s in report.sites)
    lines = [
        f"crawl status {kst(report.generated)} KST  (since {kst(report.since)})",
        f"sites: {counts}",
        f"{stored} articles stored since {kst(report.since)} (by fetch time); "
        + "24h/7d below count by publication time",
    ]
    if report.runs:
        run = report.runs[-1]
        lines.append(
            f"last run #{run.id} {kst(run.started)} {run.status} exit {run.exit_code}: "
            f"{run.pages} pages, {run.articles} new articles, {run.errors} errors"
        )
    lines.append("")
    width = max((len(s.name) for s in report.sites), default=4)
    for site in report.sites:
        lines.append(
            f"{site.status:<7} {site.name:<{width}}  24h {site.articles_24h:>4}  "
            f"7d {site.articles_7d:>5}{_usual(site):<10}  newest {age(site.newest_age_hours):>7}"
            f"  dup {pct(site.duplicate_share):>4}  first/copied {stories.originals_cell(site):>7}"
            f"  {'; '.join(site.reasons)}".rstrip()
        )
    if report.clusters:
        lines += ["", "biggest story clusters:"]
        for c in report.clusters:
            lines.append(f"  {c.articles:>3} articles, {len(c.sites):>2} sites  {c.title}")
    lines += stories.text_lines(report)
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


def _usual(site: SiteReport) -> str:
    return "" if site.usual_per_day is None else f" (~{site.usual_per_day * 7:.0f})"


def md(text: object) -> str:
    """Markdown cell text: HTML inside Markdown is live, so escape it, then Markdown syntax."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", " ".join(terminal_safe(escaped).split()))


def render_markdown(report: Report) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in report.status_counts().items())
    out = [
        "# Crawl status",
        "",
        f"Generated {kst(report.generated)}, period since {kst(report.since)} (Korea time). "
        + f"Sites: {counts}. "
        + f"{sum(s.articles_period for s in report.sites)} articles stored in the period (by "
        + "fetch time); the 24 h and 7 d columns count by publication time.",
        "",
    ]
    if report.alarming:
        out += ["## Needs attention", ""]
        out += [
            f"- **{md(s.name)}** ({s.status}): {md('; '.join(s.reasons))}" for s in report.alarming
        ]
        out.append("")
    out += [
        "## Sites",
        "",
        "| status | site | why | last success | newest | 24 h | 7 d | usual 7 d | errors last run"
        + " | no date | no author | short body | dup | first / copied |",
        "|---|---|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|",
    ]
    for s in report.sites:
        kinds = ", ".join(f"{k} {n}" for k, n in s.errors_by_kind.items()) or "none"
        usual = NO_VALUE if s.usual_per_day is None else f"{s.usual_per_day * 7:.0f}"
        health = [
            f"{pct(getattr(s.health_latest, m))} ({pct(getattr(s.health_history, m))})"
            for m in ("missing_date", "missing_author", "short_body")
        ]
        cells = [
            s.status,
            s.name,
            "; ".join(s.reasons),
            kst(s.last_success),
            age(s.newest_age_hours),
            s.articles_24h,
            s.articles_7d,
            usual,
            kinds,
            *health,
            pct(s.duplicate_share),
            stories.originals_cell(s),
        ]
        out.append("| " + " | ".join(md(c) for c in cells) + " |")
    out += [
        "",
        "## Runs",
        "",
        "| run | started | duration s | status | exit | pages | new | errors |",
        "|--:|---|--:|---|--:|--:|--:|--:|",
    ]
    for run in reversed(report.runs[-20:]):
        cells = [
            run.id,
            kst(run.started),
            run.duration_s,
            run.status,
            run.exit_code,
            run.pages,
            run.articles,
            run.errors,
        ]
        out.append("| " + " | ".join(md(NO_VALUE if c is None else c) for c in cells) + " |")
    out += [
        "",
        "## Biggest story clusters",
        "",
        "| articles | sites | headline | first by |",
        "|--:|--:|---|---|",
    ]
    for c in report.clusters:
        out.append(f"| {c.articles} | {len(c.sites)} | {md(c.title)} | {md(c.site)} |")
    if not report.clusters:
        out.append(f"| {NO_VALUE} | {NO_VALUE} | no duplicate stories in the period | |")
    out += stories.markdown_lines(report, md)
    return "\n".join(out) + "\n"


RENDERERS = {"html": render_html, "md": render_markdown, "json": render_json, "text": render_text}
