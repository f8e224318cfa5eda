"""The generic fallback: rules as data for layouts no profile knows (STYLE.md, on trafilatura).

Every list is priority-ordered; `crawler/profiles/base.py` walks them after a profile's own
XPaths. `best_body` is the only algorithm here: when no body XPath matches, the element holding
the most Hangul prose (not link text, not inside boilerplate) is the article.

Why not trafilatura as the fallback: bench/extract.py measures both on the fixtures' unknown
layouts; these rules match or beat its body F1 there and run several times faster, and they
keep captions out of the body, which trafilatura's text output does not separate.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree, html

from crawler import boilerplate, bylines, dates
from crawler.text import normalize

_X = etree.XPath


def _cls(*words: str) -> str:
    """An XPath predicate: @class has one of `words` as a whole token. The plain substring test
    goes first because it is cheap and rejects nearly every element of a page."""
    loose = " or ".join(f'contains(@class,"{w}")' for w in words)
    exact = " or ".join(f'contains(concat(" ",normalize-space(@class)," ")," {w} ")' for w in words)
    return f"({loose}) and ({exact})"


# Class words, matched as whole tokens of @class.
TITLE_CLASSES = ("title", "headline", "subject", "tit", "article-title", "entry-title")
HEADLINE_CLASSES = (
    "headline", "article-title", "news-title", "news_title", "view-title", "view_title", "subject",
)  # fmt: skip
SUBTITLE_CLASSES = (
    "subtitle", "sub-title", "sub_title", "sub-headline", "subheadline", "subheading", "sub_tit",
    "entry-subtitle", "article-subtitle", "deck", "news_subtitle", "news-subtitle",
    "view_subtitle", "view_subtit", "View_SmTitle",
)  # fmt: skip
BYLINE_CLASSES = ("byline", "writer", "reporter", "author", "journalist", "name", "reporter-name")
DATE_CLASSES = (
    "date", "datetime", "time", "article-date", "published", "info", "byline", "view-info",
    "article-info", "infomation",
)  # fmt: skip

TITLE = (
    _X('//*[@itemprop="headline"]'),
    _X(f"//h1[{_cls(*TITLE_CLASSES)}]"),
    _X(f"//h2[{_cls(*TITLE_CLASSES)}]"),
    _X("//article//h1"),
    _X(f"//*[{_cls(*HEADLINE_CLASSES)}]"),
    _X("//h1"),
    _X("//h2"),
)
SUBTITLE = (_X(f"//*[{_cls(*SUBTITLE_CLASSES)}]"),)
BYLINE = (
    _X('//*[@itemprop="author"]'),
    _X('//*[@rel="author"]'),
    _X(f"//*[{_cls(*BYLINE_CLASSES)}]"),
    _X('//*[contains(@class,"info") or contains(@id,"info") or contains(@class,"byline")]'),
)
DATELINE = (
    _X("//time/@datetime"),
    _X('//*[@itemprop="datePublished"]/@content'),
    _X(f"//*[{_cls(*DATE_CLASSES)}]"),
    _X(
        '//*[contains(@class,"date") or contains(@id,"date") or contains(@class,"info") '
        'or contains(@id,"info")]'
    ),
)
META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "og:regdate", "datepublished",
    "pubdate", "publishdate", "publish-date", "article:published", "dc.date", "date",
    "sailthru.date", "parsely-pub-date",
)  # fmt: skip
META_UPDATED = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "dc.modified",
)
META_AUTHOR = ("article:author", "author", "dable:author", "byl", "dc.creator", "parsely-author")
BODY_CLASSES = (
    "article-body", "article_body", "articleBody", "news_body", "entry-content", "post-content",
    "td-post-content", "article-content", "article_content", "news-content", "view_content",
    "view-content", "read_body", "art_body", "cont_view",
)  # fmt: skip
BODY = (
    _X('//*[@itemprop="articleBody"]'),
    _X(
        '//*[@id="article-view-content-div" or @id="articleBody" or @id="article_body" '
        'or @id="articleText" or @id="news_body_area" or @id="textBody" or @id="CmAdContent"]'
    ),
    _X(f"//*[{_cls(*BODY_CLASSES)}]"),
)
# Removed inside any body, besides boilerplate.DOM_WORDS classes.
REMOVE = (
    _X('.//*[@role="navigation" or @role="complementary" or @aria-hidden="true"]'),
    _X(".//h1"),  # a headline repeated inside the body cell
)
# Relative to an <img>: where its caption sits, most specific first.
CAPTIONS = (
    _X("ancestor::figure[1]//figcaption"),
    _X('ancestor::*[contains(@class,"wp-caption")][1]//*[contains(@class,"wp-caption-text")]'),
    _X("ancestor::table[1][count(.//tr) <= 3]//td[not(.//img)][normalize-space()]"),
    _X(
        'ancestor::*[1]/following-sibling::*[1][contains(@class,"caption") or '
        'contains(@class,"cap") or contains(@class,"photo_text") or contains(@class,"img_desc")]'
    ),
    _X(
        'following-sibling::*[1][contains(@class,"caption") or contains(@class,"cap") or '
        'contains(@class,"photo_text") or contains(@class,"img_desc")]'
    ),
)

_PROSE = re.compile(r"[\uac00-\ud7a3]")
_INLINE = frozenset({"span", "font", "b", "strong", "i", "em", "a", "u", "small"})
_NEVER = frozenset({"nav", "header", "footer", "aside", "form", "script", "style", "noscript"})
_MIN_PROSE = 20  # Hangul syllables: a shorter string is a menu item, a label, a headline


def _excluded(doc: html.HtmlElement) -> set:
    out: set = set()
    for el in doc.iter():
        if el in out or not isinstance(el.tag, str):
            continue
        if el.tag in _NEVER or boilerplate.element_kind(el):
            out.update(el.iter())
    return out


def _prose(text: str | None) -> int:
    return len(_PROSE.findall(text or ""))


_SHORT_TAGS = ("td", "div", "span", "p", "li", "font", "em", "strong", "dd", "section", "time")
_MAX_SHORT = 100  # a byline or dateline is one short line


def short_texts(doc: html.HtmlElement):
    """Normalised texts of short elements outside navigation and boilerplate, in page order:
    where an unknown layout hides its byline and dateline."""
    skip = _excluded(doc)
    for el in doc.iter(*_SHORT_TAGS):
        if el in skip:
            continue
        text = normalize(" ".join(el.itertext()))
        if 2 < len(text) <= _MAX_SHORT:
            yield text


def title_in_page(doc: html.HtmlElement, declared: str) -> str | None:
    """The longest head of `declared` (og:title/<title>, site name glued on) that the page
    also shows as one element's whole text: "제목 - 신문" -> "제목"."""
    heads = [declared]
    for sep in (" - ", " | ", " < ", " :: ", " : ", " – ", " — ", " > "):
        heads += [declared.rsplit(sep, n)[0] for n in (1, 2) if sep in declared]
    texts = {normalize(el.text_content()) for el in doc.iter(*_TITLE_TAGS)}
    found = [h.strip() for h in heads if h.strip() in texts and len(h.strip()) > 5]
    return max(found, key=len) if found else None


