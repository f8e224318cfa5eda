"""The headline and the author as the page shows them (`Profile.headline`, `Profile.author`).

The headline: a family's own heading, else a visible heading the declared title (<title>,
og:title, JSON-LD) agrees with, else the declared title without what the CMS glues around it
(crawler.extract.titles); never the site's name. The author: the reporter a byline names;
a meta or JSON-LD author only when it is a person, not the site, a desk or an organisation.
What the site may teach later (crawler/store/learned.py) rides along in `clues`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree, html

from crawler.extract import bylines, titles
from crawler.extract.profiles import generic, hints, meta
from crawler.extract.profiles.readers import first_text, signature_lines, spaced_text
from crawler.extract.text import normalize

CLUES = "site_clues"  # the article key that carries what the site may teach
_MAILTO = etree.XPath('.//a[starts-with(@href,"mailto:")]/@href')  # compiled once, not per call


class Title(NamedTuple):
    text: str | None
    declared: str | None  # <title>/og:title/JSON-LD as the page declares it
    visible: bool  # read from a heading the page shows (never stripped by learned affixes)


class Names:
    """The site's names on this page (crawler.extract.profiles.meta.site_names), read once
    and only when a rule asks: the logo scan walks the page's links."""

    def __init__(self, doc: html.HtmlElement, metas: dict, ld: dict, url: str = "") -> None:
        self._args = (doc, metas, ld, url)
        self._names: frozenset[str] | None = None
        self.declared = meta.declared_site_names(metas, ld)  # no walk of the page

    def __call__(self) -> frozenset[str]:
        if self._names is None:
            self._names = meta.site_names(*self._args)
        return self._names


def find_title(
    doc: html.HtmlElement,
    own: tuple[etree.XPath, ...],
    metas: dict,
    ld: dict,
    body_el: html.HtmlElement | None = None,
    names: Names | None = None,
) -> Title:
    declared = meta.declared_title(doc, metas, ld)
    names = names or Names(doc, metas, ld)
    visible = first_text(doc, own)
    if visible:
        return Title(visible, declared, True)
    # A generic guess (an <h1>, a "headline" class) counts only when the page's own metadata
    # agrees: the first <h1> of an unknown layout is as often the logo as the headline.
    head = titles.headline_of(declared, names.declared) if declared else None
    # A <title> that is only the site's name (legacy sites) says nothing: the heading wins.
    if declared and not titles.has_separator(declared) and declared in names():
        declared = None
    for xp in generic.TITLE:
        for el in xp(doc):
            text = normalize(el.text_content())
            if not text:
                continue
            if declared is None:
                if text not in names.declared:
                    return Title(text, None, True)
            # "사이트 - 제목" and the logo's <h1> "사이트": the head part is not always it.
            elif titles.agrees(text, declared, names.declared, head) and (
                text == head or text != titles.head_part(declared) or text not in names()
            ):
                return Title(text, declared, True)
    if declared:
        in_page = hints.title_in_page(doc, declared, names())
        if in_page:
            return Title(in_page, declared, True)
    before = hints.heading_before(doc, body_el) if body_el is not None else None
    if before and before not in names() and before != declared:
        return Title(before, declared, True)
    if declared:
        head = titles.headline_of(declared, names())
        if head and head not in names():
            return Title(head, declared, False)
    opening = hints.heading_opening(body_el) if body_el is not None else None
    if opening and opening not in names():
        return Title(opening, declared, True)
    return Title(None, declared, False)  # no headline: the verdict says no_title


class Authors(NamedTuple):
    name: str | None
    email: str | None
    account: str | None  # the name came from meta/JSON-LD: maybe an account on every page
    byline: tuple[str | None, str | None]  # what the page's own byline says, when `account`


_BARE_NAME = re.compile(r"[가-힣]{2,4}")


def _meta_author(raw: str, names: Names) -> tuple[str | None, str | None]:
    found = bylines.parse_byline(raw)
    # A bare "홍길동" in meta has no role word for the byline parser to anchor on.
    name = found.name or (raw if _BARE_NAME.fullmatch(raw) else None)
    if name and (bylines.is_desk(name) or raw in names.declared or name in names.declared):
        name = None  # the site, a desk or an organisation signs: no reporter
    return name, found.email


def _hinted(doc: html.HtmlElement) -> tuple[str | None, str | None]:
    line = next(
        (t for t in hints.short_texts(doc, hints.BYLINE_HINT) if bylines.is_byline_line(t)),
        None,
    )
    return tuple(bylines.parse_byline(line)) if line is not None else (None, None)  # type: ignore[return-value]


def find_author(
    doc: html.HtmlElement,
    own: tuple[etree.XPath, ...],
    metas: dict,
    ld: dict,
    names: Names | None = None,
) -> Authors:
    names = names or Names(doc, metas, ld)
    name = email = account = None
    for xp in own + generic.BYLINE:
        for el in signature_lines(doc, (xp,)):
            found = bylines.parse_byline(spaced_text(el))
            name, email = name or found.name, email or found.email
            if email is None and not isinstance(el, str):
                mail = _MAILTO(el)
                email = mail[0].removeprefix("mailto:") if mail else None
        if name:
            break
    if not name:
        for raw in (meta.ld_author(ld), *(metas.get(k) for k in generic.META_AUTHOR)):
            if raw:
                name, mail = _meta_author(normalize(raw), names)
                email = email or mail
                if name:
                    account = name
                    break
    if not name:
        hinted = _hinted(doc)
        name, email = hinted[0], email or hinted[1]
    # An account's page may sign in its text: Profile.extract reads the body's edges for it.
    return Authors(name, email or meta.ld_author_email(ld), account, (None, None))
