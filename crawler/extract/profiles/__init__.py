"""CMS profiles as data (DESIGN.md §1): one small class per family, tried in order.

`detect` scores every profile on a page (URL pattern, generator meta, markup markers) and falls
back to the generic rules when none is sure. Whether a link or a page is an article is
crawler.extract.verdict's call; it reads each profile's URL patterns (`Profile.url_kind`).
"""

from __future__ import annotations

from lxml import html

from crawler.extract.profiles.articlehtml import ArticleHtml
from crawler.extract.profiles.base import Profile
from crawler.extract.profiles.jsonld import JsonLd
from crawler.extract.profiles.legacy import Legacy
from crawler.extract.profiles.ndsoft import NDSoft, NDSoftTable
from crawler.extract.profiles.viewphp import ViewPhp
from crawler.extract.profiles.wordpress import WordPress

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
        score = profile.score(doc, source, url, beat=best_score)
        if score > best_score:
            best, best_score = profile, score
    return best
