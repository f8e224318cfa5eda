"""Is this an article? One decision, in one place, for links and for pages (DESIGN.md §1).

`judge_url(url)` answers for a link, before anything is fetched: the families' own URL patterns
first (crawler/profiles), then the generic URL shapes below. Only the rules that name a page no
reader wants (print, search, tag, login, …) and the static pages (회사소개, 개인정보처리방침, …)
keep a link from being fetched; every other generic shape is a guess, and a guessed link is
fetched and judged on its page.

`judge_page(doc, url, article=None)` answers for a fetched page, cheap signals first: the URL,
the title of a static page, whether the page holds any prose outside links at all (before
extraction); then, with the extracted article, link density, the amount of prose and the
paragraphs, a dated byline, `og:type`, JSON-LD `@type` and `<article>`, and whether the body
is made of a run of teasers (crawler/extract/shapes.py: a board, a section, an archive).

Both return a `Verdict`: `kind` (article, list, static, other), a `reason` slug (counted in
Scrapy stats as `item_dropped_reasons_count/<reason>` when a page is dropped), whether the rule
is `sure`, and the `signals` it read. `NotAnArticle` carries the reason of a rejected page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from lxml import etree, html

from crawler.extract import profiles, shapes, titles
from crawler.extract.profiles import meta, scriptdata
from crawler.extract.profiles.lookup import ByTag
from crawler.extract.url_rules import URL_ARTICLE, URL_LIST, URL_SKIP, URL_STATIC, URL_SURE_LIST

ARTICLE, LIST, STATIC, OTHER = "article", "list", "static", "other"


@dataclass(frozen=True)
class Verdict:
    kind: str
    reason: str
    sure: bool = True
    signals: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def is_article(self) -> bool:
        return self.kind == ARTICLE

    @property
    def fetch(self) -> bool:
        """Whether a link with this verdict is worth a request: only a sure "not an article"
        (print, search, tag, login, static pages) keeps it from being fetched."""
        return self.kind in (ARTICLE, LIST) or not self.sure


class NotAnArticle(Exception):
    """The page is not an article; `reason` is a short slug counted in Scrapy stats."""

    def __init__(self, reason: str, detail: str = "", verdict: Verdict | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.verdict = verdict


# -- links ------------------------------------------------------------------------------------


def judge_url(url: str) -> Verdict:
    """What a link is, from its URL alone: article, list, static or other (sure or a guess)."""
    url = url.split("#", 1)[0]  # "…/slug/#content" is the page itself
    kinds = {p.url_kind(url) for p in profiles.PROFILES} - {None}
    if "skip" in kinds:
        reason = next((r for r, rx in URL_SKIP if rx.search(url)), "skip_url")
        return Verdict(OTHER, reason, signals={"url": "profile"})
    for reason, rx in URL_SKIP:
        if rx.search(url) and "article" not in kinds:
            return Verdict(OTHER, reason, signals={"url": "generic"})
    if "article" in kinds:
        return Verdict(ARTICLE, "article_url", signals={"url": "profile"})
    if URL_STATIC.search(unquote(urlsplit(url).path) + _query(url)):
        return Verdict(STATIC, "static_url", signals={"url": "generic"})
    if "list" in kinds:
        return Verdict(LIST, "list_url", signals={"url": "profile"})
    if URL_SURE_LIST.search(url):
        return Verdict(LIST, "list_url", signals={"url": "generic"})
    if URL_ARTICLE.search(url):
        return Verdict(ARTICLE, "article_url", sure=False, signals={"url": "generic"})
    if URL_LIST.search(url):
        return Verdict(LIST, "list_url", sure=False, signals={"url": "generic"})
    return Verdict(OTHER, "no_url_rule", sure=False, signals={"url": None})


def _query(url: str) -> str:
    query = urlsplit(url).query
    return f"?{query}" if query else ""


# -- pages ------------------------------------------------------------------------------------

# A page whose own title is one of these is a static page of the paper, whatever its URL.
STATIC_TITLES = frozenset(
    re.sub(r"\s+", "", t).lower()
    for t in (
        "회사소개", "회사 소개", "신문사 소개", "신문사소개", "회사개요", "인사말", "발행인 인사말",
        "개인정보처리방침", "개인정보 처리방침", "개인정보취급방침", "개인정보 보호정책",
        "이용약관", "서비스이용약관", "서비스 이용약관", "청소년보호정책", "청소년 보호정책",
        "오시는 길", "찾아오시는 길", "오시는길", "윤리강령", "윤리 강령", "편집규약",
        "광고안내", "광고 안내", "구독안내", "구독 안내", "저작권정책", "이메일무단수집거부",
        "about", "about us", "privacy policy", "terms of service", "terms of use", "contact",
        "contact us", "imprint", "impressum",
    )
)  # fmt: skip
# From the page index (crawler/extract/profiles/lookup.py): the extraction reads the same lists.
_H1 = ByTag("h1")
_ARTICLE_TAG = ByTag("article")
_PROSE_RUN = 40  # characters: one line of prose, longer than any menu item or date
# No text beneath these is loose text: one list for the walk (`_has_prose`) and the XPath.
_NOT_LOOSE_TAGS = frozenset({"a", "script", "style", "noscript", "option"})
_NOT_LOOSE = " or ".join(f"ancestor::{tag}" for tag in sorted(_NOT_LOOSE_TAGS))
_XPATH_SPACE = re.compile(r"[ \t\n\r]+")  # the whitespace XPath's normalize-space() collapses


def _is_prose_run(text: str | None) -> bool:
    """string-length(normalize-space(text)) >= _PROSE_RUN; the raw length first, as most text
    nodes are short and normalising only shortens."""
    return (
        text is not None
        and len(text) >= _PROSE_RUN
        and len(_XPATH_SPACE.sub(" ", text).strip(" ")) >= _PROSE_RUN
    )


def _has_prose(doc: html.HtmlElement) -> bool:
    """Whether any text node that `_LOOSE_TEXT` selects is one line of prose long. A walk that
    stops at the first one and never enters links, scripts or the like: the XPath
    `boolean(//body//text()[…][not(…)])` built the whole node set in libxml2 first, twice the
    CPU on the real pages. Only a page without one pays for `_LOOSE_TEXT`."""
    root = doc.getroottree().getroot()
    # `//body` of the whole document: text after </html> opens an element beside the root.
    tops = (*root.itersiblings(preceding=True), root, *root.itersiblings())
    for body in (body for top in tops for body in top.iter("body")):
        if any(a.tag in _NOT_LOOSE_TAGS for a in body.iterancestors()):
            continue
        stack = [body]
        while stack:
            el = stack.pop()
            if _is_prose_run(el.text):
                return True
            for child in el:
                if _is_prose_run(child.tail):  # a text node of `el`, after `child`
                    return True
                # A comment's or processing instruction's text is not a text node.
                if isinstance(child.tag, str) and child.tag not in _NOT_LOOSE_TAGS:
                    stack.append(child)
    return False


_LOOSE_TEXT = etree.XPath(f"//body//text()[not({_NOT_LOOSE})]")
_LINK_TEXT = etree.XPath("//body//a//text()")
# The extracted article: past this share of its text in links, the "body" is a list.
MAX_LINK_DENSITY = 0.5
MIN_BODY_CHARS = 50  # less than this is a photo page, a list or an error page
# Past this share of the body's longest blocks inside teasers of a run, the body is a list.
MAX_TEASER_SHARE = 0.6
# The evidence score an extracted page needs to be an article (see `_evidence`): a dated byline
# or article metadata is enough, and so is prose alone (an undated blog post of three
# paragraphs); a list with a lead under each headline loses it to its link density.
ACCEPT = 1


_FOOTER_WORD = re.compile(r"(?<![a-z])footer(?![a-z])")


def _in_footer(el: html.HtmlElement) -> bool:
    """Inside the page's footer: a <footer>, or a block whose class or id says "footer"
    (the "Impressum" and "Datenschutz" headings that a site prints under every page)."""
    for node in el.iterancestors():
        if node.tag == "footer":
            return True
        words = f"{node.get('class') or ''} {node.get('id') or ''}"
        if "ooter" in words and _FOOTER_WORD.search(words.lower()):
            return True
    return False


def _title_heads(doc: html.HtmlElement) -> list[str]:
    heads: list[str] = []
    title = doc.findtext(".//title")
    if title and title.strip():
        heads.append(titles.head_part(title.strip()))
    heads.extend(h.text_content() for h in [h for h in _H1(doc)[:4] if not _in_footer(h)][:2])
    return heads


def _is_static_title(text: str) -> bool:
    return re.sub(r"\s+", "", text).lower() in STATIC_TITLES


_URL_DATE = re.compile(r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-](?:0?[1-9]|[12]\d|3[01]))?/")


def _og_type(doc: html.HtmlElement) -> str | None:
    for el in doc.iter("meta"):  # lxml's tag walk runs in C, a whole-tree XPath did not
        if el.get("property") == "og:type":
            return (el.get("content") or "").strip().lower() or None
    return None


def metadata_signals(doc: html.HtmlElement) -> dict[str, object]:
    """What the page says about itself: og:type, the JSON-LD @type, an <article> element."""
    ld = meta.json_ld_article(doc)
    kind = ld.get("@type") if ld else None
    return {
        "og_type": _og_type(doc),
        "ld_type": (kind[0] if isinstance(kind, list) and kind else kind) or None,
        "article_tag": bool(_ARTICLE_TAG(doc)),
    }


def judge_page(
    doc: html.HtmlElement,
    url: str,
    article: dict | None = None,
    *,
    link: Verdict | None = None,
    screened: bool = False,
) -> Verdict:
    """The page's verdict: before extraction (`article` None) only what is cheap to read; after
    it, the article's own evidence. A page is rejected when `kind` is not "article".

    `link` is `judge_url(url)` when the caller has it already; `screened` says the page passed
    judge_page before extraction, so its URL and title are not judged again (the same answer:
    the extract stage asks twice, and the repeat cost 0.4 ms a real page)."""
    if not screened:
        if url.startswith(("http://", "https://")):
            link = link or judge_url(url)
            if link.sure and link.kind != ARTICLE:
                return link
        for head in _title_heads(doc):
            if _is_static_title(head):
                return Verdict(STATIC, "static_page", signals={"title": head.strip()})
    if article is None:
        return _before_extraction(doc)
    return _after_extraction(doc, article)


def _before_extraction(doc: html.HtmlElement) -> Verdict:
    if _has_prose(doc):
        return Verdict(ARTICLE, "prose", sure=False, signals={"prose_line": True})
    loose = [t.strip() for t in _LOOSE_TEXT(doc)]
    signals: dict[str, object] = {"prose_line": False}
    linked = sum(len(t.strip()) for t in _LINK_TEXT(doc))
    text_chars = sum(map(len, loose))
    signals["link_chars"], signals["text_chars"] = linked, text_chars
    if scriptdata.carries_story(doc):  # a framework's page: extraction reads its scripts
        return Verdict(ARTICLE, "script_data", sure=False, signals=signals)
    if linked > text_chars:
        return Verdict(LIST, "link_list", signals=signals)
    return Verdict(OTHER, "no_body", signals=signals)


def _evidence(article: dict, signals: dict) -> int:
    """Points for "this is an article": metadata that says so, a dated byline, prose."""
    score = 0
    if signals["ld_type"] and signals["ld_type"] != "WebPage":
        score += 2
    elif signals.get("ld_list"):
        score -= 2  # CollectionPage, ItemList: the page says it is a list
    if signals["og_type"] == "article":
        score += 2
    elif signals["og_type"] in ("profile", "blog"):
        score -= 1  # not "website": many CMSes print it on every page, stories included
    if signals["article_tag"]:
        score += 1
    if signals["published"]:
        score += 2
    if signals["paragraphs"] >= 3 and signals["body_chars"] >= 300:
        score += 1
    elif signals["body_chars"] >= 300 and signals["link_density"] < 0.15:
        score += 1  # plain prose, even in one long paragraph (a blog, a <br> body)
    if signals.get("url_date"):
        score += 1  # "/2012/05/31/slug": a permalink of something published that day
    if signals["body_chars"] >= 1500:
        score += 1
    if signals["link_density"] > 0.15:  # an article's text links a word here and there
        score -= 1
    if signals["link_density"] > 0.3:
        score -= 1
    return score


def _made_of_teasers(doc: html.HtmlElement, article: dict, signals: dict) -> bool:
    """The body is a run of teasers (crawler/extract/shapes.py): a list, a board, an archive,
    whatever its CMS and however much prose its leads hold. A page whose metadata says it is
    an article is one (its related-articles box is not what it is made of)."""
    if signals["og_type"] == "article" or (signals["ld_type"] and signals["ld_type"] != "WebPage"):
        return False
    paragraphs = article.get("paragraphs") or []
    share = shapes.teaser_share(doc, article.get("url") or "", paragraphs, MAX_TEASER_SHARE)
    signals["teaser_share"] = round(share, 2)
    return share >= MAX_TEASER_SHARE


def _after_extraction(doc: html.HtmlElement, article: dict) -> Verdict:
    paragraphs = article.get("paragraphs") or ()
    link_density = round(float(article.get("link_density") or 0.0), 3)
    body_chars = sum(len(p) for p in paragraphs)
    signals: dict[str, object] = {
        "link_density": link_density,
        "paragraphs": sum(1 for p in paragraphs if len(p) >= _PROSE_RUN),
        "body_chars": body_chars,
        "published": bool(article.get("published")),
    }
    if link_density > MAX_LINK_DENSITY:
        return Verdict(LIST, "link_list", signals=signals)
    if not article.get("title"):
        return Verdict(OTHER, "no_title", signals=signals)
    if body_chars < MIN_BODY_CHARS:
        return Verdict(OTHER, "no_body", signals=signals)
    signals.update(metadata_signals(doc))
    signals["url_date"] = bool(_URL_DATE.search(article.get("url") or ""))
    signals["ld_list"] = not signals["ld_type"] and shapes.ld_collection(doc)
    score = _evidence(article, signals)
    signals["score"] = score
    if score >= ACCEPT and _made_of_teasers(doc, article, signals):
        return Verdict(LIST, "teaser_list", signals=signals)
    if score >= ACCEPT:
        return Verdict(ARTICLE, "evidence", signals=signals)
    kind = LIST if link_density > 0.15 else OTHER
    return Verdict(kind, "weak_evidence", signals=signals)
