"""Machine-readable metadata a page carries: JSON-LD NewsArticle, Open Graph, article:*, <meta>.

Profiles read these first (STYLE.md, on Fundus) because they survive redesigns; what the
visible markup says comes second.
"""

from __future__ import annotations

import json

from lxml import etree, html

from crawler.extract.text import normalize

_META = etree.XPath("//meta[@content]")
_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting",
                  "AnalysisNewsArticle", "OpinionNewsArticle", "WebPage"}  # fmt: skip


def _ld_texts(doc: html.HtmlElement) -> list[str]:
    """The JSON-LD scripts' texts (lxml's tag walk runs in C, a whole-tree XPath did not)."""
    return [
        el.text for el in doc.iter("script") if el.get("type") == "application/ld+json" and el.text
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
    author = _first_author(node)
    if isinstance(author, dict):
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
    """A headline without the site name that <title> and og:title glue on."""
    title = normalize(title)
    if site_name:
        for sep in (" - ", " | ", " :: ", " : ", " – ", " — "):
            if title.endswith(sep + site_name):
                return title[: -len(sep + site_name)].strip()
    return title
