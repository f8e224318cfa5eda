"""What the report knows, as plain dataclasses: every renderer (HTML, Markdown, JSON, text)
reads only these, so the figures agree across formats."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Worst first: the order sites are listed in, and what `--check` reacts to.
STATUSES = ("failing", "stale", "new", "ok")
ALARMING = frozenset({"failing", "stale"})


@dataclass
class Health:
    """Extraction health of a set of articles: shares are None when there are no articles."""

    articles: int = 0
    missing_date: float | None = None
    missing_author: float | None = None
    short_body: float | None = None


@dataclass
class SiteRun:
    run_id: int
    started: str
    finished: str | None
    pages: int
    articles: int
    errors: int


@dataclass
class SiteReport:
    name: str
    home: str | None = None
    profile: str | None = None
    status: str = "ok"
    reasons: list[str] = field(default_factory=list)
    first_seen: str | None = None
    last_success: str | None = None
    runs: int = 0  # finished runs that included the site
    last_run: SiteRun | None = None
    newest_article: str | None = None  # UTC ISO 8601
    newest_age_hours: float | None = None
    articles_total: int = 0
    articles_24h: int = 0
    articles_7d: int = 0
    # stored by the crawls in the period (by fetch time, as the site_health view counts); the
    # 24h/7d figures and the charts go by publication time (a site's own freshness)
    articles_period: int = 0
    usual_per_day: float | None = None  # None: too little history to know
    errors_by_kind: dict[str, int] = field(default_factory=dict)  # latest run
    error_trend: list[int] = field(default_factory=list)  # errors per run, oldest first
    error_trend_word: str = "flat"
    health_latest: Health = field(default_factory=Health)
    health_history: Health = field(default_factory=Health)
    duplicate_share: float | None = None  # of articles_period, copies of another site's story
    # of its versions of multi-outlet stories published in the period (the story_reuse view):
    # ran first / ran after another outlet's version; None when the store has no such view
    originals: int | None = None
    copies: int | None = None
    daily: list[int] = field(default_factory=list)  # per Report.days


@dataclass
class RunRow:
    id: int
    started: str
    finished: str | None
    duration_s: float | None
    status: str
    exit_code: int | None
    pages: int
    articles: int
    duplicates: int
    errors: int


@dataclass
class Cluster:
    canonical_id: int
    title: str
    url: str
    site: str
    published: str | None
    articles: int
    sites: list[str]


@dataclass
class StoryVersion:
    article_id: int
    site: str
    title: str
    url: str | None
    published: str | None
    lag_minutes: float | None  # behind the story's first version; 0 for the first
    copied_share: float | None  # of this version's text, the share taken from the first
    is_first: bool


@dataclass
class Story:
    """One story run by several versions (story_reuse): the first version opens `versions`."""

    story: int  # the canonical article id
    title: str  # the first version's headline
    first_site: str
    published: str | None
    outlets: int
    versions: list[StoryVersion]


@dataclass
class Report:
    generated: str
    since: str
    db: str
    days: list[str]  # Korea-time dates of the charts (the period's last chart_days), oldest first
    sites: list[SiteReport]
    runs: list[RunRow]
    clusters: list[Cluster]
    thresholds: dict[str, Any]
    # the period's biggest stories, most outlets first; None: the store predates story_reuse
    stories: list[Story] | None = None

    @property
    def alarming(self) -> list[SiteReport]:
        return [s for s in self.sites if s.status in ALARMING]

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for site in self.sites:
            counts[site.status] += 1
        return counts

    def articles_per_day(self) -> list[int]:
        columns = zip(*(s.daily for s in self.sites), strict=True)
        return [sum(col) for col in columns] or [0] * len(self.days)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status_counts"] = self.status_counts()
        return data
