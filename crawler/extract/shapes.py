"""The shape of a page, for the article verdict (crawler/extract/verdict.py): runs of teasers,
and what the page's JSON-LD says it is.

A teaser run is what a list page is made of, whatever the CMS: sibling items (`<li>`, `<tr>`,
`<div>`, `<article>`, …) of the same tag and class, each opening with a link of its own that
stands alone as a line (a headline, a thumbnail; not a word linked inside a sentence), the
links going to distinct URLs of one shape (`/article/2024…`, `board.php?bo_table=…&wr_id=…`),
with a teaser, a date or a name beside them. A table layout that spends two or three rows on
one teaser (the headline row, the lead row, a rule) is a run too when its linked rows come at a
regular step. A story's related-articles box is a run as well; what makes a page a list is that
its extracted body is made of runs (`teaser_share`), not that it has one.
"""

from __future__ import annotations

import re
from itertools import pairwise
from urllib.parse import urljoin

from lxml import etree, html

from crawler.extract.profiles import meta
from crawler.extract.text import normalize

MIN_RUN = 4  # teasers: fewer siblings than this are a pair of links, not a list
MAX_TEASER = 500  # characters (without spaces) of a teaser: headline, lead, date, name
_ITEM_TAGS = frozenset({"li", "tr", "div", "article", "dl", "section", "dd", "td", "p"})
_BLOCK_TAGS = frozenset(
    {"div", "li", "td", "th", "dd", "dt", "p", "article", "section", "header", "footer", "tr"}
)
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "dt"})
_LOOSE_BESIDE = 20  # characters of text beside a link in its own line: a bullet, a date
_MIN_HEADLINE = 6  # characters of a headline link
_MIN_BLOCK = 10  # characters of a body block worth looking up in the runs
# Elements with at least MIN_RUN children of one tag holding a link: where runs can be.
_SAMPLE = 4  # the body's longest blocks that are looked up in the page
_MAX_HITS = 40  # text nodes holding their words that are read: a common word is everywhere
# Text nodes holding a word: a walk of the page inside libxml2.
_CONTAINS = etree.XPath("//body//text()[contains(., $word)]")
_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_LD_LISTS = ("CollectionPage", "ItemList", "SearchResultsPage")


def _key(text: str) -> str:
    """Text compared without its whitespace: a body's blocks are joined and split otherwise."""
    return _SPACE.sub("", normalize(text))


def _href(link: html.HtmlElement) -> str | None:
    href = (link.get("href") or "").strip().split("#", 1)[0]
    if not href or href.startswith(("javascript:", "mailto:", "tel:")):
        return None
    return href


def _shape(href: str) -> tuple:
    """A link's shape: its path depth, first folder and query keys (not their values)."""
    path, _, query = href.partition("?")
    segments = [s for s in path.split("/") if s]
    keys = tuple(sorted({k.partition("=")[0].lower() for k in query.split("&") if k} - {"page"}))
    return len(segments), segments[0] if len(segments) > 1 else "", keys


def _stands_alone(link: html.HtmlElement) -> bool:
    """The link is a line of its own (a headline, a thumbnail), not a word inside a sentence."""
    if link.find(".//img") is not None:
        return True
    node = link
    for _ in range(3):  # <li><strong><a>…</a></strong> 06-21</li>
        parent = node.getparent()
        if parent is None:
            return False
        if parent.tag in _HEADING_TAGS:
            return True
        beside = (parent.text or "") + "".join(
            (child.tail or "") for child in parent if isinstance(child.tag, str)
        )
        if len(beside) > _LOOSE_BESIDE and len(_SPACE.sub("", beside)) > _LOOSE_BESIDE:
            return False
        if parent.tag in _BLOCK_TAGS:
            return True
        node = parent
    return True


def _lead_link(item: html.HtmlElement) -> str | None:
    """Where a teaser-sized item's first link goes, if the item opens with it standing alone
    and its text (a headline) is more than a letter or two."""
    text = item.text_content()
    if len(text) > 3 * MAX_TEASER:
        return None  # a section of the page, a comment, a whole story: not a teaser
    for link in item.iter("a"):
        href = _href(link)
        if href is None:
            continue
        words = link.text_content().strip()
        if words:
            if len(words) < _MIN_HEADLINE and link.find(".//img") is None:
                return None  # a menu letter, a page number, "더보기"
            before = text.find(words[:20])
            if before > _LOOSE_BESIDE and len(_SPACE.sub("", text[:before])) > 2 * _LOOSE_BESIDE:
                return None  # the item opens with something else
        return href if _stands_alone(link) else None
    return None


def _signature(el: html.HtmlElement) -> tuple[str, str]:
    words = [w for w in (el.get("class") or "").split() if not _DIGIT.search(w)]
    return el.tag, words[0] if words else ""


