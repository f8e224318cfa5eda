"""How a profile's rule lists are read: the first text, date or signature line they select,
the generator meta, and whether a visible heading is the declared headline."""

from __future__ import annotations

from collections.abc import Collection

from lxml import etree, html

from crawler.extract import dates, titles
from crawler.extract.profiles import hints
from crawler.extract.text import normalize


def first_text(doc: html.HtmlElement, exprs: tuple[etree.XPath, ...]) -> str | None:
    for xp in exprs:
        for el in xp(doc):
            text = normalize(el if isinstance(el, str) else el.text_content())
            if text:
                return text
    return None


def first_date(metas: dict, keys: tuple[str, ...]) -> str | None:
    return next((d for d in (dates.parse_date(metas.get(k)) for k in keys) if d), None)


def spaced_text(el) -> str:
    """Text of a byline/dateline element; its parts are often adjacent <span>s with no space."""
    return normalize(el if isinstance(el, str) else " ".join(el.itertext()))


MAX_SIGNATURE = 400  # characters: an "info" element longer than this is a container, not a line


def signature_lines(doc, exprs: tuple[etree.XPath, ...]):
    """What byline/dateline XPaths select, without the whole-page containers that a loose
    class word ("info", "date") also matches."""
    for xp in exprs:
        for el in xp(doc):
            if isinstance(el, str) or hints.STRING_LENGTH(el) <= MAX_SIGNATURE:
                yield el


def generator_meta(doc: html.HtmlElement) -> str:
    """The page's <meta name="generator"> contents (lxml's tag-filtered walk runs in C, where
    the XPath with translate() took a fifth of a millisecond a page)."""
    return " ".join(
        el.get("content") or ""
        for el in doc.iter("meta")
        if (el.get("name") or "").lower() == "generator"
    )


def title_agrees(text: str, declared: str, names: Collection[str] = ()) -> bool:
    """The visible heading is the headline that <title>/og:title declare, not the site name
    they glue on ("제목 - 뉴스 - 김포미래신문" and the logo's <h1> "김포미래신문"):
    crawler.extract.titles.agrees."""
    return titles.agrees(text, declared, names)


# A deck is a line or two under the headline: longer, or holding links, it is something else
# (a teaser list, a summary box).
DECK_MAX = 300


def deck_text(doc: html.HtmlElement, exprs: Collection) -> str | None:
    """The first deck the rules select: its lines as the page breaks them with <br>, each
    normalised, joined by "\\n"; an element holding a link, or longer than DECK_MAX, is not one."""
    for xp in exprs:
        for el in xp(doc):
            if isinstance(el, str) or el.find(".//a") is not None:
                continue
            lines = [normalize(line) for line in _broken_text(el).split("\n")]
            text = "\n".join(line for line in lines if line)
            if 6 <= len(text) <= DECK_MAX:  # not a kicker ("ICON", "포토")
                return text
    return None


def _broken_text(el: html.HtmlElement) -> str:
    parts = [el.text or ""]
    for child in el:
        if child.tag == "br":
            parts.append("\n")
        elif isinstance(child.tag, str):
            parts.append(_broken_text(child).replace("\n", " "))
        parts.append(child.tail or "")
    return "".join(parts)
