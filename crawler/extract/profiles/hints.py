"""Short texts outside the body where an unknown layout puts its byline, its dateline and its
headline: read from the few elements around a hint word, never from a join of the whole page."""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from lxml import etree, html

from crawler.extract import boilerplate, bylines, dates, titles
from crawler.extract.profiles.lookup import page_index
from crawler.extract.text import normalize

_X = etree.XPath

_NEVER = frozenset({"nav", "header", "footer", "aside", "form", "script", "style", "noscript"})


def outside_furniture(el: html.HtmlElement) -> bool:
    """Not inside navigation, forms or a boilerplate block (checked upwards: cheap for the few
    elements that get here, where marking every excluded subtree of the page was not)."""
    for node in (el, *el.iterancestors()):
        if node.tag in _NEVER or boilerplate.element_kind(node):
            return False
    return True


_SHORT_TAGS = frozenset(
    {"td", "div", "span", "p", "li", "font", "em", "strong", "dd", "section", "time"}
)
_MAX_SHORT = 100  # a byline or dateline is one short line


class Hint(NamedTuple):
    words: tuple[str, ...]
    nodes: etree.XPath  # the text nodes holding one of the words


def _hint(*words: str) -> Hint:
    # A word that contains another adds nothing: "시민기자" is found by "기자".
    kept = tuple(sorted(w for w in set(words) if not any(o != w and o in w for o in words)))
    return Hint(kept, _X("//body//text()[" + " or ".join(f'contains(.,"{w}")' for w in kept) + "]"))


# Text nodes that may belong to a byline or a dateline: only their short ancestors are read, so
# the fallbacks cost a few elements of a page, not a join of every container's text.
BYLINE_HINT = _hint(*bylines.ROLES, "기자명", "글쓴이", "작성자")
DATELINE_HINT = _hint(*bylines.ROLES, *dates.LABEL_WORDS)
STRING_LENGTH = _X("string-length(.)")


def short_texts(doc: html.HtmlElement, hint: Hint = DATELINE_HINT):
    """Normalised texts of the short elements (one line, at most _MAX_SHORT characters) around
    the text nodes that `hint` selects, outside navigation and boilerplate, in page order:
    where an unknown layout hides its byline and dateline. The outermost short element wins,
    as a reader sees "홍길동 기자 | 2024.05.12" as one line."""
    index = page_index(doc)
    if not index.has_hangul or not index.mentions(hint.words):
        return  # a scan of the page's text spares the XPath on every page in other languages
    seen: set = set()
    for node in hint.nodes(doc):
        el = node.getparent()
        if el is None:
            continue
        if node.is_tail:
            el = el.getparent()
        best = None
        while el is not None and el.tag != "body":
            if el.tag in _SHORT_TAGS:
                if STRING_LENGTH(el) > 4 * _MAX_SHORT:
                    break
                text = normalize(" ".join(el.itertext()))
                if len(text) > _MAX_SHORT:
                    break
                best = (el, text)
            el = el.getparent()
        if best is None or best[0] in seen or len(best[1]) <= 2:
            continue
        seen.add(best[0])
        if outside_furniture(best[0]):
            yield best[1]


_CONTAINS = _X("//body//text()[contains(., $s)]")


def title_in_page(doc: html.HtmlElement, declared: str, names: Collection[str] = ()) -> str | None:
    """The headline of `declared` (og:title/<title>, affixes glued on) that the page also shows
    as one element's whole text: "제목 > 게시판 | 사이트" -> "제목", in the order of
    crawler.extract.titles.chains; never a run that is only the site's name."""
    for head in [h for h in titles.chains(declared) if len(h) > 5 and h not in names]:
        for node in _CONTAINS(doc, s=head[:12]):
            el = node.getparent()
            if node.is_tail and el is not None:
                el = el.getparent()
            for _ in range(4):
                if el is None or STRING_LENGTH(el) > 4 * len(head) + 200:
                    break
                if el.tag in _TITLE_TAGS and normalize(el.text_content()) == head:
                    return head
                el = el.getparent()
    return None


_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "b", "strong", "font"})


def is_signature(text: str) -> bool:
    return bylines.is_byline_line(text) or dates.has_date(text)


def heading_before(doc: html.HtmlElement, body: html.HtmlElement) -> str | None:
    """The last bold or heading text before the body, outside links and navigation: where a
    table layout with a useless <title> prints its headline."""
    found = None
    for el in doc.iter():
        if el is body:
            break
        if el.tag not in _HEADING_TAGS or STRING_LENGTH(el) > 600:
            continue
        text = normalize(el.text_content())
        if (
            8 <= len(text) <= 150
            and not el.findall(".//a")
            and not is_signature(text)
            and not any(a.tag == "a" for a in el.iterancestors())
            and outside_furniture(el)
        ):
            found = text
    return found


_OPENING_TAGS = frozenset({"h1", "h2", "h3", "h4", "p", "div"})
_EMPHASIS = ("b", "strong", "em", "font")


def heading_opening(body: html.HtmlElement) -> str | None:
    """A headline the body opens with (a magazine layout that prints it in the article's own
    block, under a logo-only <h1> and a site-name <title>): the body's first block, a heading or
    a paragraph wholly in bold or emphasis, short and no sentence, with more text after it."""
    for el in body.iter(*_OPENING_TAGS):
        if next(el.iterdescendants(*_OPENING_TAGS), None) is not None:
            continue  # a wrapper: its first block decides
        text = normalize(el.text_content())
        if len(text) < 8:
            continue  # empty, or a kicker ("ICON", "포토")
        emphatic = el.tag.startswith("h") or any(
            normalize(e.text_content()) == text for e in el.iter(*_EMPHASIS)
        )
        if (
            emphatic
            and 8 <= len(text) <= 150
            and not text.endswith((".", "다", "?", "!", ":"))
            and not el.findall(".//a")
            and not is_signature(text)
            and STRING_LENGTH(body) > 4 * len(text)
        ):
            return text
        return None
    return None


_TITLE_TAGS = frozenset({"h1", "h2", "h3", "h4", "strong", "b", "td", "div", "span", "p", "font"})
