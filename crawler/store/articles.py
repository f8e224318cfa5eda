"""The Store's articles: one transaction per article (row, images, aliases, dedup links, FTS).

A mixin of crawler.store.db.Store; `save_article` is the only writer of `articles` in a crawl.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from sqlite_utils import Database

from crawler.store import dedup, fts, minhash, reuse

if TYPE_CHECKING:
    from crawler.store.db import Store

SaveHook = Callable[["Store", int, dict], None]

# Crash testing (tests/test_kill.py): KRNEWS_TEST_KILL_IN_SAVE=N makes the process kill -9 itself
# inside the N-th article transaction, after every write and before the commit: the worst moment.
_KILL_IN_SAVE = int(os.environ.get("KRNEWS_TEST_KILL_IN_SAVE", "0") or 0)

ARTICLE_COLUMNS = (
    "url", "site", "title", "subtitle", "author", "author_email", "published", "updated",
    "section", "body", "lang", "fetched_at", "content_hash",
)  # fmt: skip


class ArticlesMixin:
    db: Database
    on_save: list[SaveHook]
    _saves: int

    def save_article(self, article: dict) -> tuple[int, bool]:
        """Write the article with its images, dedup links and FTS entry in one transaction."""
        body = article.get("body") or ""
        digest = article.get("content_hash") or minhash.content_hash(body)
        sig = (
            minhash.signature_from_bytes(article["signature"])
            if article.get("signature")
            else minhash.signature(body)
        )
        row = {col: article.get(col) for col in ARTICLE_COLUMNS}
        row.update(body=body, content_hash=digest, lang=article.get("lang") or "ko")
        with self.db.atomic():
            found = self.db.execute(
                "SELECT id, content_hash FROM articles WHERE url = ?", [row["url"]]
            ).fetchone()
            if found and found[1] == digest:
                # Unchanged; but reached through a new link (a redirecting short URL), which
                # the next run must know.
                self._write_aliases(found[0], row["url"], article)
                return found[0], False
            if found:
                article_id = found[0]
                dedup.unindex(self.db, article_id)  # its band keys come from the old body
                self._update_row(article_id, row)
                fts.delete_article(self.db, article_id)
            else:
                article_id = self._insert_row(row)
            self._write_images(article_id, article.get("images") or [])
            self._write_aliases(article_id, row["url"], article)
            if body:
                dedup.index_signature(self.db, article_id, sig)
            if found:
                dedup.relink(self.db, article_id)
            else:
                dedup.link(self.db, article_id, sig, digest)
            fts.index_article(self.db, article_id)
            reuse.catch_up(self.db)  # the stories whose dup_of or text just changed
            store = cast("Store", self)  # the mixin is always part of a Store
            for hook in self.on_save:
                hook(store, article_id, article)
            self._saves += 1
            if self._saves == _KILL_IN_SAVE:
                os.kill(os.getpid(), signal.SIGKILL)
        return article_id, True

    def _insert_row(self, row: dict) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.db.execute(
            f"INSERT INTO articles ({cols}) VALUES ({marks})", list(row.values())
        )
        assert cursor.lastrowid is not None  # an INSERT always gives one
        return cursor.lastrowid

    def _update_row(self, article_id: int, row: dict) -> None:
        sets = ", ".join(f"{col} = ?" for col in row)
        self.db.execute(f"UPDATE articles SET {sets} WHERE id = ?", [*row.values(), article_id])

    def _write_images(self, article_id: int, images: list[dict]) -> None:
        self.db.execute("DELETE FROM images WHERE article_id = ?", [article_id])
        self.db.conn.executemany(
            "INSERT INTO images (article_id, position, url, caption) VALUES (?, ?, ?, ?)",
            [(article_id, i, img["url"], img.get("caption")) for i, img in enumerate(images)],
        )

    def _write_aliases(self, article_id: int, url: str | None, article: dict) -> None:
        """Every other URL that led to the article: the link as requested, and the URL it was
        fetched at when the page names another as its canonical one (`aliases`)."""
        for alias in dict.fromkeys([article.get("requested_url"), *article.get("aliases", ())]):
            if alias and alias != url:
                self.db.execute(
                    "INSERT OR REPLACE INTO url_aliases (alias, article_id) VALUES (?, ?)",
                    [alias, article_id],
                )

    def add_alias(self, alias: str, url: str) -> None:
        """Remembers that `alias` leads to the article stored at `url` (if it is stored)."""
        if alias != url:
            with self.db.atomic():
                self.db.execute(
                    "INSERT OR REPLACE INTO url_aliases (alias, article_id) "
                    "SELECT ?, id FROM articles WHERE url = ?",
                    [alias, url],
                )

    def is_known_url(self, url: str) -> bool:
        """True when an article is stored under this URL or was reached through it."""
        return (
            self.db.execute(
                "SELECT 1 FROM articles WHERE url = ? UNION ALL "
                "SELECT 1 FROM url_aliases WHERE alias = ? LIMIT 1",
                [url, url],
            ).fetchone()
            is not None
        )

    def article(self, article_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        return rows[0] if rows else None

    def in_cluster(self, article_id: int) -> bool:
        """True when the article belongs to a story of two or more stored articles."""
        # An older copy arriving late becomes the canonical (dup_of NULL) of an existing story.
        (linked,) = self.db.execute(
            "SELECT dup_of IS NOT NULL OR EXISTS (SELECT 1 FROM articles WHERE dup_of = ?) "
            "FROM articles WHERE id = ?",
            [article_id, article_id],
        ).fetchone()
        return bool(linked)

    def dup_of(self, article_id: int) -> int | None:
        """The canonical article of the article's story, or None (it is canonical or unique)."""
        found = self.db.execute("SELECT dup_of FROM articles WHERE id = ?", [article_id])
        row = found.fetchone()
        return row[0] if row else None
