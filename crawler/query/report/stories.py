"""The period's biggest stories and each site's originals against copies, from the store's
text-reuse view `story_reuse` (crawler/store/report_sql.py reads it), and how they read in the
Markdown and text reports (the HTML template draws the same figures).

A store no crawl has migrated since the view came has none: the report says so and leaves
the figures out (`Report.stories` None, `SiteReport.originals` None).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from crawler.query.report.formats import NO_VALUE, kst, lag, pct
from crawler.query.report.model import Report, SiteReport, Story, StoryVersion
from crawler.store import report_sql

BAR_CELLS = 10  # a copied share drawn in text: ten cells
NO_VIEW = "this store predates the story figures: the next crawl adds them"
NONE_IN_PERIOD = "no story ran in two or more versions in the period"


def collect_stories(
    conn: sqlite3.Connection, sites: dict[str, SiteReport], *, since: float, top: int
) -> list[Story] | None:
    """The `top` biggest stories of the period; fills each site's originals and copies."""
    if not report_sql.has_story_views(conn):
        return None
    counts = report_sql.originals_and_copies(conn, since=since)
    for name, site in sites.items():
        site.originals, site.copies = counts.get(name, (0, 0))
    stories: dict[int, Story] = {}
    for row in report_sql.biggest_stories(conn, since=since, top=max(top, 0)):
        version = StoryVersion(
            row["article_id"],
            row["site"],
            row["title"] or "",
            row["url"],
            row["published"],
            row["lag_minutes"],
            row["copied_share"],
            bool(row["is_first"]),
        )
        story = stories.get(row["story"])
        if story is None:  # rows come first version first
            story = stories[row["story"]] = Story(
                row["story"], version.title, version.site, version.published, row["outlets"], []
            )
        story.versions.append(version)
    return list(stories.values())


def originals_cell(site: SiteReport) -> str:
    """`3 / 1`: stories the site ran first / versions of another outlet's story."""
    if site.originals is None or site.copies is None:
        return NO_VALUE
    return f"{site.originals} / {site.copies}"


def text_bar(share: float | None) -> str:
    if share is None:
        return " " * BAR_CELLS
    filled = round(max(0.0, min(1.0, share)) * BAR_CELLS)
    return "█" * filled + "░" * (BAR_CELLS - filled)


def text_lines(report: Report) -> list[str]:
    """The stories of the text report, each version a line with its copied share as a bar (the
    caller makes page text terminal-safe)."""
    if report.stories is None:
        return ["", f"biggest stories: {NO_VIEW}"]
    if not report.stories:
        return ["", f"biggest stories: {NONE_IN_PERIOD}"]
    lines = ["", "biggest stories (versions, first outlet; each version's lag and copied share):"]
    width = max(len(v.site) for s in report.stories for v in s.versions)
    for story in report.stories:
        lines.append(
            f"  {len(story.versions)} versions, {story.outlets} outlets  {story.title}  "
            f"(first: {story.first_site} {kst(story.published)})"
        )
        for v in story.versions:
            when = "first" if v.is_first else lag(v.lag_minutes)
            lines.append(
                f"      {v.site:<{width}}  {when:>11}  {text_bar(v.copied_share)} "
                f"{pct(v.copied_share):>4} copied"
            )
    return lines


def markdown_lines(report: Report, md: Callable[[object], str]) -> list[str]:
    """The `## Biggest stories` section: a line per story, a table of its versions."""
    out = ["", "## Biggest stories", ""]
    if report.stories is None or not report.stories:
        return [*out, NO_VIEW if report.stories is None else NONE_IN_PERIOD]
    for story in report.stories:
        head = (
            f"**{md(story.title)}**: {len(story.versions)} versions on {story.outlets} outlets, "
            f"first by {md(story.first_site)} {md(kst(story.published))}"
        )
        out += [
            head,
            "",
            "| site | published | behind the first | copied share | headline |",
            "|---|---|--:|---|---|",
        ]
        for v in story.versions:
            when = "first" if v.is_first else lag(v.lag_minutes)
            bar = f"{text_bar(v.copied_share)} {pct(v.copied_share)}"
            cells = [v.site, kst(v.published), when, bar, v.title]
            out.append("| " + " | ".join(md(c) for c in cells) + " |")
        out.append("")
    return out[:-1]