_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "b", "strong", "font"})


def _is_signature(text: str) -> bool:
    return bylines.is_byline_line(text) or dates.has_date(text)


def heading_before(doc: html.HtmlElement, body: html.HtmlElement) -> str | None:
    """The last bold or heading text before the body, outside links and navigation: where a
    table layout with a useless <title> prints its headline."""
    skip = _excluded(doc)
    found = None
    for el in doc.iter():
        if el is body:
            break
        if (
            el.tag not in _HEADING_TAGS
            or el in skip
            or any(a.tag == "a" for a in el.iterancestors())
        ):
            continue
        text = normalize(el.text_content())
        if 8 <= len(text) <= 150 and not el.findall(".//a") and not _is_signature(text):
            found = text
    return found


_TITLE_TAGS = ("h1", "h2", "h3", "h4", "strong", "b", "td", "div", "span", "p", "font")


def best_body(doc: html.HtmlElement) -> html.HtmlElement | None:
    for xp in BODY:
        found = xp(doc)
        if found:
            return found[0]
    skip = _excluded(doc)
    scores: dict = defaultdict(float)
    for el in doc.iter():
        if not isinstance(el.tag, str) or el in skip:
            continue
        if el.tag == "p":
            links = sum(_prose(a.text_content()) for a in el.iter("a"))
            n, target = _prose(el.text_content()) - links, el.getparent()
        else:
            n = _prose(el.text) + sum(_prose(c.tail) for c in el)  # "<br>" style bodies
            target = el
            while target is not None and target.tag in _INLINE:
                target = target.getparent()
        if n < _MIN_PROSE or target is None:
            continue
        scores[target] += n
        parent = target.getparent()
        if parent is not None:
            scores[parent] += n / 2
    return max(scores, key=scores.get) if scores else None
