"""Extract stage: page bytes to article fields (docs/internals.md, "Article").

Decoding (crawler.charset), profile detection and field extraction (crawler.profiles); this is
the only stage that normalises text.
"""

from __future__ import annotations

import logging
import re

from lxml import etree, html
from scrapy.exceptions import DropItem

from crawler import profiles
from crawler.charset import CharsetError, decode_html
from crawler.profiles.base import NotArticleLayout

logger = logging.getLogger(__name__)

# A page with less body than this is a list, a photo-only page or an error page.
MIN_BODY_CHARS = 50


class NotAnArticle(Exception):
    """The page is not an article; `reason` is a short slug counted in Scrapy stats."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# lxml refuses a str that starts with an encoding declaration; the text is decoded already.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_html(text: str) -> html.HtmlElement:
    try:
        doc = html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError) as err:
        raise NotAnArticle("broken_html", str(err)) from err
    return doc


def extract_page(
    body: bytes,
    url: str,
    headers: dict | None = None,
    *,
    charset: str | None = None,
    profile: str = "auto",
) -> dict:
    """Article fields of one page; raises NotAnArticle or crawler.charset.CharsetError."""
    # A saved file (`krnews extract page.html`) has a path, not a site's URL scheme to judge.
    web = url.startswith(("http://", "https://"))
    known = profiles.profile_url_kind(url) if web else None
    if web and (known or profiles.generic_url_kind(url)) == "skip":
        raise NotAnArticle("skip_url", url)
    text, _codec = decode_html(body, headers, override=charset)
    doc = parse_html(text)
    chosen = profiles.detect(doc, text, url) if profile == "auto" else profiles.get(profile)
    # Only a family's own patterns are sure enough to call a URL a list; the generic ones
    # (a trailing "/", "section") also match article permalinks of unknown sites.
    if known == "list":
        raise NotAnArticle("list_url", url)
    try:
        article = chosen.extract(doc, url)
    except NotArticleLayout as err:
        raise NotAnArticle(err.reason, url) from err
    if not article["title"]:
        raise NotAnArticle("no_title", url)
    if sum(len(p) for p in article["paragraphs"]) < MIN_BODY_CHARS:
        raise NotAnArticle("no_body", url)
    return article


class ExtractPipeline:
    """Scrapy item pipeline: page item in, article dict out (or DropItem with the reason)."""

    def __init__(self, stats=None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def _count(self, reason: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"item_dropped_reasons_count/{reason}")

    def process_item(self, item: dict, spider=None) -> dict:
        url, site = item["url"], item.get("site")
        try:
            article = extract_page(
                item["body"],
                url,
                item.get("headers"),
                charset=item.get("charset"),
                profile=item.get("profile") or "auto",
            )
        except CharsetError as err:
            self._count("charset")
            # "charset: ..." lets the crawl record a `fetches` row of kind charset.
            raise DropItem(f"charset: {err.reason} ({url})") from err
        except NotAnArticle as err:
            self._count(err.reason)
            logger.debug("not an article (%s): %s [%s]", err.reason, url, site)
            raise DropItem(f"{err.reason}: {url}") from err
        article["site"] = site
        article["fetched_at"] = item.get("fetched_at")
        article["requested_url"] = item.get("requested_url")  # the store keeps it as an alias
        if not article.get("section"):
            article["section"] = item.get("section")
        return article
