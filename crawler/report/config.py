"""Report thresholds: the optional `[report]` table of sites.toml (keys: see crawler.report)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path


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
    chart_sites: int = 8
    chart_days: int = 60


def load_config(path: Path | None) -> tuple[ReportConfig, list[str] | None]:
    """The thresholds and the site names listed in `path`, or defaults and None without a file."""
    if path is None:
        return ReportConfig(), None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReportConfigError(f"{path}: {exc}") from exc
    sites = [s["name"] for s in data.get("site", []) if isinstance(s, dict) and "name" in s]
    return _thresholds(path, data.get("report", {})), sites


def _thresholds(path: Path, table: object) -> ReportConfig:
    if not isinstance(table, dict):
        raise ReportConfigError(f"{path}: [report] must be a table")
    known = {f.name: f.type for f in fields(ReportConfig)}
    changes: dict[str, float | int] = {}
    for key, value in table.items():
        if key not in known:
            raise ReportConfigError(
                f"{path}: [report] has unknown key {key!r}; known: {', '.join(sorted(known))}"
            )
        # bool is an int subclass; `stale_hours = true` is a typo, not a number
        wants_int = known[key] == "int"
        ok_types = (int,) if wants_int else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_types) or value < 0:
            kind = "a whole number" if wants_int else "a number"
            raise ReportConfigError(f"{path}: [report] {key} must be {kind} >= 0, got {value!r}")
        changes[key] = value
    return replace(ReportConfig(), **changes)