def _run_in(items: list[html.HtmlElement], page: str) -> list[html.HtmlElement]:
    leads = [_lead_link(item) for item in items]
    linked = [i for i, href in enumerate(leads) if href is not None]
    if len(linked) < MIN_RUN:
        return []
    hrefs = [leads[i] or "" for i in linked]
    if len(set(hrefs)) < 0.8 * len(hrefs):
        return []  # the same few links over and over: tabs, a calendar
    shapes: dict[tuple, int] = {}
    for href in hrefs:
        shape = _shape(href)
        shapes[shape] = shapes.get(shape, 0) + 1
    if max(shapes.values()) < 0.6 * len(hrefs):
        return []  # links of all kinds: a menu, a footer
    steps = {b - a for a, b in pairwise(linked)}
    if len(linked) >= 0.8 * len(items):
        chosen = [items[i] for i in linked]
    elif len(steps) == 1 and (step := steps.pop()) <= 4:
        # a teaser spread over `step` rows: the linked row and the rows up to the next one
        chosen = items[linked[0] : linked[-1] + step]
    else:
        return []
    # The page itself in a "latest" box beside it is not a teaser of another page.
    return [item for item in chosen if _absolute(page, _lead_link(item)) != page]


def _absolute(page: str, href: str | None) -> str | None:
    try:
        return urljoin(page, href) if href else None
    except ValueError:
        return None


Runs = dict[int, dict[int, list[html.HtmlElement]]]


def _run_of(item: html.HtmlElement, page: str, seen: Runs) -> list[html.HtmlElement]:
    """The run of teasers that `item`, or one of its few teaser-sized ancestors, is one of."""
    node: html.HtmlElement | None = item
    for _ in range(8):
        if node is None or len(node.text_content()) > 3 * MAX_TEASER:
            return []
        parent = node.getparent()
        if parent is None:
            return []
        if id(parent) not in seen:
            runs: dict[int, list[html.HtmlElement]] = {}
            seen[id(parent)] = runs
            groups: dict[tuple[str, str], list[html.HtmlElement]] = {}
            for child in parent:
                if isinstance(child.tag, str) and child.tag in _ITEM_TAGS:
                    groups.setdefault(_signature(child), []).append(child)
            for items in groups.values():
                if len(items) >= MIN_RUN:
                    run = _run_in(items, page)
                    runs.update((id(el), run) for el in run)
        if id(node) in seen[id(parent)]:
            return seen[id(parent)][id(node)]
        node = parent
    return []


def _longest_word(block: str) -> str:
    return max(block.split(), key=len, default="")


def _holds(el: html.HtmlElement, block: str) -> bool:
    """Whether the element holds the whole block: its length, its first and last words (a
    body's block is cut from its element)."""
    inner = el.text_content()
    words = block.split()
    return len(inner) >= len(block) - len(words) and words[0] in inner and words[-1] in inner


def _block_element(text, block: str) -> html.HtmlElement | None:
    """The element around a text node that holds the whole block, if one near does."""
    el = text.getparent()
    for _ in range(4):
        if el is None or _holds(el, block):
            return el
        el = el.getparent()
    return None


def teaser_share(
    doc: html.HtmlElement, url: str, paragraphs: list[str], at_least: float = 0.0
) -> float:
    """The share of the body's longest blocks that sit in one run of teasers: the longest is
    found on the page by its longest word (one search inside libxml2), the run around it
    read, and the other blocks looked up in its teasers. 0 when fewer than two teasers hold
    them (one, for a body of one block): a box beside a story may repeat a block of it. 0 too,
    without reading the page, when the share cannot reach `at_least`: no teaser holds a block
    over MAX_TEASER characters."""
    blocks = sorted((p for p in paragraphs if len(p) >= _MIN_BLOCK), key=len, reverse=True)
    sample = [(b, _longest_word(b)) for b in blocks[:_SAMPLE]]
    sampled = sum(len(b) for b, _w in sample)
    if not sampled or sum(len(b) for b, _w in sample if len(b) <= MAX_TEASER) < at_least * sampled:
        return 0.0
    sample = [(b, w) for b, w in sample if len(b) <= MAX_TEASER]
    longest, word = sample[0]
    if len(word) < 2:
        return 0.0
    page, seen = url.split("#", 1)[0], Runs()  # parent id -> {item id: its run}
    run: list[html.HtmlElement] = []
    for text in _CONTAINS(doc, word=word)[:_MAX_HITS]:
        el = _block_element(text, longest)
        run = _run_of(el, page, seen) if el is not None else []
        if run:
            break
    # The other blocks, looked up in the same run: a list is one run of teasers.
    teasers = {id(item) for block, _w in sample for item in run if _holds(item, block)}
    inside = sum(len(b) for b, _w in sample if any(_holds(item, b) for item in run))
    if len(teasers) < min(2, len(blocks)):
        return 0.0
    return inside / sampled


def ld_collection(doc: html.HtmlElement) -> bool:
    """The page's JSON-LD calls it a collection (CollectionPage, ItemList, search results)."""
    return any(meta.has_ld_type(f'"{kind}"')(doc) for kind in _LD_LISTS)
