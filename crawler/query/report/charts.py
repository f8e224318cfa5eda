"""Chart geometry for the HTML report: numbers and labels only.

The template draws the SVG from these, so every label (site names, dates, headlines in tooltips)
goes through the template's autoescaping like any other text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.query.report.formats import kst
from crawler.query.report.model import Report, RunRow

PALETTE = (
    "#2f6db5",
    "#e07b24",
    "#3a9a5b",
    "#c8453c",
    "#8a5fbf",
    "#8c6d31",
    "#d266a8",
    "#4aa3b5",
    "#b5b02f",
    "#5b6b7a",
)
OTHER = "#b9bec4"


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, text
    legend: list[tuple[str, str]] = field(default_factory=list)  # colour, name
    gridlines: list[tuple[float, str]] = field(default_factory=list)  # y, value


def _nice_max(value: float) -> float:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000):
        if value <= step * 4:
            return step * 4
    return value


def articles_per_day(report: Report, top: int) -> Chart:
    """Stacked bars: the `top` busiest sites of the period, the rest as one grey 'other'."""
    chart = Chart(width=640, height=240)
    left, bottom, top_pad = 44, 24, 10
    busiest = sorted(report.sites, key=lambda s: -s.articles_period)
    shown = [s for s in busiest[:top] if s.articles_period]
    rest = [s for s in busiest[top:] if s.articles_period]
    series = [(s.name, PALETTE[i % len(PALETTE)], s.daily) for i, s in enumerate(shown)]
    if rest:
        other = [sum(col) for col in zip(*(s.daily for s in rest), strict=True)]
        series.append((f"{len(rest)} other sites", OTHER, other))
    days = report.days
    totals = report.articles_per_day()
    peak = _nice_max(max(totals, default=0) or 1)
    plot_h = chart.height - bottom - top_pad
    slot = (chart.width - left - 12) / max(len(days), 1)
    for i, day in enumerate(days):
        y: float = chart.height - bottom
        for name, colour, daily in series:
            if not daily[i]:
                continue
            h = daily[i] / peak * plot_h
            y -= h
            chart.bars.append(
                Bar(
                    left + i * slot + slot * 0.1,
                    y,
                    slot * 0.8,
                    h,
                    colour,
                    f"{day} {name}: {daily[i]}",
                )
            )
        if len(days) <= 16 or i % max(len(days) // 12, 1) == 0:
            chart.labels.append((left + (i + 0.5) * slot, chart.height - 6, day[5:]))
    chart.gridlines = _grid(peak, plot_h, chart.height - bottom)
    chart.legend = [(colour, name) for name, colour, _ in series]
    return chart


def _grid(peak: float, plot_h: float, base: float) -> list[tuple[float, str]]:
    return [(base - plot_h * f, f"{peak * f:g}") for f in (0, 0.25, 0.5, 0.75, 1)]


def run_rows(runs: list[RunRow]) -> list[tuple[str, Chart]]:
    """Three aligned strips (duration, pages, new articles), one bar per run, coloured by exit."""
    strips = []
    for label, value in (
        ("duration (s)", lambda r: r.duration_s or 0),
        ("pages", lambda r: r.pages),
        ("new articles", lambda r: r.articles),
    ):
        chart = Chart(width=640, height=70)
        peak = max((value(r) for r in runs), default=0) or 1
        # a handful of runs should not turn into a few slabs across the whole chart
        slot = min((chart.width - 44) / max(len(runs), 1), 40)
        for i, run in enumerate(runs):
            h = value(run) / peak * 56
            chart.bars.append(
                Bar(
                    44 + i * slot + slot * 0.1,
                    62 - h,
                    max(slot * 0.8, 1),
                    h,
                    exit_colour(run),
                    f"run #{run.id} {kst(run.started)} {run.status} exit {run.exit_code}: "
                    f"{label} {value(run):g}",
                )
            )
        chart.gridlines = [(62.0, "0"), (6.0, f"{peak:g}")]
        strips.append((label, chart))
    return strips


def exit_colour(run: RunRow) -> str:
    if run.exit_code == 0:
        return "#3a9a5b"
    if run.exit_code == 1:
        return "#e0a624"
    return "#c8453c"


def sparkline(
    values: list[int],
    titles: list[str] | None = None,
    colour: str = "#2f6db5",
    width: int = 120,
    slots: int = 0,
) -> Chart:
    """Tiny bars for a table cell, right-aligned in `slots` places (so a site with two runs
    does not get two fat bars); `titles` label each bar's tooltip."""
    chart = Chart(width=width, height=22)
    peak = max(values, default=0) or 1
    slots = max(slots, len(values), 1)
    slot = width / slots
    offset = slots - len(values)
    for i, v in enumerate(values, start=offset):
        h = max(v / peak * 20, 1 if v else 0)
        title = f"{titles[i - offset]}: {v}" if titles else str(v)
        chart.bars.append(Bar(i * slot, 21 - h, max(slot - 1, 1), h, colour, title))
    return chart
