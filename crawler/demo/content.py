"""The demo sites' content: the single source of truth for both the pages and the expected records.

Article text is stored already clean (NFC, single spaces); the page templates add the mess
(boilerplate, NBSPs, repeated title blocks) that the pipeline has to take away again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9))


@dataclass(frozen=True)
class Photo:
    caption: str
    before: int = 0  # index of the paragraph the photo stands in front of


@dataclass(frozen=True)
class Article:
    id: int
    section: str  # key into Site.sections
    title: str
    subtitle: str | None
    author: str
    published: str  # "YYYY-MM-DD HH:MM", Korea time
    paragraphs: tuple[str, ...]
    photos: tuple[Photo, ...] = ()
    email: str | None = None
    role: str = "기자"  # or "시민기자"
    updated: str | None = None
    deck: tuple[str, ...] = ()  # "- " summary bullets under the photo; they are body text
    tags: tuple[str, ...] = ()
    slug: str = ""  # WordPress permalink slug
    dup_group: str | None = None

    @property
    def body(self) -> str:
        return "\n".join(self.deck + self.paragraphs)

    @property
    def published_at(self) -> datetime:
        return parse_kst(self.published)

    @property
    def updated_at(self) -> datetime | None:
        return parse_kst(self.updated) if self.updated else None

    @property
    def last_change(self) -> datetime:
        return self.updated_at or self.published_at


@dataclass(frozen=True)
class Site:
    name: str
    display: str  # the paper's name as printed on its pages
    family: str  # module name under crawler/demo/families/
    host: str
    domain: str  # the paper's public domain, used in e-mail addresses and copyright lines
    sections: dict[str, str]  # family-specific section key -> display name
    articles: tuple[Article, ...]

    def article(self, article_id: int) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)


def parse_kst(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=KST)


def iso(text: str | None) -> str | None:
    return parse_kst(text).isoformat() if text else None


def newest_first(articles: tuple[Article, ...] | list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.published_at, a.id), reverse=True)


def _sites() -> tuple[Site, ...]:
    from crawler.demo.data import hangang, hosu, newsview, nuri

    return tuple(module.SITE for module in (hangang, newsview, hosu, nuri))


SITES: tuple[Site, ...] = _sites()


def site_by_name(name: str) -> Site:
    for site in SITES:
        if site.name == name:
            return site
    raise KeyError(f"no demo site named {name!r}; known: {[s.name for s in SITES]}")
