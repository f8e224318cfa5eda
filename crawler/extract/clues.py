"""What one site's pages teach about its titles and authors, as keys of the learned-lines table.

The extract stage leaves `article["site_clues"]` (crawler/extract/profiles/naming.py): the
declared title, whether the headline was a visible heading, the meta/JSON-LD account the author
came from, and the page's own byline. The store counts `keys(article)` per site beside the
boilerplate lines (crawler/store/learned.py, same table, same threshold); the clean stage asks
which keys of a page are learned and `apply`s them: an affix that repeats across a site's pages
is the site's, a declared title that is the same on every page is the site's name (no headline:
`no_title`), and an account on every page gives way to the page's byline. Pure: no store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from crawler.extract import titles
from crawler.extract.profiles.naming import CLUES
from crawler.extract.verdict import NotAnArticle

# A key never equals a body line: body lines hold no control characters.
MARK = "\x1f"
_TITLE, _AUTHOR = MARK + "title ", MARK + "author "


def is_clue(line: str) -> bool:
    return line.startswith(MARK)


def keys(article: dict) -> list[str]:
    """The keys this article offers: its declared title's edge chains (only those outside a
    visible headline) or the whole declared title, and the account its author came from."""
    clues = article.get(CLUES) or {}
    declared, title = clues.get("declared"), article.get("title")
    found = []
    if declared:
        if titles.has_separator(declared):
            inside = title if clues.get("title_visible") and title else None
            found += [_TITLE + a for a in titles.affixes(declared, inside)]
        else:
            found.append(_TITLE + titles.whole_title(declared))
    if clues.get("account"):
        found.append(_AUTHOR + clues["account"])
    return found


Learned = Callable[[Iterable[str]], set[str]]  # those of the keys that the site has taught


def apply(article: dict, learned: Learned) -> dict:
    """The article's title and author after what its site taught; raises NotAnArticle
    ("no_title") for a page whose only title is the site's name. A visible headline is kept."""
    clues = article.get(CLUES) or {}
    offered = keys(article)
    if not offered:
        return article
    known = learned(offered)
    if not known:
        return article
    out = dict(article)
    declared = clues.get("declared")
    if declared and not clues.get("title_visible"):
        if _TITLE + titles.whole_title(declared) in known:
            raise NotAnArticle("no_title", "the declared title is the site's name")
        affixes = [k.removeprefix(_TITLE) for k in known if k.startswith(_TITLE)]
        out["title"] = titles.strip_learned(article.get("title") or declared, affixes) or None
        if not out["title"]:
            raise NotAnArticle("no_title", "the declared title is only the site's affix")
    account = clues.get("account")
    byline = clues.get("byline")
    if account and _AUTHOR + account in known and byline and byline[0]:
        out["author"], out["author_email"] = byline[0], byline[1] or article.get("author_email")
    return out
