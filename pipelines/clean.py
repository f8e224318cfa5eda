"""Clean stage: paragraphs to `body`, without one line of boilerplate (issue 4).

Order matters: the page's own repeats (title block printed twice, bylines, datelines, captions)
go first, then the rule tables of crawler.extract.boilerplate, then what this site has taught us
(`BoilerplateMemory`). Text is already normalised by the extract stage; nothing here
normalises again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crawler.extract import boilerplate, bylines, dates

# A line seen in this many stored articles of one site is that site's boilerplate. Three, not
# two: one story re-posted in a second section must not teach us its own paragraphs.
MIN_ARTICLES = 3
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
            self.observe(store, article["site"], lines[:head] + lines[head:][-tail:], article_id)

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
    return sum(store.take_out_line(site, line, RECLEANED) for site, line in learned)


def _page_repeat(line: str, article: dict, captions: set[str]) -> str | None:
    """Why `line` repeats something the page shows elsewhere, or None."""
    if line in (article.get("title"), article.get("subtitle")):
        return "title_repeat"
    if line in captions:
        return "caption"
    if _is_signature(line):
        return "byline"
    return None


def _is_signature(line: str) -> bool:
    return bylines.is_byline_line(line) or dates.is_dateline(line)


def drop_title_block(paragraphs: list[str], title: str | None) -> list[str]:
    """Remove the title block a CMS prints again at the top of the body: the title, then a
    subtitle we may not know, then "기자 | 입력 : …". Only when that shape is there."""
    head = paragraphs[:3]
    if not title or title not in head:
        return paragraphs
    start = head.index(title)
    for end in range(start + 1, min(start + 4, len(paragraphs))):
        if _is_signature(paragraphs[end]):
            return paragraphs[:start] + paragraphs[end + 1 :]
    return paragraphs


def _is_marked(line: str) -> bool:
    return len(line) <= boilerplate.CAPTION_MAX_LEN and bool(boilerplate.CAPTION_MARK.match(line))


def caption_lines(paragraphs: list[str]) -> set[int]:
    """Indexes of the "△ …" lines that caption a photo: a marked line standing alone. Marked
    lines in a run are agenda items of the text ("△ 조례안 심사", "△ 예산안 심사")."""
    marked = [line[:1] in "△▲" for line in paragraphs]
    return {
        i
        for i, line in enumerate(paragraphs)
        if _is_marked(line)
        and not (i > 0 and marked[i - 1])
        and not (i + 1 < len(paragraphs) and marked[i + 1])
    }


def clean_paragraphs(article: dict, memory: BoilerplateMemory | None = None) -> list[str]:
    captions = {img["caption"] for img in article.get("images", ()) if img.get("caption")}
    site = article.get("site")
    kept: list[str] = []
    seen: set[str] = set()
    paragraphs = drop_title_block(list(article.get("paragraphs", ())), article.get("title"))
    learned = memory.learned(site, paragraphs) if memory is not None else set()
    marked_captions = caption_lines(paragraphs)
    for i, line in enumerate(paragraphs):
        if boilerplate.is_tail_marker(line):
            break  # galleries, related lists and comment forms follow; none of it is article
        if line in seen:
            continue  # a block printed twice on one page (DESIGN.md §5)
        seen.add(line)
        if i in marked_captions:
            continue
        if _page_repeat(line, article, captions) or boilerplate.line_kind(line):
            continue
        if line in learned:
            continue
        if not kept:
            line = bylines.strip_leading_byline(line)
            if not line:
                continue
        kept.append(line)
    return kept


_CAPTION_PREFIX = re.compile(r"^(?:[△▲]|[\[【]\s*(?:사진|포토|그래픽)\s*[\]】])\s*")


def captions_from_lines(article: dict) -> list[dict]:
    """The images, those without a caption given the caption lines of the text, in order: a
    layout without <figcaption> prints "[사진] …" or "△ …" under the photo instead."""
    images = [dict(img) for img in article.get("images", ())]
    if not any(img.get("caption") is None for img in images):
        return images
    paragraphs = list(article.get("paragraphs", ()))
    marked = caption_lines(paragraphs)
    lines = iter(
        _CAPTION_PREFIX.sub("", line)
        for i, line in enumerate(paragraphs)
        if i in marked or boilerplate.line_kind(line) == boilerplate.CAPTION
    )
    for img in images:
        if img.get("caption") is None:
            img["caption"] = next(lines, None)
    return images


def clean_article(article: dict, memory: BoilerplateMemory | None = None) -> dict:
    """The article with `body` set: paragraphs without boilerplate, joined by "\\n"."""
    cleaned = dict(article)
    cleaned["body"] = "\n".join(clean_paragraphs(article, memory))
    cleaned["images"] = captions_from_lines(article)
    return cleaned


def min_articles(settings: Any) -> int:
    """KRNEWS_BOILERPLATE_MIN_ARTICLES (crawler/crawl/settings.py): the one place it is read."""
    return int(settings.get("KRNEWS_BOILERPLATE_MIN_ARTICLES") or MIN_ARTICLES)


class CleanPipeline:
    """Scrapy item pipeline around `clean_article`; the learned lines come from the crawl's
    store (crawler.crawl.run), or from a Store of its own on KRNEWS_DB outside a crawl."""

    def __init__(self, memory: BoilerplateMemory | None = None, own_store: bool = False) -> None:
        self.memory = memory
        self._own_store = own_store

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        from crawler.crawl.run import crawl_run  # not for `krnews extract`, which runs no crawl

        threshold = min_articles(crawler.settings)
        run = crawl_run(crawler)
        if run is not None:
            return cls(BoilerplateMemory(run.store, threshold))
        path = crawler.settings.get("KRNEWS_DB")
        if not path:
            return cls(None)
        from crawler.store.db import Store

        return cls(BoilerplateMemory(Store(path), threshold), own_store=True)

    def close_spider(self, spider: Any = None) -> None:
        if self._own_store and self.memory is not None and self.memory.store is not None:
            self.memory.store.close()

    def process_item(self, item: dict, spider: Any = None) -> dict:
        return clean_article(item, self.memory)
