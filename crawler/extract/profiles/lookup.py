"""The generic rules' lookups by class, id, itemprop, rel and tag, from one walk of the page.

An XPath such as `//*[contains(concat(" ", normalize-space(@class), " "), " byline ")]` walks
the whole tree each time it runs, and the generic rules ask about twenty of them per page: on a
real-size page (140 KB, ~2,000 elements) that was more than half of the extraction time. Here
the page is walked once, on the first lookup, into dictionaries; every finder after that is a
few dictionary hits. A finder is called like a compiled XPath (`finder(doc)` returns the
matching elements in document order, or attribute values), so profile XPaths and generic
finders sit in the same priority lists (crawler/extract/profiles/base.py walks both).

The page must not change between lookups: extraction reads the parsed page and prunes only
copies of the body (crawler/extract/profiles/base.py).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from lxml import etree, html

_BODY_TEXT = etree.XPath("string(//body)")
_HANGUL = re.compile("[\uac00-\ud7a3]")


class PageIndex:
    """Elements by attribute value and by tag, each list in document order."""

    __slots__ = (
        "_found", "_hangul", "_tags", "_text", "_tokens", "classes", "doc", "ids", "props", "rels",
    )  # fmt: skip

    def __init__(self, doc: html.HtmlElement) -> None:
        classes: dict[str, list] = {}
        ids: dict[str, list] = {}
        props: dict[str, list] = {}
        rels: dict[str, list] = {}
        # Written out rather than looped over a table of names: this runs for every element
        # of every page, and the loop costs a third more. One call for the attribute names,
        # and a get only for those the element has.
        for pos, el in enumerate(doc.iter(etree.Element)):
            keys = el.keys()
            if not keys:
                continue
            get = el.get
            if "class" in keys and (value := get("class")):
                classes.setdefault(value, []).append((pos, el))
            if "id" in keys and (value := get("id")):
                ids.setdefault(value, []).append((pos, el))
            if "itemprop" in keys and (value := get("itemprop")):
                props.setdefault(value, []).append((pos, el))
            if "rel" in keys and (value := get("rel")):
                rels.setdefault(value, []).append((pos, el))
        self.doc = doc
        self.classes, self.ids, self.props, self.rels = classes, ids, props, rels
        self._tags: dict[str, list] = {}
        self._tokens: dict[str, list] | None = None
        self._text: str | None = None
        self._found: dict[tuple[str, ...], bool] = {}
        self._hangul: bool | None = None

    @property
    def text(self) -> str:
        """The text of the page's <body> (XPath's string value), read once."""
        if self._text is None:
            self._text = _BODY_TEXT(self.doc)
        return self._text

    @property
    def has_hangul(self) -> bool:
        """Whether the page's text holds a Hangul syllable (every byline and dateline hint word
        does: most pages in other languages stop at this one scan)."""
        if self._hangul is None:
            self._hangul = _HANGUL.search(self.text) is not None
        return self._hangul

    def mentions(self, words: tuple[str, ...]) -> bool:
        """Whether the page's text holds one of `words` (scanned once per page and word list:
        the byline and dateline fallbacks both ask)."""
        found = self._found.get(words)
        if found is None:
            text = self.text
            found = self._found[words] = any(w in text for w in words)
        return found

    def tag(self, name: str) -> list:
        """The elements of one tag, in document order."""
        found = self._tags.get(name)
        if found is None:
            found = self._tags[name] = list(self.doc.iter(name))
        return found

    @property
    def tokens(self) -> dict[str, list]:
        """Class tokens ("a b" is "a" and "b"), built from the distinct class strings."""
        if self._tokens is None:
            tokens: dict[str, list] = {}
            for value, found in self.classes.items():
                for token in set(value.split()):
                    tokens.setdefault(token, []).extend(found)
            self._tokens = tokens
        return self._tokens


# The last page indexed, per thread: extraction reads one page at a time. One slot, not a
# cache keyed weakly by document, because an index holds the page's elements, the root among
# them, and would keep its key alive for ever.
_LAST = threading.local()


def page_index(el: html.HtmlElement) -> PageIndex:
    """The index of the document `el` belongs to (built on the first lookup)."""
    last = getattr(_LAST, "doc", None)
    if el is last:  # nearly every call: the finders are called with the page itself
        return _LAST.index
    doc = el.getroottree().getroot()
    if last is not doc:
        _LAST.index = PageIndex(doc)
        _LAST.doc = doc
    return _LAST.index


def tagged(el: html.HtmlElement, name: str) -> Iterable[html.HtmlElement]:
    """`el.iter(name)`; from the page index when `el` is the page it holds, so that the rules
    that ask for the same tag (the JSON-LD scripts, four of them) walk the page once. Never
    indexes a page for this alone."""
    if el is getattr(_LAST, "doc", None):
        return _LAST.index.tag(name)
    return el.iter(name)


def _in_order(groups: Iterable[list]) -> list:
    """The elements of several (position, element) lists, once each, in document order."""
    merged = {pos: el for group in groups for pos, el in group}
    return [merged[pos] for pos in sorted(merged)]


class Finder:
    """What a finder is: `finder(doc)` -> matching elements (or strings) in document order."""

    source: str = ""  # the XPath a profile wrote, when the finder was compiled from one

    def __call__(self, doc: html.HtmlElement) -> list:
        return self.find(page_index(doc))

    def find(self, index: PageIndex) -> list:
        raise NotImplementedError


class ByClass(Finder):
    """Elements whose @class has one of `words` as a whole token (optionally of `tags`)."""

    def __init__(self, *words: str, tags: tuple[str, ...] = ()) -> None:
        self.words, self.tags = words, frozenset(tags)

    def find(self, index: PageIndex) -> list:
        tokens = index.tokens
        found = _in_order(tokens[w] for w in self.words if w in tokens)
        return [el for el in found if el.tag in self.tags] if self.tags else found


class ClassContains(Finder):
    """Elements whose @class (or @id) contains one of the words anywhere, as XPath's
    `contains(@class, "info")` does: "article-info" and "infomation" both match "info"."""

    def __init__(
        self, classes: tuple[str, ...], ids: tuple[str, ...] = (), tags: tuple[str, ...] = ()
    ) -> None:
        self.classes, self.ids, self.tags = classes, ids, frozenset(tags)
        # One alternation per list, searched once per distinct value: `any(w in value ...)`
        # ran a generator per value, a third of the finder's time. A single word (most rules,
        # compile_rule's) is `in` instead, cheaper than a call of the regex.
        self._rules = tuple(
            (
                words[0] if len(words) == 1 else None,
                re.compile("|".join(map(re.escape, words))).search,
                attr,
            )
            for words, attr in ((classes, "classes"), (ids, "ids"))
            if words
        )

    def find(self, index: PageIndex) -> list:
        groups: list[list] = []
        for word, search, attr in self._rules:
            table = getattr(index, attr)
            if word is not None:
                groups += [found for value, found in table.items() if word in value]
            else:
                groups += [found for value, found in table.items() if search(value)]
        found = _in_order(groups)
        return [el for el in found if el.tag in self.tags] if self.tags else found


class ByAttr(Finder):
    """Elements whose `attr` (id, itemprop or rel) is exactly one of `values`; with `value_of`,
    that attribute's values instead of the elements (XPath's `.../@content`)."""

    def __init__(self, attr: str, *values: str, value_of: str | None = None) -> None:
        self.attr, self.values, self.value_of = attr, values, value_of

    def find(self, index: PageIndex) -> list:
        table = {"id": index.ids, "itemprop": index.props, "rel": index.rels}[self.attr]
        found = _in_order(table[v] for v in self.values if v in table)
        if self.value_of is None:
            return found
        return [v for v in (el.get(self.value_of) for el in found) if v is not None]


class ByTag(Finder):
    """Elements of one of the indexed tags, optionally only those inside an `inside` element;
    with `value_of`, an attribute's values instead (XPath's `//time/@datetime`)."""

    def __init__(self, tag: str, inside: str | None = None, value_of: str | None = None) -> None:
        self.tag, self.inside, self.value_of = tag, inside, value_of

    def find(self, index: PageIndex) -> list:
        found = index.tag(self.tag)
        if self.inside:
            found = [el for el in found if any(a.tag == self.inside for a in el.iterancestors())]
        if self.value_of is None:
            return found
        return [v for v in (el.get(self.value_of) for el in found) if v is not None]


def _next_element(el: html.HtmlElement) -> html.HtmlElement | None:
    nxt = el.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    return nxt


class NextSibling(Finder):
    """The element right after each `anchor` match (XPath's `following-sibling::*[1]`) that is
    one of `tags`, holds no link, and whose class contains one of `classes` (or whose tag is
    one of `tags_without_class`): where an unknown layout prints its deck."""

    def __init__(
        self,
        anchor: Finder,
        tags: tuple[str, ...],
        classes: tuple[str, ...],
        tags_without_class: tuple[str, ...] = (),
    ) -> None:
        self.anchor, self.tags, self.classes = anchor, frozenset(tags), classes
        self.plain = frozenset(tags_without_class)

    def find(self, index: PageIndex) -> list:
        out = []
        for el in self.anchor.find(index):
            nxt = _next_element(el)
            if nxt is None or nxt.tag not in self.tags or nxt.find(".//a") is not None:
                continue
            cls = nxt.get("class") or ""
            if nxt.tag in self.plain or any(w in cls for w in self.classes):
                out.append(nxt)
        return out


class Having(Finder):
    """The matches of `finder` that hold an element of one of `tags` beneath them."""

    def __init__(self, finder: Finder, *tags: str) -> None:
        self.finder, self.paths = finder, tuple(f".//{t}" for t in tags)

    def find(self, index: PageIndex) -> list:
        return [
            el for el in self.finder.find(index) if any(el.find(p) is not None for p in self.paths)
        ]


# XPaths of the two shapes nearly every profile rule has, read as finders; anything else stays
# an XPath. `//div[contains(@class,"entry-content")]`, `//*[@id="articleBody"]`.
_CLASS_XPATH = re.compile(r'^//(\*|[a-z][a-z0-9]*)\[contains\(@class,\s*"([^"]+)"\)\]$')
_ID_XPATH = re.compile(r'^//\*\[@id="([^"]+)"\]$')


def compile_rule(expr: str) -> Finder | etree.XPath:
    """A profile's rule as a finder when it has one of the common shapes, else an XPath."""
    finder: Finder
    if m := _CLASS_XPATH.match(expr):
        tag, word = m.groups()
        finder = ClassContains((word,), tags=() if tag == "*" else (tag,))
    elif m := _ID_XPATH.match(expr):
        finder = ByAttr("id", m.group(1))
    else:
        return etree.XPath(expr)
    finder.source = expr
    return finder
