"""A site's status and the reasons for it, from the figures `collect` gathered.

failing beats new beats stale: a site that has never worked is failing, not merely new, but a
new site has no usual rate to be quiet against.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from crawler.query.report.config import ReportConfig
from crawler.query.report.formats import age, kst
from crawler.query.report.model import SiteReport

_HEALTH_METRICS = (
    ("missing_date", "without a date"),
    ("short_body", "with a body under {min_body} chars"),
    ("missing_author", "without an author"),
)


def classify(site: SiteReport, cfg: ReportConfig) -> tuple[str, list[str]]:
    """(status, reasons); reasons are short sentences, the first one the most telling."""
    failing = _failing(site, cfg)
    if failing:
        return "failing", failing
    if site.runs < cfg.new_runs:
        runs = "never crawled" if site.runs == 0 else f"{site.runs} run(s) so far"
        return "new", [f"{runs}; {cfg.new_runs} needed to judge it"]
    stale = _stale(site, cfg)
    if stale:
        return "stale", stale
    return "ok", []


def _failing(site: SiteReport, cfg: ReportConfig) -> list[str]:
    reasons = []
    run = site.last_run
    if run is not None and run.errors:
        share = run.errors / (run.pages + run.errors)
        if share >= cfg.max_error_share:
            kinds = ", ".join(f"{k} {n}" for k, n in site.errors_by_kind.items())
            reasons.append(
                f"{share:.0%} of fetches failed in run #{run.run_id}"
                + (f" ({kinds})" if kinds else "")
            )
    if run is not None and site.last_success:
        since_success = _hours_between(site.last_success, run.started)
        if since_success is not None and since_success > cfg.stale_hours:
            reasons.append(
                f"no successful crawl since {kst(site.last_success)} "
                f"({since_success / 24:.1f} days before run #{run.run_id})"
            )
    reasons.extend(_extraction_breaks(site, cfg))
    return reasons


def _extraction_breaks(site: SiteReport, cfg: ReportConfig) -> list[str]:
    latest, history = site.health_latest, site.health_history
    if latest.articles < cfg.health_min_articles or history.articles < cfg.health_min_articles:
        return []
    jumps = []
    for metric, words in _HEALTH_METRICS:
        now_share, usual = getattr(latest, metric), getattr(history, metric)
        hits = round(now_share * latest.articles)
        # Laplace's rule: a history without a single miss still allows the odd one
        expected = (usual * history.articles + 1) / (history.articles + 2)
        if (
            now_share - usual >= cfg.health_jump
            and binomial_tail(hits, latest.articles, expected) < cfg.health_p
        ):
            jumps.append(
                f"{hits} {words.format(min_body=cfg.min_body_chars)} (usually {usual:.0%})"
            )
    if not jumps:
        return []
    run_id = site.last_run.run_id if site.last_run else "?"
    return [
        f"extraction broke in run #{run_id}: of {latest.articles} articles, " + ", ".join(jumps)
    ]


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): how surprising k misses in n articles are, so that
    three articles without an author on a site that omits a quarter of them is not a break."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def _stale(site: SiteReport, cfg: ReportConfig) -> list[str]:
    if site.newest_age_hours is None:
        return [f"no articles stored after {site.runs} runs"]
    reasons = []
    usual = site.usual_per_day
    # A weekly paper is not stale after two days: allow a few of its usual gaps.
    limit = cfg.stale_hours
    if usual:
        limit = max(limit, cfg.stale_gap_factor * 24 / usual)
    if site.newest_age_hours > limit:
        reasons.append(f"newest article is {age(site.newest_age_hours)} old (limit {age(limit)})")
    expected = (usual or 0) * 7
    if expected >= cfg.min_expected_7d and site.articles_7d < cfg.quiet_ratio * expected:
        reasons.append(f"only {site.articles_7d} in 7 days, usually about {expected:.0f}")
    return reasons


def _hours_between(earlier: str, later: str) -> float | None:
    try:
        start, end = _aware(earlier), _aware(later)
    except ValueError:
        return None
    return (end - start).total_seconds() / 3600


def _aware(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    # the store writes UTC; a value without an offset is taken as UTC too
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
