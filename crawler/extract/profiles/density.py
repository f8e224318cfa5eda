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

from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import html

from crawler.extract.profiles import headline
from crawler.extract.profiles.assemble import body_of
from crawler.extract.profiles.classwords import (
    class_weight,
    is_skipped,
)

# Elements that are one paragraph to a reader; a <div> with its own text counts too.
PARAGRAPHS = frozenset({"p", "pre", "blockquote", "td", "dd", "li", "h2", "h3", "h4", "h5"})
CONTAINERS = frozenset(
    {"div", "section", "article", "main", "td", "body", "span", "font", "center"}
)
TIGHTEN_SHARE, TIGHTEN_SCORE = 0.75, 0.6
MIN_PARAGRAPH = 25  # characters outside links: a shorter text is a label, a menu item, a date
MIN_WINNER = 50  # characters of prose (a Korean sentence or two)
TAG_BONUS = {"div": 5, "article": 8, "main": 5, "section": 3, "pre": 3, "td": 3, "blockquote": 3,
             "ol": -3, "ul": -3, "dl": -3, "dd": -3, "li": -3, "th": -5}  # fmt: skip


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


def measure(root: html.HtmlElement, by_class: bool = True) -> Node:
    """One depth-first walk: a Node for every element that can hold content, bottom-up sums.
    `by_class` False enters furniture by tag and class words too (the retry for themes that
    call their page wrapper "header-style-2", or close no <header>)."""
    top = Node(root, None)
    order: list[Node] = []  # depth first, parents before their children
    stack = [top]
    while stack:
        node = stack.pop()
        order.append(node)
        el = node.el
        text = el.text
        own = _size(text)
        # Three str.count calls, not a regex findall: no list of matches built per element.
        commas = text.count(",") + text.count("，") + text.count("、") if text else 0
        kids = node.children
        for child in el:
            tail = child.tail
            if tail:
                own += _size(tail)
                commas += tail.count(",")
            if isinstance(child.tag, str) and not is_skipped(child, by_class):
                kids.append(Node(child, node))
        node.own = node.chars = own
        node.commas = commas
        stack.extend(reversed(kids))
    # Bottom-up sums: read backwards, `order` has every node after all of its descendants
    # (no second visit per node to push and pop, as a post-order stack needs).
    for node in reversed(order):
        if node.el.tag == "a":
            node.links = node.chars
        parent = node.parent
        if parent is not None:
            parent.chars += node.chars
            parent.links += node.links
            parent.commas += node.commas
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
        node.score = TAG_BONUS.get(node.el.tag, 0) + class_weight(node.el)


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
    trees = [measure(root)]
    try:
        by_class = True
        h1 = headline.page_headline(root)  # once: both readings walk the same page
        found = _winner(trees[0], h1=h1)
        if found is None or found.chars - found.links < RETRY_BELOW:
            # No widening on the retry: with class words read past, menus and lists count as prose.
            trees.append(measure(root, by_class=False))
            retry = _winner(trees[1], widen=False, h1=h1)
            if retry is not None and (
                found is None or retry.chars - retry.links > 2 * (found.chars - found.links)
            ):
                found, by_class = retry, False
        if found is None:
            return None
        element = body_of(found, by_class)
        return Body(element, found.el, by_class, found.chars - found.links)
    finally:
        for top in trees:
            release(top)


def release(top: Node) -> None:
    """Break the tree's parent/child cycles. Each Node holds an lxml element, and an element
    keeps its whole document alive: left to the cyclic collector, each page's tree waited for
    the next full collection (most of a crawl's cyclic garbage, bench/crawl.py)."""
    for node in list(_walk(top)):
        node.children = []


def _winner(top: Node, widen: bool = True, h1: html.HtmlElement | None = None) -> Node | None:
    candidates = score(top)
    if not candidates:
        return None
    # No "only child wins for its parent" step (Readability has one): the walk does not see
    # skipped siblings, so a parent that looks like a mere wrapper may hold the whole page.
    # A widget whose class and id words both say "post" (a ratings bar, a byline box) scores
    # like a story on their bonus alone: a winner holds at least a few sentences when any does.
    worthy = [n for n in candidates if n.chars - n.links >= MIN_WINNER] or candidates
    best = max(worthy, key=lambda n: n.score)
    if h1 is not None:
        best = headline.near_headline(h1, best, worthy)
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
