"""Where the article is on a page no profile knows: blocks scored by text density and structure.

The family of algorithms that Readability, trafilatura and DOM Distiller use, written for any
script (characters, not words, measure text: Korean and German alike), in one walk of the tree:

1. Walk the page once, depth first, never entering what is never content (scripts, navigation,
   forms, boilerplate class words, hidden parts); every element gets its text length, its link
   text length and its comma count.
2. Every paragraph-like element with enough text outside links gives points to its parent, and
   fewer to each ancestor above (Readability's propagation): the element with the most prose
   beneath it, after its link density, wins; class and id words nudge the score.
3. The winner's siblings join when they score near it or are plain prose themselves (a body
   split over several containers), and link-dense blocks inside it (related lists, tag clouds,
   share bars) are dropped.

What this module returns is an element the profile code prunes and flattens like any other
body (crawler/extract/profiles/blocks.py); the Korean rules (boilerplate lines, bylines, captions,
site-learned lines) run on top of it in the clean stage.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

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
UNLIKELY = re.compile(
    r"-ad-|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|foot|gdpr|"
    r"header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|"
    r"sponsor|supplemental|ad-break|agegate|pagination|pager|popup|cookie|consent|newsletter|"
    r"share|sharing|navbar|navigation|topbar|masthead|teaser|signup|login|subscribe|"
    r"recommend|trending|most-?read|modal|(?<![a-z])hid(?:e|den)(?![a-z])|mfp-hide|d-none|"
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

# Elements that are one paragraph to a reader; a <div> with its own text counts too.
PARAGRAPHS = frozenset({"p", "pre", "blockquote", "td", "dd", "li", "h2", "h3", "h4", "h5"})
CONTAINERS = frozenset(
    {"div", "section", "article", "main", "td", "body", "span", "font", "center"}
)
# Blocks that may be a list of links inside the body (Readability's "clean conditionally");
# a paragraph that is one link ("Hier geht's zur Veranstaltung") is text.
BLOCKS = frozenset({"div", "section", "ul", "ol", "dl", "table", "figure", "nav"})
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
TIGHTEN_SHARE, TIGHTEN_SCORE = 0.75, 0.6
MIN_PARAGRAPH = 25  # characters outside links: a shorter text is a label, a menu item, a date
TAG_BONUS = {"div": 5, "article": 8, "main": 5, "section": 3, "pre": 3, "td": 3, "blockquote": 3,
             "ol": -3, "ul": -3, "dl": -3, "dd": -3, "li": -3, "th": -5}  # fmt: skip
_COMMAS = re.compile(r"[,，、]")


@dataclass(slots=True)
class Node:
    el: html.HtmlElement
    parent: Node | None
    chars: int = 0  # visible characters beneath (whitespace not counted)
    links: int = 0  # of which inside <a>
    commas: int = 0
    own: int = 0  # characters of the element's own text and its children's tails
    score: float = 0.0
    scored: bool = False  # holds (or is) a paragraph with enough prose
    children: list[Node] = field(default_factory=list)

    @property
    def link_density(self) -> float:
        return self.links / self.chars if self.chars else 0.0


def _size(text: str | None) -> int:
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") if text else 0


def _class_id(el: html.HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


_NEVER_BY_CLASS = frozenset({"body", "html", "article", "main"})


def _skipped(el: html.HtmlElement, by_class: bool = True) -> bool:
    tag = el.tag
    if tag in SKIP_TAGS or (by_class and tag in FURNITURE_TAGS):
        return True
    get = el.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    if style and _HIDDEN.search(style):
        return True
    if not by_class or tag in _NEVER_BY_CLASS:
        return False
    cls, ident = get("class"), get("id")
    if not cls and not ident:
        return False
    kind = _furniture_words(cls or "", ident or "")
    return kind is not None and not blocks.prose_despite(el, kind)


@functools.lru_cache(maxsize=8192)
def _furniture_words(cls: str, ident: str) -> str | None:
    """The furniture kind that class and id words announce ("unlikely" for Readability's
    words, else a boilerplate kind), or None. Cached: a page repeats its classes on every card
    of a list and a site on every page, and the regexes were a third of the walk."""
    words = f"{cls} {ident}".lower()
    if UNLIKELY.search(words) and not MAYBE.search(words):
        return "unlikely"
    return boilerplate.words_kind(words)


def _class_weight(el: html.HtmlElement) -> int:
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


def measure(root: html.HtmlElement, by_class: bool = True) -> Node:
    """One depth-first walk: a Node for every element that can hold content, bottom-up sums.
    `by_class` False enters furniture by tag and class words too (the retry for themes that
    call their page wrapper "header-style-2", or close no <header>)."""
    top = Node(root, None)
    stack: list[tuple[Node, bool]] = [(top, False)]
    while stack:
        node, done = stack.pop()
        if done:  # after its children: add its sums to its parent's
            if node.el.tag == "a":
                node.links = node.chars
            parent = node.parent
            if parent is not None:
                parent.chars += node.chars
                parent.links += node.links
                parent.commas += node.commas
            continue
        el = node.el
        text = el.text
        own = _size(text)
        commas = len(_COMMAS.findall(text)) if text else 0
        kids = node.children
        for child in el:
            tail = child.tail
            if tail:
                own += _size(tail)
                commas += tail.count(",")
            if isinstance(child.tag, str) and not _skipped(child, by_class):
                kids.append(Node(child, node))
        node.own = node.chars = own
        node.commas = commas
        stack.append((node, True))
        stack.extend((kid, False) for kid in reversed(kids))
    return top


def _paragraph_points(node: Node) -> float:
    prose = node.chars - node.links
    if prose < MIN_PARAGRAPH:
        return 0.0
    return 1.0 + node.commas + min(prose / 100.0, 3.0)


def _walk(node: Node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)


def _is_paragraph(node: Node) -> bool:
    tag = node.el.tag
    if tag in PARAGRAPHS:
        return True
    # "<br>" bodies and text written straight into a <div>: its own text is the paragraph.
    return tag in CONTAINERS and node.own >= MIN_PARAGRAPH


def score(top: Node) -> list[Node]:
    """Score every candidate; returns the candidates (elements that received points)."""
    candidates: dict[int, Node] = {}
    for node in _walk(top):
        if not _is_paragraph(node):
            continue
        if node.el.tag in PARAGRAPHS:
            points = _paragraph_points(node)
        else:
            # A container with text of its own (_is_paragraph checked its length) is itself
            # the container of that text.
            points = 1.0 + min(node.own / 100.0, 3.0)
            _init(node, candidates)
            node.score += points
        if not points:
            continue
        ancestor, level = node.parent, 0
        while ancestor is not None and level < 5:
            _init(ancestor, candidates)
            ancestor.score += points / (1 if level == 0 else 2 if level == 1 else level * 3)
            ancestor, level = ancestor.parent, level + 1
    for node in candidates.values():
        node.score *= 1.0 - node.link_density
    return list(candidates.values())


def _init(node: Node, candidates: dict[int, Node]) -> None:
    key = id(node)
    if key not in candidates:
        candidates[key] = node
        node.scored = True
        node.score = TAG_BONUS.get(node.el.tag, 0) + _class_weight(node.el)


def _joins(sibling: Node, top: Node, threshold: float) -> bool:
    if sibling is top:
        return True
    bonus = (
        top.score * 0.2
        if sibling.el.get("class") and sibling.el.get("class") == top.el.get("class")
        else 0.0
    )
    if sibling.score and sibling.score + bonus >= threshold:
        return True
    if _is_prose_block(sibling):
        return True  # plain prose beside the winner: the body split over several containers
    prose = sibling.chars - sibling.links
    if sibling.el.tag == "p":
        text = (sibling.el.text_content() or "").strip()
        return 0 < prose <= 80 and sibling.links == 0 and text.endswith((".", "다.", "。"))
    return False


def _link_lists(node: Node, out: list[html.HtmlElement], total: int) -> None:
    """Blocks inside the body that are lists of links or widgets, not text: related stories,
    tags, share bars, author boxes."""
    for kid in node.children:
        if kid.chars and (
            (kid.el.tag in BLOCKS and _furniture(kid))
            or (
                kid.chars < MAX_FURNITURE_SHARE * total
                and BODY_FURNITURE.search(_class_id(kid.el).lower())
            )
        ):
            out.append(kid.el)
        else:
            _link_lists(kid, out, total)


def _furniture(node: Node) -> bool:
    density = node.link_density
    if density > 0.5:
        return True
    weight = _class_weight(node.el)
    return weight < 0 and density > 0.2 and node.chars - node.links < 200


# Below this many characters of prose the first answer is doubted and the page read again
# without the class-word skips (Readability's retry with its flags off).
RETRY_BELOW = 250


class Body(NamedTuple):
    """The article's body: `element` to prune and flatten (a copy when it was assembled here),
    `anchor` where it starts in the page (what precedes it is header), and whether class words
    may still prune inside it (False when the body was found only by reading past them)."""

    element: html.HtmlElement
    anchor: html.HtmlElement
    by_class: bool = True
    prose: int = 0  # characters outside links, as measured here (0: not measured)


def best_body(doc: html.HtmlElement) -> Body | None:
    """The article's body by text density, or None when no block holds prose."""
    root = doc.find("body")
    root = root if root is not None else doc
    by_class = True
    found = _winner(measure(root))
    if found is None or found.chars - found.links < RETRY_BELOW:
        # No widening on the retry: with class words read past, menus and lists count as prose.
        retry = _winner(measure(root, by_class=False), widen=False)
        if retry is not None and (
            found is None or retry.chars - retry.links > 2 * (found.chars - found.links)
        ):
            found, by_class = retry, False
    if found is None:
        return None
    element = _body_of(found, by_class)
    return Body(element, found.el, by_class, found.chars - found.links)


