"""The Store's site-learned boilerplate lines (`boilerplate_lines`): counted, looked up,
forgotten, and taken out of older articles. Which lines and when: crawler/store/learned.py.

A mixin of crawler.store.db.Store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlite_utils import Database


def _line_hash(line: str) -> str:
    return hashlib.sha1(line.encode("utf-8")).hexdigest()


class LinesMixin:
    db: Database

    if TYPE_CHECKING:  # crawler.store.articles.ArticlesMixin, beside this one in Store

        def article(self, article_id: int) -> dict | None: ...

        def save_article(self, article: dict) -> tuple[int, bool]: ...

    def count_lines(self, site: str, lines: Iterable[str], article_id: int | None) -> list[int]:
        """Counts one more article for each line of the site; returns the new counts, in order
        (inside the article's transaction when called from an on_save hook)."""
        counts = []
        with self.db.atomic():
            for line in lines:
                (count,) = self.db.execute(
                    "INSERT INTO boilerplate_lines(site, line_hash, line, articles, last_seen) "
                    "VALUES (?, ?, ?, 1, ?) ON CONFLICT(site, line_hash) "
                    "DO UPDATE SET articles = articles + 1, last_seen = excluded.last_seen "
                    "RETURNING articles",
                    [site, _line_hash(line), line, article_id],
                ).fetchone()
                counts.append(count)
        return counts

    def learned_lines(self, site: str, lines: Iterable[str], min_articles: int) -> set[str]:
        """Those of `lines` seen in at least `min_articles` stored articles of the site."""
        by_hash = {_line_hash(line): line for line in lines}
        if not by_hash:
            return set()
        learned: set[str] = set()
        hashes = list(by_hash)
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for (found,) in self.db.execute(
                f"SELECT line_hash FROM boilerplate_lines WHERE site = ? AND articles >= ? "
                f"AND line_hash IN ({marks})",
                [site, min_articles, *chunk],
            ):
                learned.add(by_hash[found])
        return learned

    def forget_rare_lines(self, site: str, min_articles: int, keep_newest: int) -> int:
        """Forgets the site's lines seen in fewer than `min_articles` articles and not in its
        `keep_newest` newest articles; returns how many went."""
        with self.db.atomic():
            cursor = self.db.execute(
                "DELETE FROM boilerplate_lines WHERE site = ? AND articles < ? "
                "AND coalesce(last_seen, 0) < "
                "(SELECT id FROM articles WHERE site = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                [site, min_articles, site, keep_newest],
            )
        return cursor.rowcount

    def take_out_line(self, site: str, line: str, mark: str) -> int:
        """Saves again, without `line`, every article of the site whose body has it as a line of
        its own (each in its own transaction: re-indexed, its cluster recomputed); `mark` is set
        in the article dict the on_save hooks see. Returns how many articles changed."""
        ids = [
            article_id
            for (article_id,) in self.db.execute(
                "SELECT id FROM articles WHERE site = ? AND "
                "instr(char(10) || body || char(10), char(10) || ? || char(10)) > 0",
                [site, line],
            ).fetchall()
        ]
        for article_id in ids:
            article = self.article(article_id) or {}
            body = "\n".join(x for x in article["body"].split("\n") if x != line)
            images = [
                {"url": url, "caption": caption}
                for url, caption in self.db.execute(
                    "SELECT url, caption FROM images WHERE article_id = ? ORDER BY position",
                    [article_id],
                )
            ]
            fields = {k: v for k, v in article.items() if k not in ("id", "dup_of", "similarity")}
            self.save_article(
                {**fields, "body": body, "content_hash": None, "images": images, mark: True}
            )
        return len(ids)
