"""The story that only the page's scripts carry: sites built on JavaScript frameworks.

A page rendered by React or Vue may send its article only as data for the script that renders
it: Next.js's app router in its flight data (`self.__next_f.push([1,"…"])`, a JS string whose
content is rows such as `5:["$","div",null,{…}]` or `6:T1a2b,<text of 0x1a2b bytes>`), its pages
router in `<script id="__NEXT_DATA__" type="application/json">`, Nuxt in `window.__NUXT__=
(function(a,b){…}(…))` or `<script id="__NUXT_DATA__">` (a flat array of values), Redux and
Apollo stores in `window.__INITIAL_STATE__={…}`, and many CMSes in JSON-LD `articleBody`. All of
them hold the story as one JSON/JS string literal, so one scan for long double-quoted literals
reads every shape (flight data decoded first, its text rows cut out; a literal that is itself
JSON, `JSON.parse("{…}")`, read once more).

Only a page whose HTML holds no body, or a sliver of one, is read here (`story_body`): the
longest literal whose text reads as the story (its start agrees with the page's description, or
it holds most of the headline's words) becomes an element that the body's usual stages prune,
flatten and clean, after the same density walk and assembly as a page's body. Teasers, menus
and ads in the data are short or agree with neither.
"""

from __future__ import annotations

import json
import re
from html import unescape
from itertools import islice
from typing import NamedTuple

from lxml import etree, html

from crawler.extract.profiles import density, meta
from crawler.extract.text import normalize

SLIVER = 600  # characters of prose outside links: a body shorter than this may be a teaser
MIN_STORY = 150  # characters of text but spaces (three short Korean paragraphs hold 200)
SUMMARY = 1.2  # a text no longer than this times the description is a summary, not the story
MAX_SCAN = 4_000_000  # characters of script text read per page (flight data runs to megabytes)
MAX_LITERALS = 2_000  # long literals looked at per page

_PUSH = re.compile(r'__next_f\.push\(\[\s*1\s*,\s*("[^"\\]*(?:\\.[^"\\]*)*")\s*\]\)')
_LITERAL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_TEXT_ROW = re.compile(r"(?:^|\n)[0-9a-fA-F]+:T([0-9a-fA-F]{1,8}),")
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|')")
_MARKUP = re.compile(
    r"<(?:p|br|div|span|h[1-6]|figure|img|strong|b|em|i|a|blockquote|ul|ol|li|table)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。…](?=[\s\"'”’)\]]|$)")
_UNSPACED = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")  # Chinese and Japanese: no spaces
MAX_WORD = 12  # characters a word on average: longer ones are URLs, hashes, tokens
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_DECODER = json.JSONDecoder(strict=False)  # raw control characters occur in JS literals
# Of the headline's words, this share in the story's first HEADLINE_WINDOW characters; of the
# description's, this share at the story's start.
HEADLINE_SHARE, HEADLINE_WINDOW, DESCRIPTION_SHARE = 0.6, 1500, 0.7


def story_body(doc: html.HtmlElement, found: density.Body | None) -> density.Body | None:
    """`found` (what the page's HTML gives), or the story from the page's scripts when the HTML
    holds no body or a sliver and the scripts hold at least twice as much text."""
    if found is not None and found.prose >= SLIVER:
        return found  # the density winner's own count: cheap, and the body holds at least that
    prose = _prose(found.element) if found is not None else 0
    if prose >= SLIVER:
        return found
    story = script_story(doc)
    if story is None or story.chars < max(MIN_STORY, 2 * prose):
        return found
    root = doc.find("body")
    anchor = found.anchor if found is not None else root if root is not None else doc
    return density.Body(_assembled(story.element), anchor, True, story.chars)


def carries_story(doc: html.HtmlElement) -> bool:
    """Whether the page's scripts hold its story: the verdict asks on a page without one line
    of prose outside links, before extraction (few pages, so the scan is paid twice there)."""
    return script_story(doc) is not None


class Story(NamedTuple):
    element: html.HtmlElement
    chars: int


class _Candidate(NamedTuple):
    raw: str
    markup: bool
    chars: int  # of text, without spaces
    both: bool  # agrees with the description and the headline


def script_story(doc: html.HtmlElement) -> Story | None:
    """The literal of the page's scripts that reads as its story, as an element, or None."""
    witness: _Witness | None = None
    found: list[tuple[float, _Candidate]] = []
    for raw in _long_literals(doc):
        markup = _MARKUP.search(raw) is not None
        text = normalize(unescape(_TAG.sub(" ", raw) if markup else raw))
        chars = len(text) - text.count(" ")
        if chars < MIN_STORY or not _reads_as_prose(text, chars):
            continue
        witness = witness or _Witness(doc)
        if chars <= SUMMARY * witness.summary:
            continue
        agrees = witness.agrees(text)
        if agrees:
            # A copy of the story as HTML keeps its paragraphs and photos: it wins a near tie.
            weight = chars * (1.1 if markup else 1.0)
            found.append((weight, _Candidate(raw, markup, chars, agrees == 2)))
    if not found:
        return None
    found.sort(key=lambda pair: -pair[0])
    best = found[0]
    # Agreeing with both the description and the headline beats a longer text that only shares
    # the headline's words (another story on the same subject), unless it is far shorter.
    chosen = next((c for c in found if c[1].both and c[0] >= best[0] / 2), best)[1]
    element = _element(chosen.raw, chosen.markup)
    if element is None:
        return None
    return Story(element, chosen.chars)