def _winner(top: Node, widen: bool = True) -> Node | None:
    candidates = score(top)
    if not candidates:
        return None
    # No "only child wins for its parent" step (Readability has one): the walk does not see
    # skipped siblings, so a parent that looks like a mere wrapper may hold the whole page.
    best = max(candidates, key=lambda n: n.score)
    # A winner whose prose sits almost all in one scored child is that child plus its header
    # (section label, headline, byline): the child is the body.
    while True:
        prose = best.chars - best.links
        scored = [kid for kid in best.children if kid.scored]
        inner = [
            kid
            for kid in scored
            if kid.chars - kid.links >= TIGHTEN_SHARE * prose
            and kid.score >= TIGHTEN_SCORE * best.score
        ]
        # The only child with paragraphs, beside a header block and a byline: a short story.
        if not inner and len(scored) == 1 and scored[0].chars - scored[0].links >= prose / 2:
            inner = scored
        if not inner:
            return _widened(best) if widen else best
        best = inner[0]


# A winner that an ancestor holds with this much more prose, hardly linked and scoring at least
# half as well, is one part of the body: a table of signatories (commas score) inside an open
# letter, a quote box inside the story.
WIDEN_PROSE, WIDEN_SCORE, WIDEN_LINKS, WIDEN_REACH = 2.0, 0.7, 0.1, 4


