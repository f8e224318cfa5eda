"""The crawl status report (issue 8): `krnews report`.

Per site: status (failing / stale / new / ok) with the reasons, last successful crawl, newest
article's age, articles in the last 24 h and 7 days against the site's usual rate, fetch errors
by kind in its latest run and their trend, extraction health of the latest run against the site's
recent history, the share of its articles that copy another site's story, and the stories it ran
first against its versions of others' stories. Overall: runs over time, articles per day per
site, the biggest story clusters, and the period's biggest stories with each version's outlet,
lag behind the first and copied share (the store's `story_reuse` view). HTML (self-contained: inline CSS and
SVG, a Content-Security-Policy that forbids scripts and any fetch), Markdown, JSON, text.

Thresholds come from an optional `[report]` table in sites.toml (all optional; defaults shown):

    [report]
    stale_hours = 48          # stale: newest article older than this ...
    stale_gap_factor = 3      # ... and older than this many of the site's usual gaps
    quiet_ratio = 0.25        # stale: 7-day count under this share of the usual 7-day count ...
    min_expected_7d = 5       # ... for sites that usually publish at least this many a week
    max_error_share = 0.5     # failing: errors / (pages + errors) of the latest run reaches this
    min_body_chars = 200      # a body shorter than this counts as "short"
    health_jump = 0.3         # failing: share missing a date / an author / with a short body in
                              # the latest run exceeds the site's recent share by this much ...
    health_p = 0.001          # ... and is that unlikely by chance (binomial tail at the usual
                              # share), so a few odd articles of a small run are not a break ...
    health_min_articles = 3   # ... with at least this many articles on both sides
    new_runs = 3              # new: fewer finished runs than this (not yet judged stale)
    baseline_days = 28        # history window for the usual rate and extraction health
    history_runs = 10         # runs shown in the per-site error trend
    top_clusters = 10         # story clusters listed
    top_stories = 5           # stories shown with every version (lag, copied share)
    chart_sites = 8           # sites drawn separately in the articles-per-day chart
    chart_days = 60           # days drawn in the per-day charts (the last ones of the period)

A site is failing when its latest run failed mostly, when it has had no successful crawl for
`stale_hours` before its latest run, or when its extraction broke; the last is judged on the
articles fetched during the latest run, so a redesign is flagged in the first run after it, and
stays flagged until the site's history window is mostly made of broken articles.
"""

from crawler.query.report.build import build_report

__all__ = ["build_report"]
