"""Machine-readable metadata a page carries: JSON-LD NewsArticle, Open Graph, article:*, <meta>.

Profiles read these first (STYLE.md, on Fundus) because they survive redesigns; what the
visible markup says comes second.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from lxml import etree, html

from crawler.extract import titles
from crawler.extract.profiles import lookup
from crawler.extract.text import normalize

_META = etree.XPath("//meta[@content]")
_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting",
                  "AnalysisNewsArticle", "OpinionNewsArticle", "WebPage"}  # fmt: skip


def _ld_texts(doc: html.HtmlElement) -> list[str]:
    """The JSON-LD scripts' texts (lxml's tag walk runs in C, a whole-tree XPath did not; the
    page index holds the walk's result for every rule that asks)."""
    return [
        el.text
        for el in lookup.tagged(doc, "script")
        if el.get("type") == "application/ld+json" and el.text
    ]


def has_ld_type(word: str):
    """A marker test: a JSON-LD script of the page mentions `word` ("NewsArticle")."""

    def test(doc: html.HtmlElement) -> bool:
        return any(word in text for text in _ld_texts(doc))

    return test


def meta_values(doc: html.HtmlElement) -> dict[str, str]:
    """`<meta>` content by lower-cased property/name/itemprop; the first occurrence wins."""
    found: dict[str, str] = {}
    for el in _META(doc):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        if key:
            found.setdefault(key.strip().lower(), el.get("content", ""))
    return found


def _walk(node):
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        yield from _walk(node.get("@graph", []))


def json_ld_article(doc: html.HtmlElement) -> dict:
    """The first NewsArticle-like JSON-LD object on the page, or {}."""
    for raw in _ld_texts(doc):
        try:
            data = json.loads(raw)
        except ValueError:
            continue  # a broken block among several is common; the others may be fine
        for node in _walk(data):
            kind = node.get("@type")
            kinds = set(kind) if isinstance(kind, list) else {kind}
            if kinds & _ARTICLE_TYPES and (node.get("headline") or node.get("datePublished")):
                return node
    return {}


def _first_author(node: dict):
    author = node.get("author")
    return (author[0] if author else None) if isinstance(author, list) else author


def ld_author(node: dict) -> str | None:
    """The JSON-LD author's name; None for an Organization (a desk or the paper itself)."""
    author = _first_author(node)
    if isinstance(author, dict):
        kind = author.get("@type")
        if "Organization" in (kind if isinstance(kind, list) else [kind]):
            return None
        author = author.get("name")
    return normalize(author) or None if isinstance(author, str) else None


def ld_author_email(node: dict) -> str | None:
    author = _first_author(node)
    email = author.get("email") if isinstance(author, dict) else None
    return normalize(email).removeprefix("mailto:") or None if isinstance(email, str) else None


def ld_section(node: dict) -> str | None:
    section = node.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    return normalize(section) or None if isinstance(section, str) else None


def strip_site_name(title: str, site_name: str | None) -> str:
    """A headline without the site name that <title> and og:title glue on (its edge parts
    that are `site_name`, split by crawler.extract.titles.SEPARATOR)."""
    title = normalize(title)
    return titles.headline_of(title, {site_name}, strict=True) if site_name else title


def declared_title(doc: html.HtmlElement, metas: dict, ld: dict) -> str | None:
    """The headline the page declares: JSON-LD headline, og:title, twitter:title, <title>
    (with whatever affix the CMS glues on; crawler.extract.titles takes it off)."""
    for raw in (
        ld.get("headline"),
        metas.get("og:title"),
        metas.get("twitter:title"),
        doc.findtext(".//title"),
    ):
        if isinstance(raw, str) and (text := normalize(raw)):
            return text
    return None


_FRONTS = frozenset(
    {"/", "./", "/index.html", "/index.htm", "/index.php", "/main.php", "/default.asp"}
)


def _front_links(doc: html.HtmlElement, url: str) -> list:
    """The links to the site's front page, relative or absolute. lxml's tag walk with a set
    look-up per link: a third of the time of one XPath comparing every @href in libxml2."""
    fronts = _FRONTS
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        host = parts.netloc
        fronts = fronts | {
            f"http://{host}/", f"https://{host}/", f"http://{host}", f"https://{host}", f"//{host}/"
        }  # fmt: skip
    return [a for a in doc.iter("a") if a.get("href") in fronts]


def declared_site_names(metas: dict, ld: dict) -> frozenset[str]:
    """What the page's metadata calls its site: og:site_name, application-name, the JSON-LD
    publisher."""
    found = {metas.get("og:site_name"), metas.get("application-name")}
    publisher = ld.get("publisher")
    if isinstance(publisher, dict):
        found.add(publisher.get("name"))
    return _names(found)


def site_names(doc: html.HtmlElement, metas: dict, ld: dict, url: str = "") -> frozenset[str]:
    """What the page calls its site: its metadata's names and the logo, a link to the front
    page whose image alt or text is a short name."""
    found: set = set()
    for a in _front_links(doc, url):
        for img in a.iter("img"):
            found.add(img.get("alt"))
        found.add(a.text_content())
    return declared_site_names(metas, ld) | _names(found)


def _names(found: set) -> frozenset[str]:
    names = {normalize(n) for n in found if isinstance(n, str)}
    return frozenset(n for n in names if 1 < len(n) <= 30)