def _widened(best: Node) -> Node:
    prose = best.chars - best.links
    node = best.parent
    for _ in range(WIDEN_REACH):
        if node is None:
            break
        if (
            node.scored
            and node.chars - node.links >= WIDEN_PROSE * prose
            and node.link_density < WIDEN_LINKS
            and node.score >= WIDEN_SCORE * best.score
        ):
            return node
        node = node.parent
    return best


# How far above the winner a run of repeated content blocks is looked for.
REPEAT_REACH = 3


def _repeated_blocks(best: Node) -> list[Node] | None:
    """A body that a CMS writes as a run of content elements of one kind ("frame
    frame-default" blocks, "ce-bodytext", page-builder text widgets), of which the winner is
    one: the winner's ancestor within REPEAT_REACH levels whose siblings of the same tag and
    class hold prose too. Those siblings are the body, in page order."""
    node = best
    for _ in range(REPEAT_REACH):
        parent = node.parent
        if parent is None:
            return None
        cls = node.el.get("class")
        if cls:
            same = [
                kid
                for kid in parent.children
                if kid.el.tag == node.el.tag and kid.el.get("class") == cls and kid.chars
            ]
            prose = [k for k in same if k is not node and _is_prose_block(k)]
            if prose:
                return same
        node = parent
    return None


