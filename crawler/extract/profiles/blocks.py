"""From an article's body element to paragraphs and images.

A paragraph is what a browser shows as one: block elements and `<br>` end it, inline markup does
not. Legacy Korean CMSes put the whole article in one cell separated by `<br>`, modern ones use
`<p>`; both give the same list here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import urljoin

from lxml import etree, html

from crawler.extract import boilerplate
from crawler.extract.text import normalize, normalize_block

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "h1", "h2", "h3", "h4", "h5",
    "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th",
    "blockquote", "figure", "figcaption", "pre", "hr", "address", "center", "caption",
})  # fmt: skip
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_IMG_SRC = ("src", "data-src", "data-original", "data-lazy-src")
# Buttons, bullets and spacers that legacy editors leave inside the article cell.
_NOT_PHOTO = re.compile(r"(?:icon|btn|button|blank|spacer|bullet|arrow|logo)[^/]*$", re.IGNORECASE)
_MIN_PHOTO_PX = 60


def prune(
    root: html.HtmlElement, remove: Iterable[etree.XPath] = (), *, by_class: bool = True
) -> None:
    """Drop what is never article text under `root`: DOM_TAGS, boilerplate classes, hidden parts.

    `root` itself is kept whatever its class says: the profile chose it as the body.
    """
    doomed: list[html.HtmlElement] = []
    for xp in remove:
        doomed.extend(xp(root))
    total = -1  # characters under root, counted once a furniture word asks
    for el in root.iterdescendants():
        if not isinstance(el.tag, str):
            doomed.append(el)  # comments and processing instructions
        elif (
            el.tag in boilerplate.DOM_TAGS
            or _HIDDEN.search(el.get("style", ""))
            or by_class
            and (kind := boilerplate.element_kind(el))
            and not prose_despite(el, kind)
        ):
            doomed.append(el)
        elif by_class and (word := _furniture_word(el.get("class") or "", el.get("id") or "")):
            if total < 0:
                total = len(root.text_content())
            if _small_widget(el, word, total):
                doomed.append(el)
    for el in doomed:
        if el is not root and el.getparent() is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


@functools.lru_cache(maxsize=8192)
def _furniture_word(cls: str, ident: str) -> str | None:
    """The word of classwords.BODY_FURNITURE in an element's class and id ("author-box",
    "post-tags", "sharedaddy"), or None. Cached: a site repeats its classes on every page."""
    if not cls and not ident:
        return None
    # Imported here: classwords reads prose_despite from this module.
    from crawler.extract.profiles.classwords import BODY_FURNITURE

    found = BODY_FURNITURE.search(f"{cls} {ident}".lower())
    return found.group(0) if found else None


# Furniture words that some templates also put on a section of the story ("TestReport__
# Section--Ads", "content_body" with id "TOC_TITLE_2"): there, prose says it is text.
_LOOSE_WORDS = ("ad", "ads", "advert", "toc", "shar")
_MAX_WIDGET_SHARE = 0.3  # as classwords.MAX_FURNITURE_SHARE for an assembled body


def _small_widget(el: html.HtmlElement, word: str, total: int) -> bool:
    """True for a widget that themes nest in the named body container ("entry-content" holding
    an author box, a tag list, a share bar): the density walk's BODY_FURNITURE rule
    (assemble.py), for bodies that a class or id names. A small part of the body only."""
    if len(el.text_content()) >= _MAX_WIDGET_SHARE * total:
        return False
    return not (word.startswith(_LOOSE_WORDS) and prose_despite(el, boilerplate.AD))


def link_density(root: html.HtmlElement) -> float:
    """Share of the text under `root` that sits inside links."""
    total = len("".join(root.itertext()).split())
    linked = sum(len("".join(a.itertext()).split()) for a in root.iter("a"))
    return linked / total if total else 0.0


def _src(img: html.HtmlElement) -> str | None:
    for attr in _IMG_SRC:
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:"):
            return None if _NOT_PHOTO.search(value.split("?")[0]) else value
    return None


# Kinds whose class words some templates put on a section of the story itself
# ("TestReport__Section--Ads": a section that carries an ad slot, "article-util-wrap"): such an
# element holding paragraphs of prose, hardly linked, is text.
_LOOSE_KINDS = frozenset({boilerplate.AD, boilerplate.SHARE})
_MIN_PROSE = 200  # characters


def prose_despite(el: html.HtmlElement, kind: str) -> bool:
    """True when an element whose class words announce `kind` holds the story's prose."""
    if kind not in _LOOSE_KINDS or el.find(".//p") is None:
        return False
    return len(el.text_content().strip()) >= _MIN_PROSE and link_density(el) < 0.3


def _tiny(img: html.HtmlElement) -> bool:
    sizes = [img.get("width", ""), img.get("height", "")]
    return any(v.isdigit() and int(v) < _MIN_PHOTO_PX for v in sizes)


def take_images(
    root: html.HtmlElement, base_url: str, captions: Iterable[etree.XPath]
) -> list[dict]:
    """Images under `root` with their captions; caption elements are removed from the tree so
    that no caption reaches the paragraphs (DESIGN.md §4: captions live in `images` only)."""
    captions = tuple(captions)
    images: list[dict] = []
    seen: set[str] = set()
    used: list[html.HtmlElement] = []
    for img in root.iter("img"):
        src = _src(img)
        if not src or _tiny(img):
            continue
        url = urljoin(base_url, src)
        caption = None
        for xp in captions:
            found = [el for el in xp(img) if el not in used and not el.findall(".//img")]
            text = normalize(" ".join(el.text_content() for el in found))
            if text:
                caption = text
                used.extend(found)
                break
        if url not in seen:
            seen.add(url)
            images.append({"url": url, "caption": caption})
    # A caption whose image never loaded here (lazy <picture>, a script-set src) is still a
    # caption, not a paragraph.
    used.extend(_ORPHAN_CAPTIONS(root))
    for el in used:
        if el is not root and el.getparent() is not None:
            el.drop_tree()
    return images


_CAPTION_WORDS = ("caption", "legend", "bildunter", "imagedescription", "img-metadata")
_ORPHAN_CAPTIONS = etree.XPath(
    ".//figcaption | .//*["
    + " or ".join(f'contains(@class,"{w}")' for w in _CAPTION_WORDS)
    + "][not(.//p)]"
)


def _inside(el: html.HtmlElement, out: list[str]) -> None:
    """The text inside `el`, block elements on lines of their own."""
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            _flatten(child, out)
        elif child.tail:  # a comment or processing instruction: only its tail is text
            out.append(child.tail)


def _flatten(el: html.HtmlElement, out: list[str]) -> None:
    block = el.tag in BLOCK_TAGS
    if block or el.tag == "br":
        out.append("\n")
    _inside(el, out)
    if block:
        out.append("\n")
    if el.tail:
        out.append(el.tail)


def text_blocks(root: html.HtmlElement) -> list[str]:
    """The visible paragraphs under `root`, each normalised (the extract stage's one call)."""
    out: list[str] = []
    _inside(root, out)
    return [line for line in normalize_block("".join(out)).split("\n") if line]
