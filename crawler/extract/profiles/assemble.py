"""The density winner made one body element (density.py picks the winner): the siblings that
join it, a run of repeated content blocks, and the link lists and furniture inside it dropped."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import html

from crawler.extract.profiles.classwords import (
    BODY_FURNITURE,
    MAX_FURNITURE_SHARE,
    class_id,
    class_weight,
    is_skipped,
)

if TYPE_CHECKING:
    from crawler.extract.profiles.density import Node

# Blocks that may be a list of links inside the body (Readability's "clean conditionally");
# a paragraph that is one link ("Hier geht's zur Veranstaltung") is text.
BLOCKS = frozenset({"div", "section", "ul", "ol", "dl", "table", "figure", "nav"})
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


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
        # Readability's rule for a paragraph beside the winner: long and hardly linked (the
        # prose block test above), or short, unlinked and a sentence.
        text = (sibling.el.text_content() or "").strip()
        return 0 < prose and sibling.links == 0 and text.endswith((".", "다.", "。"))
    return False


def _link_lists(node: Node, out: list[html.HtmlElement], total: int) -> None:
    """Blocks inside the body that are lists of links or widgets, not text: related stories,
    tags, share bars, author boxes."""
    for kid in node.children:
        if kid.chars and (
            (kid.el.tag in BLOCKS and _furniture(kid))
            or (
                kid.chars < MAX_FURNITURE_SHARE * total
                and BODY_FURNITURE.search(class_id(kid.el).lower())
            )
        ):
            out.append(kid.el)
        else:
            _link_lists(kid, out, total)


def _furniture(node: Node) -> bool:
    density = node.link_density
    if density > 0.5:
        return True
    weight = class_weight(node.el)
    return weight < 0 and density > 0.2 and node.chars - node.links < 200


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


# Paragraph tags get no score of their own (they give it to their parents), yet are prose.
_PROSE_TAGS = frozenset({"p", "blockquote", "pre"})


def _is_prose_block(node: Node) -> bool:
    return (
        (node.scored or node.el.tag in _PROSE_TAGS)
        and node.chars - node.links > 80
        and node.link_density < 0.25
    )


# How far above the body's container prose blocks beside its branch are looked for, and below
# how much prose a body also takes the prose blocks that follow its branch.
CLIMB_REACH = 8
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
    words = class_id(node.el)
    return not words or (class_weight(node.el) >= 0 and not BODY_FURNITURE.search(words.lower()))


def _new_div(page_el: html.HtmlElement) -> html.HtmlElement:
    """A new <div>, a tree of its own, from the parser the page came from: lxml.html's own
    (html.Element) picks each element's class in a Python callback, which every element
    moved into the div paid for again whenever the body was walked."""
    parser = page_el.getroottree().parser
    return parser.makeelement("div") if parser is not None else html.Element("div")


def body_of(best: Node, by_class: bool) -> html.HtmlElement:
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
        body = _new_div(members[0].el)
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
        c for c in body.iterdescendants() if isinstance(c.tag, str) and is_skipped(c, by_class)
    ]
    for el in skipped:
        if el.getparent() is not None:
            el.drop_tree()
    return body
