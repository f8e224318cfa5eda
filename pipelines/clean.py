"""Clean stage: paragraphs to `body`, without one line of boilerplate (issue 4).

Order matters: the page's own repeats (title block printed twice, bylines, datelines, captions)
go first, then the rule tables of crawler.extract.boilerplate, then what this site has taught us
(the learned lines, handed in: a `LearnedLines`, in a crawl crawler.store.learned's
BoilerplateMemory). Text is already normalised by the extract stage; nothing here
normalises again. The clean functions do not depend on the store: only CleanPipeline, the
Scrapy wiring, opens what hands them the learned lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from crawler.extract import boilerplate, bylines, clues, dates
from crawler.extract.verdict import NotAnArticle

if TYPE_CHECKING:
    from crawler.store.db import Store


class LearnedLines(Protocol):
    """What the clean stage needs of the site-learned boilerplate (crawler.store.learned)."""

    def learned(self, site: str | None, lines: Iterable[str]) -> set[str]:
        """Those of `lines` that are this site's boilerplate."""
        ...


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


_STORY_LINE = 200  # characters: a paragraph of the story, not a teaser's title or summary


def _story_goes_on(marker: str, rest: list[str]) -> bool:
    """After a "Related" / "Auch interessant" heading the story goes on when two more
    paragraphs of it follow (a teaser box set inside the text); see boilerplate.ends_story."""
    if boilerplate.ends_story(marker):
        return False
    return sum(len(line) >= _STORY_LINE for line in rest) >= 2


def clean_paragraphs(article: dict, memory: LearnedLines | None = None) -> list[str]:
    captions = {img["caption"] for img in article.get("images", ()) if img.get("caption")}
    site = article.get("site")
    kept: list[str] = []
    seen: set[str] = set()
    paragraphs = drop_title_block(list(article.get("paragraphs", ())), article.get("title"))
    learned = memory.learned(site, paragraphs) if memory is not None else set()
    marked_captions = caption_lines(paragraphs)
    skipping = False
    for i, line in enumerate(paragraphs):
        if boilerplate.is_tail_marker(line):
            if not _story_goes_on(line, paragraphs[i + 1 :]):
                break  # galleries, related lists and comment forms follow; none of it is article
            skipping = True  # a box of teasers inside the story: its short lines go
            continue
        if skipping:
            if len(line) < _STORY_LINE:
                continue
            skipping = False
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
            if line == article.get("section"):
                continue  # the kicker over the headline: the section's name, not the story
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


def learned_fields(article: dict, memory: LearnedLines | None = None) -> dict:
    """Title and author after what the site taught (crawler/extract/clues.py): a learned
    title affix off a declared title, an account on every page giving way to the byline.
    Raises NotAnArticle("no_title") when the declared title is only the site's name."""
    if memory is None or not article.get("site"):
        return article
    site = article["site"]
    return clues.apply(article, lambda keys: memory.learned(site, keys))


def clean_article(article: dict, memory: LearnedLines | None = None) -> dict:
    """The article with `body` set: paragraphs without boilerplate, joined by "\\n"; title
    and author as the site's learned clues leave them (`learned_fields`)."""
    article = learned_fields(article, memory)
    cleaned = dict(article)
    cleaned["body"] = "\n".join(clean_paragraphs(article, memory))
    if not cleaned["body"]:
        # all of it was boilerplate (a list page whose only prose is the site's footer)
        raise NotAnArticle("no_body", "nothing but boilerplate")
    cleaned["images"] = captions_from_lines(article)
    return cleaned


class CleanPipeline:
    """Scrapy item pipeline around `clean_article`; the learned lines come from the crawl's
    store (crawler.crawl.run), or from a Store of its own on KRNEWS_DB outside a crawl."""

    def __init__(
        self, memory: LearnedLines | None = None, own_store: Store | None = None, stats: Any = None
    ) -> None:
        self.memory = memory
        self._own_store = own_store  # the Store opened for the memory, closed with the spider
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        # Scrapy wiring only: `krnews extract` and the gates run clean_article without a store.
        from crawler.crawl.run import crawl_run
        from crawler.crawl.settings import boilerplate_min_articles
        from crawler.store.learned import BoilerplateMemory

        threshold = boilerplate_min_articles(crawler.settings)
        run = crawl_run(crawler)
        stats = getattr(crawler, "stats", None)
        if run is not None:
            return cls(BoilerplateMemory(run.store, threshold), stats=stats)
        path = crawler.settings.get("KRNEWS_DB")
        if not path:
            return cls(None, stats=stats)
        from crawler.store.db import Store

        store = Store(path)
        return cls(BoilerplateMemory(store, threshold), own_store=store, stats=stats)

    def close_spider(self, spider: Any = None) -> None:
        if self._own_store is not None:
            self._own_store.close()

    def process_item(self, item: dict, spider: Any = None) -> dict:
        try:
            return clean_article(item, self.memory)
        except NotAnArticle as err:
            reason = err.reason  # a page whose only title is the site's name: no_title
        from crawler.crawl.reasons import Dropped  # Scrapy wiring only

        if self.stats is not None:
            self.stats.inc_value(f"item_dropped_reasons_count/{reason}")
        # Raised outside the handler: no traceback holding the article (pipelines/extract.py).
        raise Dropped(reason, item.get("url") or "")
