"""One rendered demo page without a server, for fixtures and benchmarks."""

from __future__ import annotations

from datetime import datetime

from crawler.demo.clock import on_clock
from crawler.demo.content import SITES, site_by_name
from crawler.demo.families import family_of
from crawler.demo.families.base import View


def default_base(site_name: str) -> str:
    return f"http://{site_by_name(site_name).host}"


def render_article(
    site_name: str, index: int, base: str | None = None, now: datetime | None = None
) -> tuple[str, bytes, dict[str, str]]:
    """(path with query, body bytes, response headers) of the site's `index`-th article.

    `index` counts in the order of the site's content module (crawler/demo/data/<site>.py).
    Dates are as the content writes them, or on the demo clock of `now` (a server's `.now`).
    """
    site = next(s for s in on_clock(SITES, now) if s.name == site_by_name(site_name).name)
    article = site.articles[index]
    family = family_of(site)
    view = View(site, (base or default_base(site_name)).rstrip("/"))
    path = family.article_path(site, article)
    response = family.html(family.render_article(view, article), article.last_change)
    return path, response.body, {"content-type": response.content_type}
