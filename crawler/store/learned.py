"""Site-learned boilerplate (issue 4): which lines of a stored article are counted, when a line
is learned, and taking a newly learned line out of the articles stored before it. Beside the
lines, the same table counts a page's title affixes and meta author account
(crawler/extract/clues.py keys, marked so that no body line equals one). The counts
are the store's (`boilerplate_lines`, through crawler/store/lines.py's Store methods).

The clean stage (pipelines/clean.py) is handed a BoilerplateMemory and asks it only
`learned(site, lines)`; the store stage (pipelines/store.py) hooks `on_save` into each article's
transaction and calls `reclean_learned` when the run ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawler.crawl.settings import KRNEWS_BOILERPLATE_MIN_ARTICLES
from crawler.extract import clues

# A line seen in this many stored articles of one site is that site's boilerplate: the default,
# kept once in the settings; a crawl reads its own (crawler.crawl.settings.boilerplate_min_articles).
MIN_ARTICLES = KRNEWS_BOILERPLATE_MIN_ARTICLES
# Only short lines are learned: footers and promos are one line; a long paragraph that recurs
# is a duplicate story, which is dedup's business, not boilerplate.
MAX_LEARNED_LEN = 200
# Site boilerplate that survives the rules sits at the edges of the text (a fixed lead-in, a
# footer promo); counting only the edge lines keeps the table small: ~6 rows per article.
EDGE_LINES = (2, 4)  # first, last

# A line seen in fewer than MIN_ARTICLES articles and not again in the site's FORGET_AFTER newest
# articles is no boilerplate; it is forgotten (checked every PRUNE_EVERY articles of the site).
# Without this the table kept every edge line ever seen: ~1.5 KB per article, all single
# sightings (issue 13).
FORGET_AFTER = 100
PRUNE_EVERY = 50

RECLEANED = "_recleaned"


class BoilerplateMemory:
    """Site-learned boilerplate: which lines are counted and when one is learned. The counts
    are the store's (`boilerplate_lines`, through crawler.store.db.Store methods).

    The store calls `on_save(store, article_id, article)` inside each article's transaction so
    that counts never drift from `articles`; the clean stage is handed `learned(site, lines)`.
    """

    def __init__(self, store: Any = None, min_articles: int = MIN_ARTICLES) -> None:
        self.store = store
        self.min_articles = min_articles
        # (site, line) pairs that reached min_articles since the last `take_learned()`: the
        # articles stored before that still carry the line (see `reclean_learned`).
        self.learned_since: list[tuple[str, str]] = []
        self._observed: dict[str, int] = {}

    def observe(self, store: Any, site: str, lines: Iterable[str], article_id: int | None = None):
        # one article counts once per line; long paragraphs are never boilerplate
        kept = [line for line in dict.fromkeys(lines) if line and len(line) <= MAX_LEARNED_LEN]
        for line, count in zip(kept, store.count_lines(site, kept, article_id), strict=True):
            if count == self.min_articles:
                self.learned_since.append((site, line))
        self._observed[site] = self._observed.get(site, 0) + 1
        if self._observed[site] % PRUNE_EVERY == 0:
            store.forget_rare_lines(site, self.min_articles, FORGET_AFTER)

    def take_learned(self) -> list[tuple[str, str]]:
        learned, self.learned_since = self.learned_since, []
        return learned

    def on_save(self, store: Any, article_id: int, article: dict) -> None:
        """`Store(on_save=[memory.on_save])` hook: counts the stored body's lines."""
        if article.get(RECLEANED):
            return  # a body trimmed by reclean_learned was counted when first stored
        if store.dup_of(article_id) is not None:
            return  # another version of a story already counted: re-posts teach nothing
        if article.get("site") and article.get("body"):
            lines = article["body"].split("\n")
            head, tail = EDGE_LINES
            # With the edge lines, what the page says of its title and author: a title affix or
            # an account on every page of the site is the site's (crawler/extract/clues.py).
            edges = lines[:head] + lines[head:][-tail:] + clues.keys(article)
            self.observe(store, article["site"], edges, article_id)

    def learned(self, site: str | None, lines: Iterable[str]) -> set[str]:
        """Those of `lines` that are this site's boilerplate."""
        if self.store is None or not site:
            return set()
        short = [line for line in lines if len(line) <= MAX_LEARNED_LEN]
        return self.store.learned_lines(site, short, self.min_articles)

    def is_boilerplate(self, site: str | None, line: str) -> bool:
        return line in self.learned(site, [line])


def reclean_learned(store: Any, learned: list[tuple[str, str]]) -> int:
    """Takes newly learned site boilerplate out of the articles stored before it was learned.

    A line becomes boilerplate only once it was seen in MIN_ARTICLES articles, so those first
    articles were stored with it; the store saves each again without the line. Returns how many
    articles changed.
    """
    return sum(
        store.take_out_line(site, line, RECLEANED)
        for site, line in learned
        if not clues.is_clue(line)  # a title affix or an account is in no body
    )
