"""Extract stage: page bytes to article fields (docs/internals.md, "Article").

Decoding (crawler.extract.charset), profile detection and field extraction (crawler.extract.profiles); whether
the page is an article at all is crawler.extract.verdict's call, asked twice: on cheap signals before
extraction, on the extracted article after it. This is the only stage that normalises text.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from crawler.crawl.reasons import Dropped
from crawler.crawl.urls import canonical_url, same_site
from crawler.extract import profiles, verdict
from crawler.extract.charset import CharsetError, decode_html
from crawler.extract.text import normalize
from crawler.extract.verdict import NotAnArticle

logger = logging.getLogger(__name__)

__all__ = ["ExtractPipeline", "NotAnArticle", "extract_page", "page_identity"]

# Internal keys of the extracted article that the verdict reads and the store must not see.
INTERNAL_KEYS = ("link_density",)

_CANONICAL = (
    etree.XPath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href'),
    etree.XPath('//meta[@property="og:url"]/@content'),
)


# lxml refuses a str that starts with an encoding declaration; the text is decoded already.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


class _Parser(html.HTMLParser):
    """lxml.html's parser with its element classes chosen in C: lxml.html picks a class per tag
    in a Python callback (forms and inputs get their own), which every element that Python
    touches pays for, a tenth of an extraction. Extraction needs no form classes."""

    def __init__(self) -> None:
        super().__init__()
        self.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=html.HtmlElement,
                comment=html.HtmlComment,
                pi=html.HtmlProcessingInstruction,
                entity=html.HtmlEntity,
            )
        )


_PARSERS = threading.local()  # an lxml parser is not to be shared between threads


def parse_html(text: str) -> html.HtmlElement:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = _Parser()
    try:
        doc = html.document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser=parser)
    except (etree.ParserError, ValueError) as err:
        raise NotAnArticle("broken_html", str(err)) from err
    return doc


def page_identity(doc: html.HtmlElement, url: str) -> str:
    """The URL the page names as its own (`<link rel="canonical">`, then og:url) when that is on
    the same site and not the site's front page, else `url`; canonicalised."""
    if not url.startswith(("http://", "https://")):
        return url
    host = urlsplit(url).hostname or ""
    for raw in (value for xp in _CANONICAL for value in xp(doc)):
        raw = normalize(raw)
        if not raw.startswith(("http://", "https://", "/")):
            continue
        named = canonical_url(urljoin(url, raw))
        parts = urlsplit(named)
        # Templates that name the front page (or a list) on every page name nothing.
        if parts.path in ("", "/") and not parts.query:
            continue
        if not same_site(named, host):
            continue
        link = verdict.judge_url(named)
        if not link.sure or link.is_article:  # never a list, print or static URL
            return named
    return canonical_url(url)


def _reject(found: verdict.Verdict, url: str) -> NotAnArticle:
    return NotAnArticle(found.reason, url, found)


def extract_page(
    body: bytes,
    url: str,
    headers: dict | None = None,
    *,
    charset: str | None = None,
    profile: str = "auto",
) -> dict:
    """Article fields of one page; raises NotAnArticle or crawler.extract.charset.CharsetError.

    `url` of the result is the page's identity (`page_identity`); when it differs from the URL
    the page was fetched at, `aliases` lists that one."""
    web = url.startswith(("http://", "https://"))
    link = None
    if web:
        link = verdict.judge_url(url)
        if link.sure and not link.is_article:
            raise _reject(link, url)  # before decoding: a print or list URL costs nothing
    text, _codec = decode_html(body, headers, override=charset)
    doc = parse_html(text)
    cheap = verdict.judge_page(doc, url, link=link)
    if not cheap.is_article:
        raise _reject(cheap, url)
    chosen = profiles.detect(doc, text, url) if profile == "auto" else profiles.get(profile)
    article = chosen.extract(doc, url)
    found = verdict.judge_page(doc, url, article, screened=True)
    if not found.is_article:
        raise _reject(found, url)
    for key in INTERNAL_KEYS:
        article.pop(key, None)
    identity = page_identity(doc, url) if web else url
    article["url"] = identity
    article["aliases"] = [url] if identity != url else []
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
            # the crawl records a `fetches` row of kind charset (crawler.crawl.run)
            reason, message = "charset", f"{err.reason} ({url})"
        except NotAnArticle as err:
            self._count(err.reason)
            logger.debug("not an article (%s): %s [%s]", err.reason, url, site)
            reason, message = err.reason, url
        else:
            return self._finish(article, item)
        # Raised outside the handler, so that it carries no context (the first exception's
        # traceback holds extract_page's frame, whose locals hold the page's parsed tree), and
        # made in the raise, so that this frame's locals hold no exception: neither is a cycle
        # that keeps pages in memory until the next full collection.
        raise Dropped(reason, message)

    @staticmethod
    def _finish(article: dict, item: dict) -> dict:
        article["site"] = item.get("site")
        article["fetched_at"] = item.get("fetched_at")
        # The store keeps it and `aliases` in url_aliases: no URL that led here is fetched again.
        article["requested_url"] = item.get("requested_url")
        if not article.get("section"):
            article["section"] = item.get("section")
        return article