def _is_prose_block(node: Node) -> bool:
    return node.scored and node.chars - node.links > 80 and node.link_density < 0.25


# How far above the body's container prose blocks beside its branch are looked for, and below
# how much prose a body also takes the prose blocks that follow its branch.
CLIMB_REACH = 6
CLIMB_SHORT = 1500


def _climbed(members: list[Node], best: Node) -> list[Node]:
    """The body's members with the prose blocks beside their branch, up to CLIMB_REACH levels
    above their container, in page order: a story that a layout splits over several
    containers (intro, text, a second text module, the steps of a recipe, the description of
    a product page) where the winner holds one part. Blocks before the branch (header, lead,
    the first text modules) join always; blocks after it only when the body is short, as what
    follows a long story is its furniture (author box, call to action, credits, subscription
    plea) more often than its text."""
    node = members[0].parent
    short = best.chars - best.links < CLIMB_SHORT
    for _ in range(CLIMB_REACH):
        if node is None or node.parent is None:
            break
        before: list[Node] = []
        after: list[Node] = []
        side = before
        for kid in node.parent.children:
            if kid is node:
                side = after
            elif (side is before or short) and _climb_joins(kid):
                side.append(kid)
        members = before + members + after
        node = node.parent
    return members


def _climb_joins(node: Node) -> bool:
    """A prose block whose own class and id words say nothing against it."""
    if not _is_prose_block(node):
        return False
    words = _class_id(node.el)
    return not words or (_class_weight(node.el) >= 0 and not BODY_FURNITURE.search(words.lower()))


def _body_of(best: Node, by_class: bool) -> html.HtmlElement:
    parent = best.parent
    members = [best]
    repeated = _repeated_blocks(best)
    if repeated:
        members = repeated
    elif parent is not None:
        threshold = max(10.0, best.score * 0.2)
        kids = parent.children
        joined = [i for i, kid in enumerate(kids) if _joins(kid, best, threshold)]
        # Subheadings between two joined blocks are the body's too.
        members = [
            kid
            for i, kid in enumerate(kids)
            if i in joined
            or (joined[0] < i < joined[-1] and kid.el.tag in HEADINGS and not kid.links)
        ]
    members = _climbed(members, best)
    doomed: list[html.HtmlElement] = []
    total = sum(m.chars for m in members)
    for member in members:
        _link_lists(member, doomed, total)
    if len(members) == 1:
        body = copy.deepcopy(members[0].el)
        originals = [members[0].el]
        copies = [body]
    else:
        body = html.Element("div")
        originals, copies = [], []
        for member in members:
            clone = copy.deepcopy(member.el)
            clone.tail = None
            # Chosen as body: its own class words ("js-post-gallery") must not prune it later,
            # as they never prune a single chosen body (blocks.prune keeps its root).
            for attr in ("class", "id"):
                clone.attrib.pop(attr, None)
            body.append(clone)
            originals.append(member.el)
            copies.append(clone)
    if doomed:
        marked = set(map(id, doomed))
        drop = []
        for original, clone in zip(originals, copies, strict=True):
            for o, c in zip(original.iter(), clone.iter(), strict=False):
                if id(o) in marked:
                    drop.append(c)
        for el in drop:
            if el.getparent() is not None:
                el.drop_tree()
    # What the walk never entered (furniture inside the winner) goes too.
    skipped = [
        c for c in body.iterdescendants() if isinstance(c.tag, str) and _skipped(c, by_class)
    ]
    for el in skipped:
        if el.getparent() is not None:
            el.drop_tree()
    return body
