"""The generic fallback: rules as data for layouts no profile knows (STYLE.md, on trafilatura).

Every list is priority-ordered; `crawler/extract/profiles/base.py` walks them after a profile's own
XPaths. `best_body` is the only algorithm here: when no body XPath matches, the element holding
the most Hangul prose (not link text, not inside boilerplate) is the article.

Why not trafilatura as the fallback: bench/extract.py measures both on the fixtures' unknown
layouts; these rules match or beat its body F1 there and run several times faster, and they
keep captions out of the body, which trafilatura's text output does not separate.
"""

from __future__ import annotations

from lxml import etree, html

from crawler.extract import boilerplate
from crawler.extract.profiles import density
from crawler.extract.profiles.hints import STRING_LENGTH
from crawler.extract.profiles.lookup import (
    ByAttr,
    ByClass,
    ByTag,
    ClassContains,
    Having,
    NextSibling,
)
from crawler.extract.text import normalize

_X = etree.XPath


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
    ByAttr("itemprop", "headline"),
    ByClass(*TITLE_CLASSES, tags=("h1",)),
    ByClass(*TITLE_CLASSES, tags=("h2",)),
    ByTag("h1", inside="article"),
    ByClass(*HEADLINE_CLASSES),
    ByTag("h1"),
    ByTag("h2"),
)
SUBTITLE = (ByClass(*SUBTITLE_CLASSES),)
# A deck class with a template's prefix or suffix ("read_sub_title", "art_subtitle",
# "sub_title_top"), on the blocks a deck is printed in.
SUBTITLE_LIKE = (
    ClassContains(
        ("sub_title", "subtitle", "sub-title"),
        tags=("td", "div", "p", "h2", "h3", "h4", "span", "strong", "em"),
    ),
)
# Where an unknown layout prints its deck: right after the headline, a short heading or a
# paragraph whose class says "sub" or "deck" ("Headline_sub__R2m", "bo_v_sub", "post-deck").
_DECK_WORDS = ("sub", "deck")
DECK_AFTER_HEADLINE = (
    NextSibling(ByTag("h1"), ("h2", "h3", "p", "div"), _DECK_WORDS, tags_without_class=("h2",)),
    NextSibling(Having(ByTag("header"), "h1", "h2"), ("p", "div", "h3"), _DECK_WORDS),
)
BYLINE = (
    ByAttr("itemprop", "author"),
    ByAttr("rel", "author"),
    ByClass(*BYLINE_CLASSES),
    ClassContains(("info", "byline"), ids=("info",)),
)
DATELINE = (
    ByTag("time", value_of="datetime"),
    ByAttr("itemprop", "datePublished", value_of="content"),
    ByClass(*DATE_CLASSES),
    ClassContains(("date", "info"), ids=("date", "info")),
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
    "read_body", "art_body", "cont_view",
)  # fmt: skip
BODY_IDS = (
    "article-view-content-div", "articleBody", "article_body", "articleText", "news_body_area",
    "textBody", "CmAdContent",
)  # fmt: skip
BODY = (ByAttr("itemprop", "articleBody"), ByAttr("id", *BODY_IDS), ByClass(*BODY_CLASSES))
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


# A named body with this much text is the body: the density walk that would only confirm it
# is spared (a third of an extraction on a real-size page).
SURE_BODY = 1500


def best_body(doc: html.HtmlElement, named_first: tuple = ()) -> density.Body | None:
    """The body a profile's XPaths (`named_first`) or the generic ones name, unless text
    density finds far more prose elsewhere (crawler/extract/profiles/density.py)."""
    named = first_body(doc, named_first) or first_body(doc, BODY)
    prose = 0.0
    if named is not None:
        prose = visible_length(named.element) - _link_chars(named.element)
        if prose >= SURE_BODY:
            return named
    guess = density.best_body(doc)
    if named is None or guess is None:
        return named or guess
    # A class word names the body on most sites, but "entry-content" also names a gallery
    # widget, and itemprop="articleBody" sits on the first paragraph of some templates: the
    # named element wins unless far more prose stands elsewhere.
    return named if prose >= guess.prose / 2 else guess


_UNSEEN = ("script", "style", "template", "noscript")


def visible_length(el: html.HtmlElement) -> int:
    """The element's text length without what a browser does not show in it: Blogger writes
    the post into a <script type="text/template"> and a <noscript> inside its articleBody."""
    hidden = sum(len(s.text_content()) for s in el.iter(*_UNSEEN))
    return int(STRING_LENGTH(el)) - hidden


def _link_chars(el: html.HtmlElement) -> int:
    return sum(len(a.text_content()) for a in el.iter("a"))


# The lead ("Teaser", standfirst, intro) that many templates print between the headline and
# the body, outside the body's container: the article's first paragraph to a reader. Not the
# "sub"/"deck" classes, which name the subtitle (stored on its own, see `deck`).
LEAD = ClassContains(
    ("intro", "teaser", "summary", "excerpt", "standfirst", "abstract", "lead", "lede", "perex",
     "chapeau", "leader", "chapo", "einleitung", "Einleitung"),
)  # fmt: skip
_LEAD_NEVER = frozenset({"nav", "footer", "aside", "form", "a", "li", "button", "figcaption"})
MIN_LEAD, MAX_LEAD = 40, 1500  # characters (a Korean sentence is short)
_SENTENCE_END = (".", "!", "?", "…", '"', "“", "”", "»", "«", ")", ":")
LEAD_REACH = (
    9  # levels up from body and lead to where their branches meet (utility-class headers nest deep)
)


def _linked(el: html.HtmlElement) -> bool:
    """More than a word or two of the lead is link text: a teaser of another story."""
    return _link_chars(el) > 0.2 * len(el.text_content())


def lead_before(doc: html.HtmlElement, anchor: html.HtmlElement) -> html.HtmlElement | None:
    """The lead block right before the body `anchor`: an element whose class says intro or
    teaser, with one to a few sentences of prose and hardly a link, whose branch meets the
    body's within LEAD_REACH levels and comes before it."""
    found = None
    body_line = [anchor, *anchor.iterancestors()][: LEAD_REACH + 1]
    for el in LEAD(doc):
        if el.tag in _LEAD_NEVER:
            continue
        branch = [el, *el.iterancestors()]
        if anchor in branch or any(a.tag in _LEAD_NEVER for a in branch):
            continue  # inside the body already, or in a link or list of teasers
        meet = next((a for a in branch[1 : LEAD_REACH + 1] if a in body_line), None)
        if meet is None:
            continue
        mine = branch[branch.index(meet) - 1]
        theirs = body_line[body_line.index(meet) - 1] if meet is not anchor else None
        if theirs is None or meet.index(mine) > meet.index(theirs):
            continue  # after the body
        length = STRING_LENGTH(el)
        if not MIN_LEAD <= length <= MAX_LEAD or boilerplate.element_kind(el):
            continue
        found = el  # the last one before the body is the nearest
    if found is None:
        return None
    text = normalize(found.text_content())
    if len(text) < MIN_LEAD or not text.endswith(_SENTENCE_END) or _linked(found):
        return None
    return found


# A body XPath that matches an empty shell (a lazy-loaded container, a teaser slot) has missed.
MIN_BODY_TEXT = 50


def first_body(doc: html.HtmlElement, exprs: tuple[etree.XPath, ...]) -> density.Body | None:
    """The first element a body XPath selects that holds text."""
    for xp in exprs:
        for el in xp(doc):
            if visible_length(el) >= MIN_BODY_TEXT:
                return density.Body(el, el)
    return None