class _Witness:
    """What the page says its story is: its headlines and descriptions, as word stems."""

    def __init__(self, doc: html.HtmlElement) -> None:
        metas = meta.meta_values(doc)
        ld = meta.json_ld_article(doc)
        site = normalize(metas.get("og:site_name")) or None
        heads = (ld.get("headline"), metas.get("og:title"), metas.get("twitter:title"),
                 doc.findtext(".//title"))  # fmt: skip
        self.headlines = [
            stems
            for h in heads
            if isinstance(h, str) and len(stems := _stems(meta.strip_site_name(h, site))) >= 2
        ]
        descs = (metas.get("og:description"), metas.get("description"), ld.get("description"),
                 metas.get("twitter:description"))  # fmt: skip
        texts = [normalize(d) for d in descs if isinstance(d, str)]
        self.descriptions = [(len(d), stems) for d in texts if len(stems := _stems(d[:300])) >= 4]
        self.summary = max((len(d) - d.count(" ") for d in texts), default=0)

    def agrees(self, text: str) -> int:
        """2: its start says what the description says and it holds the headline's words; 1:
        one of those; 0: neither."""
        text = text.lower()
        window = text[:HEADLINE_WINDOW]
        heads = any(_share(h, window) >= HEADLINE_SHARE for h in self.headlines)
        desc = any(
            _share(d, text[: min(size, 300) + 200]) >= DESCRIPTION_SHARE
            for size, d in self.descriptions
        )
        return heads + desc


def _stems(text: str) -> set[str]:
    """The words of `text` less their last letter (Korean particles: "시장은", "시장이" are
    "시장"), without short Latin words ("the", "und") that any text holds."""
    return {
        word[:-1] if len(word) >= 3 else word
        for word in _WORD.findall(normalize(text).lower())
        if len(word) >= (4 if word.isascii() else 2)
    }


def _share(stems: set[str], window: str) -> float:
    return sum(1 for s in stems if s in window) / len(stems)


def _long_literals(doc: html.HtmlElement):
    """Decoded string literals of at least MIN_STORY characters in the page's inline scripts,
    within MAX_SCAN characters of script text and MAX_LITERALS literals."""
    return islice(_all_long_literals(doc), MAX_LITERALS)


def _all_long_literals(doc: html.HtmlElement):
    budget, flight = MAX_SCAN, list[str]()
    for el in doc.iter("script"):
        text = el.text
        if not text or el.get("src") is not None or budget <= 0:
            continue
        text = text[:budget]
        budget -= len(text)
        if "__next_f" in text:
            flight.extend(_decode(m.group(1)) or "" for m in _PUSH.finditer(text))
        else:
            yield from _literals(text, nested=True)
    if flight:
        yield from _flight_literals("".join(flight))


def _literals(text: str, nested: bool):
    for m in _LITERAL.finditer(text):
        if m.end() - m.start() < MIN_STORY:
            continue
        value = _decode(m.group())
        if value is None:
            continue
        if nested and value[:1] in "{[":  # JSON.parse("{\"article\":…}")
            yield from _literals(value, nested=False)
        else:
            yield value


def _decode(literal: str) -> str | None:
    try:
        return _DECODER.decode(literal)
    except ValueError:
        pass
    try:  # JS escapes JSON does not know: \x3C, \'
        fixed = _JS_ESCAPE.sub(lambda m: "'" if m[1] == "'" else "\\u00" + m[1][1:], literal)
        return _DECODER.decode(fixed)
    except ValueError:
        return None


def _flight_literals(payload: str):
    """The text rows of React's flight data, then the long literals of its JSON rows."""
    rest, last = [], 0
    for m in _TEXT_ROW.finditer(payload):
        if m.start() < last:
            continue  # inside the text row before
        size = int(m[1], 16)  # bytes of UTF-8, at most as many characters
        body = payload[m.end() : m.end() + size].encode()[:size].decode("utf-8", "ignore")
        rest.append(payload[last : m.start()])
        last = m.end() + len(body)
        if len(body) >= MIN_STORY:
            yield body
    rest.append(payload[last:])
    for value in _literals("\n".join(rest), nested=False):
        yield value[1:] if value.startswith("$$") else value


def _element(raw: str, markup: bool) -> html.HtmlElement | None:
    if markup:
        try:
            return html.fragment_fromstring(raw, create_parent="div")
        except (etree.ParserError, ValueError):
            return None
    root = html.Element("div")
    for line in unescape(raw).split("\n"):
        if line.strip():
            etree.SubElement(root, "p").text = line
    return root


def _assembled(story: html.HtmlElement) -> html.HtmlElement:
    """The story through the page body's density walk and assembly (related lists and widgets
    inside the story's HTML leave it), or the story whole when the walk keeps little of it."""
    page = html.Element("html")
    etree.SubElement(page, "body").append(story)
    found = density.best_body(page)
    if found is None or found.prose < 0.6 * _prose(story):
        return story
    return found.element


def _reads_as_prose(text: str, chars: int) -> bool:
    """Sentences of words: not a URL, a keyword list, a token or a line of code."""
    if chars > MAX_WORD * (text.count(" ") + 1) and not _UNSPACED.search(text):
        return False
    return len(_SENTENCE_END.findall(text)) >= 2


def _prose(el: html.HtmlElement) -> int:
    """Characters outside links, as a reader counts them: no whitespace, no scripts."""
    hidden = sum(
        _chars(s.text_content()) for s in el.iter("script", "style", "template", "noscript")
    )
    links = sum(_chars(a.text_content()) for a in el.iter("a"))
    return _chars(el.text_content()) - links - hidden


def _chars(text: str) -> int:
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t")
