"""Report thresholds: the optional `[report]` table of sites.toml (keys: see crawler.query.report),
read through the same loader and checks as the crawl's sites and [crawl] table."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

from crawler.crawl import sites


class ReportConfigError(ValueError):
    """sites.toml cannot be read, or its `[report]` table has a bad key or value."""


@dataclass(frozen=True)
class ReportConfig:
    stale_hours: float = 48.0
    stale_gap_factor: float = 3.0
    quiet_ratio: float = 0.25
    min_expected_7d: float = 5.0
    max_error_share: float = 0.5
    min_body_chars: int = 200
    health_jump: float = 0.3
    health_p: float = 0.001
    health_min_articles: int = 3
    new_runs: int = 3
    baseline_days: int = 28
    history_runs: int = 10
    top_clusters: int = 10
    top_stories: int = 5
    chart_sites: int = 8
    chart_days: int = 60


def load_config(path: Path | None) -> tuple[ReportConfig, list[str] | None]:
    """The thresholds and the site names listed in `path`, or defaults and None without a file."""
    if path is None:
        return ReportConfig(), None
    try:
        config = sites.load_config(path)
        kinds = {f.name: int if f.type == "int" else float for f in fields(ReportConfig)}
        table = sites.check_table(f"{path}: [report]", config.extra.get("report", {}), kinds)
    except sites.ConfigError as exc:
        raise ReportConfigError(str(exc)) from exc
    return replace(ReportConfig(), **table), [site.name for site in config.sites]
