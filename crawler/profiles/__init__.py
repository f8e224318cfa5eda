"""CMS profiles as data (DESIGN.md §1): one small class per family, tried in order.

`detect` scores every profile on a page (URL pattern, generator meta, markup markers) and falls
back to the generic rules when none is sure; `url_kind` classifies links for the spider.
"""

from __future__ import annotations

from lxml import html

from crawler.profiles import generic
from crawler.profiles.articlehtml import ArticleHtml
from crawler.profiles.base import Profile
from crawler.profiles.jsonld import JsonLd
from crawler.profiles.legacy import Legacy
from crawler.profiles.ndsoft import NDSoft, NDSoftTable
from crawler.profiles.viewphp import ViewPhp
from crawler.profiles.wordpress import WordPress

# Order breaks ties: specific families before the metadata-only JSON-LD profile.
PROFILES: tuple[Profile, ...] = (
    NDSoft(), NDSoftTable(), Legacy(), ViewPhp(), ArticleHtml(), WordPress(), JsonLd(),
)  # fmt: skip
GENERIC = Profile()
MIN_SCORE = 2  # one stray marker (an og:title) is not enough to claim a page

_BY_NAME = {p.name: p for p in (*PROFILES, GENERIC)}
NAMES: tuple[str, ...] = tuple(_BY_NAME)


class UnknownProfile(KeyError):
    pass


def profile_names() -> tuple[str, ...]:
    """Names a site may give as `profile` in sites.toml (besides "auto")."""
    return NAMES


def get(name: str) -> Profile:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownProfile(f"unknown profile {name!r}; known: {', '.join(NAMES)}") from None


def detect(doc: html.HtmlElement, source: str, url: str) -> Profile:
    """The profile that fits the page best, or the generic one."""
    best, best_score = GENERIC, MIN_SCORE - 1
    for profile in PROFILES:
        score = profile.score(doc, source, url)
        if score > best_score:
            best, best_score = profile, score
    return best


def profile_url_kind(url: str) -> str | None:
    """What the families' own URL patterns say about a link, or None when none knows it."""
    kinds = {p.url_kind(url) for p in PROFILES} - {None}
    return next((k for k in ("skip", "article", "list") if k in kinds), None)


def generic_url_kind(url: str) -> str:
    """What the generic fallback patterns say about a link no family knows."""
    for kind, patterns in (
        ("skip", generic.URL_SKIP),
        ("article", generic.URL_ARTICLE),
        ("list", generic.URL_LIST),
    ):
        if any(p.search(url) for p in patterns):
            return kind
    return "unknown"


def url_kind(url: str) -> str:
    """ "article", "list", "skip" or "unknown" for a link: the profiles' patterns, then generic."""
    url = url.split("#", 1)[0]  # "…/slug/#content" is the page itself
    return profile_url_kind(url) or generic_url_kind(url)
