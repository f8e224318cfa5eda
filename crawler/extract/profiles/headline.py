"""The headline as a witness for the density walk's winner (crawler/extract/profiles/density.py).

A block of many short teasers (a news ticker, a "latest" column) can outscore an article that
its template splits over two or three containers: Readability's points add up per container.
A reader finds the story right below its headline, as DOM Distiller's scoring assumes too. So a
winner far from the page's <h1> gives way to a block near it that scores at least half as well,
is hardly linked and holds at least half as much prose (not the headline's own box).
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

from lxml import html

from crawler.extract.titles import head_part

if TYPE_CHECKING:
    from crawler.extract.profiles.density import Node

HEADLINE_SHARE, HEADLINE_REACH, HEADLINE_LINKS = 0.5, 3, 0.25


def page_headline(body: html.HtmlElement) -> html.HtmlElement | None:
    """The headline of the page whose <body> (or root) is `body`: the first <h1> under it
    whose text the <title> repeats, or its only <h1>."""
    root = body.getroottree().getroot()
    title = " ".join((root.findtext(".//title") or "").split()).lower()
    head = head_part(title)
    if len(head) < 10:
        return None
    h1s = list(body.iter("h1"))
    for h1 in h1s:
        text = " ".join(h1.text_content().split()).lower()
        if len(text) < 10:
            continue
        # The <title> starts with the headline, or the headline (after a kicker) is most of
        # the <h1>: not a section heading that merely names the site's topic.
        if text[:40] in title or (head[:40] in text and len(text) < 2 * len(head)):
            return h1
    # A page's only <h1> is its headline even when the <title> words it otherwise.
    if len(h1s) == 1 and len(h1s[0].text_content().strip()) >= 10:
        return h1s[0]
    return None


def near_headline(h1: html.HtmlElement, best: Node, worthy: list[Node]) -> Node:
    """`best`, or the best-scoring of `worthy` whose branch meets the headline `h1`'s within
    HEADLINE_REACH levels, when `best` is not near the headline itself."""
    line = {id(a) for a in [h1, *h1.iterancestors()]}
    own = len(h1.text_content())

    def near(node: Node) -> bool:
        branch = islice(node.el.iterancestors(), HEADLINE_REACH)
        return id(node.el) in line or any(id(a) in line for a in branch)

    if near(best):
        return best
    prose = best.chars - best.links
    rivals = [
        n
        for n in worthy
        if n.score >= HEADLINE_SHARE * best.score
        and n.link_density < HEADLINE_LINKS
        and n.chars - n.links - own >= prose / 2
        and near(n)
    ]
    return max(rivals, key=lambda n: n.score) if rivals else best
