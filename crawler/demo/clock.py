"""The demo's clock: the content's dates moved so that the sites publish up to "now".

The content (crawler/demo/data/) is written with fixed dates; a newcomer's first report counts
the last seven days, so the served sites move them: the newest article an hour or two before the
clock's `now`, the rest spread over the `WINDOW` before it by one linear map of the whole
content (all sites at once), so every article keeps its place in time and a story's versions
keep who ran first. The map depends only on `now` truncated to the hour: two servers started
within the same hour serve the same dates. Archive articles (over `ARCHIVE` older than the
newest) keep their dates: they are the old pages a site also serves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from crawler.demo.content import KST, Article, Site, parse_kst

WINDOW = timedelta(days=6)  # the content's recent articles fit in this span before the newest
NEWEST_BEFORE = timedelta(hours=1)  # the newest article: 1-2 hours before now
ARCHIVE = timedelta(days=365)
FORMAT = "%Y-%m-%d %H:%M"


class Clock:
    """Moves content times onto the demo clock; `now=None` keeps them as written."""

    def __init__(self, articles: Iterable[Article], now: datetime | None) -> None:
        self.now = now
        times = [t for a in articles for t in (a.published_at, a.updated_at) if t is not None]
        self.reference = max(times, default=None)  # the content's newest moment
        if now is None or self.reference is None:
            self.scale, self.anchor = 1.0, self.reference
            return
        recent = [t for t in times if not self.is_archive(t)]
        span = self.reference - min(recent)
        self.scale = min(1.0, WINDOW / span) if span else 1.0
        hour = now.astimezone(KST).replace(minute=0, second=0, microsecond=0)
        self.anchor = hour - NEWEST_BEFORE

    def is_archive(self, moment: datetime) -> bool:
        return self.reference is not None and moment < self.reference - ARCHIVE

    def moment(self, moment: datetime) -> datetime:
        if self.now is None or self.anchor is None or self.reference is None:
            return moment
        if self.is_archive(moment):
            return moment
        moved = self.anchor - (self.reference - moment) * self.scale
        return moved.replace(second=0, microsecond=0)

    def text(self, written: str | None) -> str | None:
        """A content time ("YYYY-MM-DD HH:MM", Korea time) on the clock, in the same form."""
        if written is None:
            return None
        return self.moment(parse_kst(written)).astimezone(KST).strftime(FORMAT)

    def article(self, article: Article) -> Article:
        return replace(
            article,
            published=self.text(article.published) or "",
            updated=self.text(article.updated),
        )

    def site(self, site: Site) -> Site:
        return replace(site, articles=tuple(self.article(a) for a in site.articles))


def on_clock(sites: Iterable[Site], now: datetime | None) -> tuple[Site, ...]:
    """The sites with their articles dated on the clock of `now` (None: as written)."""
    sites = tuple(sites)
    if now is None:
        return sites
    clock = Clock((a for site in sites for a in site.articles), now)
    return tuple(clock.site(site) for site in sites)
