"""Class and id words that mark page furniture, for the density walk (density.py): what
the walk never enters, and how a word nudges a block's score."""

from __future__ import annotations

import functools
import re

from lxml import html

from crawler.extract import boilerplate
from crawler.extract.profiles import blocks

# Tags whose subtree is never article text.
SKIP_TAGS = frozenset({
    "script", "style", "iframe", "button", "input", "select", "textarea", "svg", "template",
    "object", "embed", "head", "title", "meta", "link", "canvas", "video", "audio", "map",
})  # fmt: skip
# Tags of page furniture, skipped on the first reading; broken pages put everything in an
# unclosed <header>, and some serve the article only inside <noscript>, hence the retry.
FURNITURE_TAGS = frozenset(
    {"nav", "aside", "footer", "header", "menu", "form", "noscript", "ins", "dialog"}
)
# Class and id words are matched lower-cased, by patterns compiled without re.IGNORECASE:
# Python's regex engine folds case per character and alternative, which made one search of
# UNLIKELY about 90 µs against 13 µs on the lower-cased string.
# Readability's "unlikely candidates": class/id words of page furniture, unless a content word
# is there too ("article-sidebar" is furniture, "main-content sidebar-left" may hold the text).
# Drupal's "field--label-hidden" hides a field's label, not the field (its text is the story).
UNLIKELY = re.compile(
    r"-ad-|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|foot|gdpr|"
    r"header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|"
    r"sponsor|supplemental|ad-break|agegate|pagination|pager|popup|cookie|consent|newsletter|"
    r"share|sharing|navbar|navigation|topbar|masthead|teaser|signup|login|subscribe|"
    r"recommend|trending|most-?read|modal|(?<![a-z])(?<!label-)hid(?:e|den)(?![a-z])|mfp-hide|"
    r"d-none|"
    r"sr-only|visually-hidden|screen-reader|offcanvas|off-canvas|lightbox"
)
MAYBE = re.compile(r"and|article|body|column|content|main|shadow|post|entry|story|text")
POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose|"
    r"news|view|read|detail|rte|richtext|markdown"
)
NEGATIVE = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|gdpr|"
    r"masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|"
    r"sponsor|shopping|tags|widget|byline|author|dateline|caption|teaser|card|list|thumb"
)
# Inside the chosen body, widgets that themes nest in the content container ("entry-content
# sharedaddy", "author-bio-content"): removed there even when a content word is in the class,
# as long as they hold a small part of the body's text.
BODY_FURNITURE = re.compile(
    r"author-?(?:bio|box|info|card|desc)|about-?(?:the-?)?author|saboxplugin|sharedaddy|"
    r"(?<![a-z])sd-|shar(?:e|ing)|shariff|social|ratings?(?![a-z])|post-?meta|entry-?meta|"
    r"postmetadata|below-entry|tag-?links|(?<![a-z])tags?(?![a-z])|crumb|wp-embed|"
    r"related|newsletter|subscri|promo|advert|(?<![a-z])ads?(?![a-z])|(?<![a-z])toc(?![a-z])|"
    r"comment|respond|pager|pagination|next-?post|prev-?post|recommend|teaser|cookie|consent|"
    r"borlabs|likes|donat|paywall|player-overlay|(?<![a-z])meta(?![a-z])|byline|dateline|"
    r"post-?author|autor(?:in)?(?:_|-|box|info|text|bio)|disclaimer|disclosure|intext-?links|"
    r"inline-?teaser|recipe-?(?:pin|print)|buy-?box"
)
MAX_FURNITURE_SHARE = 0.3
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def class_id(el: html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


_NEVER_BY_CLASS = frozenset({"body", "html", "article", "main"})


def is_skipped(el: html.HtmlElement, by_class: bool = True) -> bool:
    tag = el.tag
    if tag in SKIP_TAGS or (by_class and tag in FURNITURE_TAGS):
        return True
    # One call for the attribute names, and a get only for those the element has: a get
    # costs more than a look in that short list.
    keys = el.keys()
    if not keys:
        return False
    get = el.get
    if "hidden" in keys or ("aria-hidden" in keys and get("aria-hidden") == "true"):
        return True
    if "style" in keys and (style := get("style")) and _HIDDEN.search(style):
        return True
    if not by_class or tag in _NEVER_BY_CLASS:
        return False
    cls = get("class") if "class" in keys else None
    ident = get("id") if "id" in keys else None
    if not cls and not ident:
        return False
    kind = _furniture_words(cls or "", ident or "")
    return kind is not None and not blocks.prose_despite(el, kind)


# A layout's modifier classes say what the page around the article holds ("layout-container
# has-sidebar", "page with-comments", "no-header"): they name the wrapper, not furniture.
_MODIFIERS = re.compile(r"(?<![a-z0-9_-])(?:has|with|without|no)-[a-z0-9_-]+")


@functools.lru_cache(maxsize=8192)
def _furniture_words(cls: str, ident: str) -> str | None:
    """The furniture kind that class and id words announce ("unlikely" for Readability's
    words, else a boilerplate kind), or None. Cached: a page repeats its classes on every card
    of a list and a site on every page, and the regexes were a third of the walk."""
    words = _MODIFIERS.sub(" ", f"{cls} {ident}".lower())
    if UNLIKELY.search(words) and not MAYBE.search(words):
        return "unlikely"
    return boilerplate.words_kind(words)


def class_weight(el: html.HtmlElement) -> int:
    return _words_weight(el.get("class") or "", el.get("id") or "")


@functools.lru_cache(maxsize=8192)
def _words_weight(cls: str, ident: str) -> int:
    weight = 0
    for value in (cls.lower(), ident.lower()):
        if value:
            if NEGATIVE.search(value):
                weight -= 25
            if POSITIVE.search(value):
                weight += 25
    return weight
