"""A CMS profile: a small declarative class of URL patterns, detection markers and XPaths.

Subclasses only set attributes (STYLE.md, on Fundus); `Profile.extract` walks them. Dates come
from JSON-LD and meta first (machine-readable, with seconds and zone) unless a profile's
`date_sources` says its family prints wrong ones; headline and byline come from what a reader
sees first, because metadata glues the site name on and holds "홍길동 기자" or a desk name; the
generic rules (crawler/extract/profiles/generic.py) fill in whatever a profile leaves out.
"""

from __future__ import annotations

import copy
import re
from typing import ClassVar

from lxml import etree, html

from crawler.extract import bylines, dates
from crawler.extract.profiles import (
    blocks,
    density,
    generic,
    hints,
    lookup,
    meta,
    naming,
    scriptdata,
)
from crawler.extract.profiles.readers import (
    deck_text,
    first_date,
    first_text,
    generator_meta,
    signature_lines,
    spaced_text,
)
from crawler.extract.text import normalize

XPath = etree.XPath


def xpaths(*exprs: str) -> tuple:
    """A profile's rules: XPath strings, the common shapes served from the page index
    (crawler/extract/profiles/lookup.py), so that a profile costs no whole-tree walks of its own."""
    return tuple(lookup.compile_rule(e) for e in exprs)


class Profile:
    name: ClassVar[str] = "generic"
    version: ClassVar[str] = ""  # date of the family's markup this profile reads, "2024-05"
    # URL classification, as regexes searched in the full URL.
    article_urls: ClassVar[tuple[str, ...]] = ()
    list_urls: ClassVar[tuple[str, ...]] = ()
    skip_urls: ClassVar[tuple[str, ...]] = ()
    # Detection: any generator regex or markup marker (a substring of the HTML) or XPath.
    generator: ClassVar[str | None] = None
    markers: ClassVar[tuple[str, ...]] = ()
    marker_xpaths: ClassVar[tuple[etree.XPath, ...]] = ()
    # Fields.
    title: ClassVar[tuple[etree.XPath, ...]] = ()
    subtitle: ClassVar[tuple[etree.XPath, ...]] = ()
    byline: ClassVar[tuple[etree.XPath, ...]] = ()
    dateline: ClassVar[tuple[etree.XPath, ...]] = ()
    section: ClassVar[tuple[etree.XPath, ...]] = ()
    body: ClassVar[tuple[etree.XPath, ...]] = ()
    # Whether a match of `body` is the body as it is (a family's own container), or only a
    # named candidate that text density may overrule (itemprop=articleBody, "entry-content").
    body_is_sure: ClassVar[bool] = True
    remove: ClassVar[tuple[etree.XPath, ...]] = ()  # inside the body, besides the generic rules
    captions: ClassVar[tuple[etree.XPath, ...]] = ()  # relative to an <img>
    # Which source wins for dates: a family whose meta times are wrong says ("visible", "meta").
    date_sources: ClassVar[tuple[str, ...]] = ("jsonld", "meta", "visible")

    # -- detection ---------------------------------------------------------------------------

    def __init__(self) -> None:
        # One alternation per kind: every link of every crawled page passes through here.
        self._url_rules = tuple(
            (kind, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))
            for kind, patterns in (
                ("skip", self.skip_urls),
                ("article", self.article_urls),
                ("list", self.list_urls),
            )
            if patterns
        )

    def url_kind(self, url: str) -> str | None:
        for kind, pattern in self._url_rules:
            if pattern.search(url):
                return kind
        return None

    def score(self, doc: html.HtmlElement, source: str, url: str, beat: int | None = None) -> int:
        """How surely this page is of this family: URL 2, generator 3, each marker 1.

        With `beat`, counting stops once the score can no longer exceed it, and what it returns
        then is at most `beat`: detection wants only the best family, and each marker that is
        not on the page is a scan of the whole source (most markers of most pages)."""
        points = 2 if self.url_kind(url) == "article" else 0
        if self.generator and re.search(self.generator, generator_meta(doc), re.IGNORECASE):
            points += 3
        left = len(self.markers) + len(self.marker_xpaths)  # points still to be had
        for marker in self.markers:
            if beat is not None and points + left <= beat:
                return points
            left -= 1
            points += marker in source
        for xp in self.marker_xpaths:
            if beat is not None and points + left <= beat:
                return points
            left -= 1
            points += 1 if xp(doc) else 0
        return points

    # -- extraction --------------------------------------------------------------------------

    def extract(self, doc: html.HtmlElement, url: str) -> dict:
        metas = meta.meta_values(doc)
        ld = meta.json_ld_article(doc)
        names = naming.Names(doc, metas, ld, url)
        published, updated = self.dates(doc, metas, ld)
        authors = self.author(doc, metas, ld, names)
        author, email = authors.name, authors.email
        body = self.body_element(doc)
        found = self.headline(doc, metas, ld, body.anchor if body else None, names)
        title = found.text
        subtitle = self.deck(doc, ld)
        images: list[dict] = []
        paragraphs: list[str] = []
        density = 0.0
        if body is not None:
            body_el = body.element
            if body_el is body.anchor:  # pruning must not change what other fields read
                body_el = copy.deepcopy(body_el)
            blocks.prune(body_el, self.remove + generic.REMOVE, by_class=body.by_class)
            density = blocks.link_density(
                body_el
            )  # a list of headlines? crawler.extract.verdict says
            images = blocks.take_images(body_el, url, self.captions + generic.CAPTIONS)
            paragraphs = blocks.text_blocks(body_el)
            lead = generic.lead_before(doc, body.anchor)
            if lead is not None:
                lines = blocks.text_blocks(lead)  # reads only: the page stays as it is
                if lines and not (paragraphs and lines[0] in paragraphs[0]) and lines[0] != title:
                    paragraphs[:0] = lines
                    # A lead the deck rules also took is the body's first paragraph, once.
                    subtitle = None if subtitle in lines else subtitle
        if author is None or email is None:
            author, email = self.byline_in_body(paragraphs, author, email)
        byline = authors.byline
        if authors.account and byline[0] is None:
            byline = self.byline_in_body(paragraphs, None, None)
            if byline[0] is None and paragraphs:  # "[김포=홍길동 기자] …" opens the text
                lead = paragraphs[0][
                    : len(paragraphs[0]) - len(bylines.strip_leading_byline(paragraphs[0]))
                ]
                found_lead = bylines.parse_byline(lead)
                byline = (found_lead.name, found_lead.email) if lead else byline
        return {
            "url": url,
            "title": title,
            # Some templates call the headline cell "sub_title" (the title of a sub page).
            "subtitle": subtitle if subtitle != title else None,
            "author": author,
            "author_email": email,
            "published": published,
            "updated": updated,
            "section": self.section_name(doc, metas, ld),
            "lang": "ko",
            "profile": self.name,
            "paragraphs": paragraphs,
            "images": images,
            "link_density": density,  # for crawler.extract.verdict; the extract stage pops it
            # What the site may teach (crawler/store/learned.py), read by the clean stage.
            naming.CLUES: {
                "declared": found.declared,
                "title_visible": found.visible,
                "account": authors.account,
                "byline": list(byline) if authors.account and byline[0] else None,
            },
        }

    def headline(self, doc, metas: dict, ld: dict, body_el=None, names=None) -> naming.Title:
        """The headline as the page shows it (crawler/extract/profiles/naming.py)."""
        return naming.find_title(doc, self.title, metas, ld, body_el, names)

    def deck(self, doc, ld: dict) -> str | None:
        """The sub-headline as the page shows it: the profile's place for it, then the generic
        deck classes (a family's template is not the only one its sites run), then the
        schema's alternativeHeadline, then a short block right after the headline. Lines the
        page breaks with <br> stay lines."""
        for group in (self.subtitle, generic.SUBTITLE, generic.SUBTITLE_LIKE):
            found = deck_text(doc, group)
            if found:
                return found
        alternative = ld.get("alternativeHeadline")
        if isinstance(alternative, str) and normalize(alternative):
            return normalize(alternative)
        if self.subtitle:  # a family that names its deck's place and has none there
            return None
        deck = first_text(doc, generic.DECK_AFTER_HEADLINE)
        # A byline or dateline under the headline is not a deck.
        if deck and 5 < len(deck) <= 150 and not hints.is_signature(deck):
            return deck
        return None

    def dates(self, doc, metas: dict, ld: dict) -> tuple[str | None, str | None]:
        published = updated = None
        for source in self.date_sources:
            if source == "jsonld":
                pub, upd = (
                    dates.parse_date(ld.get("datePublished")),
                    dates.parse_date(ld.get("dateModified")),
                )
            elif source == "meta":
                pub = first_date(metas, generic.META_PUBLISHED)
                upd = first_date(metas, generic.META_UPDATED)
            else:
                pub, upd = None, None
                # The profile's own dateline first: the generic XPaths scan the whole page.
                for group in (self.dateline, generic.DATELINE):
                    text = " ".join(spaced_text(el) for el in signature_lines(doc, group))
                    pub, upd = dates.published_and_updated(text)
                    if pub:
                        break
                if pub is None:
                    pub, upd = self.dateline_anywhere(doc)
            published = published or pub
            updated = updated or upd
            if published:
                break
        return published, updated if updated != published else None

    def author(self, doc, metas: dict, ld: dict, names=None) -> naming.Authors:
        """The reporter the byline names (crawler/extract/profiles/naming.py)."""
        return naming.find_author(doc, self.byline, metas, ld, names)

    @staticmethod
    def dateline_anywhere(doc) -> tuple[str | None, str | None]:
        """The first short labelled dateline anywhere on the page ("기자 | 기사입력 …")."""
        for text in hints.short_texts(doc):
            if dates.is_dateline(text) or (bylines.is_byline_line(text) and dates.has_date(text)):
                published, updated = dates.published_and_updated(text)
                if published:
                    return published, updated
        return None, None

    @staticmethod
    def byline_in_body(paragraphs: list[str], author, email) -> tuple[str | None, str | None]:
        """Many papers sign at the end of the text ("홍길동 기자 hong@…"); use it if the header
        had no name or address. The clean stage drops that line from the body."""
        for line in reversed(paragraphs[-3:]):
            if bylines.is_byline_line(line):
                found = bylines.parse_byline(line)
                if author is None or found.name == author:
                    return author or found.name, email or found.email
        return author, email

    def section_name(self, doc, metas: dict, ld: dict) -> str | None:
        return (
            first_text(doc, self.section)
            or meta.ld_section(ld)
            or normalize(metas.get("article:section"))
            or None
        )

    def body_element(self, doc: html.HtmlElement) -> density.Body | None:
        """A profile whose XPaths miss falls back to the generic rules: it never drops a page.
        A family's own body container is the body; rules that name a container by a loose
        word (`body_is_sure` False) are checked against text density like the generic ones."""
        found = generic.first_body(doc, self.body) if self.body_is_sure else None
        if found is None:
            found = generic.best_body(doc, () if self.body_is_sure else self.body)
        return scriptdata.story_body(doc, found)  # no body or a sliver: the scripts' story?
