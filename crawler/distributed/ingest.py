"""The ingester: the one store writer of a distributed crawl (`krnews crawl --redis`, or
`krnews ingest --redis` when the workers run elsewhere).

Under the store's crawl lock, as a one-process crawl: the runs a kill left `running` marked
`interrupted`, the run row and the site rows; then what an earlier ingester left unread on its
stream is stored first, the store's skip lists are published for this run, the run announced,
and K local workers started (one restarted in place of one that died while work was left). Each
message is committed to SQLite before it is acknowledged (XACK), so a killed ingester's
successor stores what it had read and not committed, and a re-read article is saved once (the
store's upsert). The run ends when no worker is left and the stream is read to its end.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import sqlite3
import subprocess
import time
from typing import Any

from crawler.crawl.books import outcome, write_books
from crawler.crawl.exits import EX_IOERR, CrawlAborted
from crawler.crawl.run import CrawlRun, _take_lock
from crawler.crawl.settings import KRNEWS_GONE_DAYS, boilerplate_min_articles
from crawler.distributed.books import RunBooks
from crawler.distributed.link import CONSUMER, CURRENT, EX_UNAVAILABLE, GROUP, RUNS, Keys, connect
from crawler.distributed.published import publish
from crawler.distributed.start import limit_seconds, spawn
from crawler.store.db import Store, store_error

logger = logging.getLogger(__name__)
READ_BLOCK_MS = 500


def read(
    client: Any, keys: Keys, books: RunBooks | _ArticlesOnly, block: int = READ_BLOCK_MS
) -> int:
    """Stores what the stream holds for us (first what was read and not acknowledged)."""
    done = 0
    for start in ("0", ">"):
        while True:
            answer = client.xreadgroup(
                GROUP,
                CONSUMER,
                {keys.stream: start},
                count=200,
                block=block if start == ">" else None,
            )
            messages = answer[0][1] if answer else []
            if not messages:
                break
            for _message_id, fields in messages:
                books.take(fields[b"k"].decode(), fields[b"d"])
                done += 1
            # each message of the batch is committed (the store stage commits an article as
            # it saves it), so the batch is acknowledged in one round trip
            client.xack(keys.stream, GROUP, *(message_id for message_id, _ in messages))
            if start == ">" and len(messages) < 200:
                break
    return done


def drain_old(client: Any, current: Keys, books: RunBooks) -> int:
    """Articles an earlier, killed ingester left on its stream: stored now, its keys deleted."""
    stored = 0
    for raw in client.smembers(RUNS):
        token = raw.decode()
        if token == current.token:
            continue
        old = Keys(token)
        if client.exists(old.stream):
            with contextlib.suppress(Exception):
                client.xgroup_create(old.stream, GROUP, id="0", mkstream=True)
            keep_run, books.run_id = books.run_id, int(client.hget(old.run, "run_id") or 0)
            try:
                stored += read(client, old, _ArticlesOnly(books), block=1)
            finally:
                books.run_id = keep_run
        delete_run(client, old)
    return stored


class _ArticlesOnly:
    """An old run's stream: its articles and fetch rows count, its books do not (that run was
    cut short, so no validator it vouched for is kept)."""

    def __init__(self, books: RunBooks) -> None:
        self.books = books

    def take(self, kind: str, data: bytes) -> None:
        if kind != "books":
            self.books.take(kind, data)


def delete_run(client: Any, keys: Keys) -> None:
    names = list(client.scan_iter(match=f"{keys.base}:*", count=1000))
    for start in range(0, len(names), 500):
        client.delete(*names[start : start + 500])
    client.srem(RUNS, keys.token)
    if (client.get(CURRENT) or b"").decode() == keys.token:
        client.delete(CURRENT)


class Ingester:
    def __init__(
        self,
        url: str,
        config: Any,
        db: str,
        sites: tuple[str, ...],
        workers: int,
        settings: dict,
        verbose: bool,
        token: str,
        procs: list[subprocess.Popen],
    ) -> None:
        """`procs`: the local workers, already started for the run `token` (crawler.
        distributed.cli starts them first, so that they start up while this one does, and
        ends those still running when this returns)."""
        self.url, self.config, self.db, self.workers = url, config, db, workers
        self.token, self.procs = token, procs
        self.db_path = db
        self.names = sites or tuple(s.name for s in config.sites)
        self.settings, self.verbose = settings, verbose
        self.sites = {s.name: s for s in config.sites if s.name in self.names}
        self.signum: int | None = None
        self.started = time.monotonic()

    def run(self) -> tuple[int, dict]:
        client = connect(self.url)
        lock = _take_lock(self.db)
        try:
            store = Store(self.db, background_checkpoints=True)
        except BaseException:
            lock.release()
            raise
        try:
            return self._run(client, store)
        finally:
            store.close()
            lock.release()

    def _run(self, client: Any, store: Store) -> tuple[int, dict]:
        import redis

        self.store = store
        run_id = CrawlRun._open_run(self)  # type: ignore[arg-type]
        threshold = boilerplate_min_articles(self.settings_obj())
        books = RunBooks(store, self.db, run_id, self.sites, threshold)
        keys = Keys(self.token)
        lost = 0
        try:
            drain_old(client, keys, books)
            self._announce(client, keys, store, run_id)
            lost = self._supervise(client, keys, books, self.procs)
        except redis.RedisError as exc:
            logger.error("lost Redis at %s: %s", self.url, exc)
            books.stop_detail = f"lost Redis at {self.url}"
            with contextlib.suppress(sqlite3.Error):
                store.finish_run(run_id, "failed", EX_UNAVAILABLE, {})
            raise CrawlAborted(
                f"lost Redis at {self.url}: {exc}", EX_UNAVAILABLE, self._summary(books)
            ) from None
        books.finish()
        return self._close(books, lost), self._summary(books)

    def settings_obj(self) -> Any:
        from scrapy.settings import Settings

        return Settings(self.settings)

    def _announce(self, client: Any, keys: Keys, store: Store, run_id: int) -> None:
        client.set(keys.ingester, "1", px=30_000)
        gone_days = float(self.settings.get("KRNEWS_GONE_DAYS", KRNEWS_GONE_DAYS))
        publish(client, keys, store, gone_days, boilerplate_min_articles(self.settings_obj()))
        client.xgroup_create(keys.stream, GROUP, id="0", mkstream=True)
        text = self.config.path.read_text(encoding="utf-8") if self.config.path else ""
        run = {
            "config": text,
            "sites": list(self.names),
            "settings": self.settings,
            "run_id": run_id,
            "workers": max(self.workers, 1),
            "started": time.time(),
        }
        client.hset(keys.run, mapping={"run": pickle.dumps(run), "run_id": run_id})
        client.sadd(RUNS, keys.token)
        client.set(CURRENT, keys.token)

    def _spawn(self, keys: Keys) -> subprocess.Popen:
        return spawn(self.url, keys.token, self.verbose, limit_seconds(self.settings))

    def _supervise(
        self, client: Any, keys: Keys, books: RunBooks, procs: list[subprocess.Popen]
    ) -> int:
        """Reads the stream until every worker is done; returns how many died."""
        restarts, lost = self.workers, 0
        handlers = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        limit = limit_seconds(self.settings)
        beat = 0.0
        try:
            while True:
                if time.monotonic() - beat >= 1.0:
                    client.set(keys.ingester, "1", px=30_000)
                    beat = time.monotonic()
                read(client, keys, books)
                if self.signum is not None:
                    for proc in procs:
                        if proc.poll() is None:
                            proc.send_signal(self.signum)
                    self.signum = -abs(self.signum)  # forwarded once
                for proc in list(procs):
                    code = proc.poll()
                    if code is None or code in (0, EX_UNAVAILABLE):
                        continue
                    procs.remove(proc)
                    if code < 0 and -code not in (signal.SIGTERM, signal.SIGINT):
                        lost += 1
                        logger.warning("a worker died (signal %d)", -code)
                        if restarts and client.scard(keys.pending) and self.signum is None:
                            restarts -= 1
                            procs.append(self._spawn(keys))
                procs[:] = [p for p in procs if p.poll() is None]
                waited = time.monotonic() - self.started > 5 or self.workers
                if not procs and waited and not self._remote_alive(client, keys):
                    read(client, keys, books, block=1)
                    return lost
                if time.monotonic() - self.started > limit + 60:
                    for proc in procs:
                        proc.kill()
                    return lost + len(procs)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            delete_run(client, keys)

    def _remote_alive(self, client: Any, keys: Keys) -> bool:
        workers = [w.decode() for w in client.smembers(keys.workers)]
        if not workers:
            return not self.workers  # `krnews ingest`: waiting for the first worker
        return bool(client.exists(*[keys.alive(w) for w in workers]))

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self.signum is None:
            self.signum = signum

    def _close(self, books: RunBooks, lost: int) -> int:
        if self.signum is not None:
            books.stop_reason, books.signum = "stopped", abs(self.signum)
            books.stop_detail = signal.Signals(abs(self.signum)).name
        totals = {"pages": 0, "articles": 0, "duplicates": 0, "errors": 0}
        if books.store_failure is None:
            try:
                write_books(books, totals)  # type: ignore[arg-type]
            except sqlite3.Error as exc:
                books.failed(store_error(self.db, exc))
        status, exit_code = outcome(books, books.reason(lost), totals["errors"])  # type: ignore[arg-type]
        try:
            self.store.finish_run(books.run_id, status, exit_code, totals)
        except sqlite3.Error as exc:
            books.failed(store_error(self.db, exc))
            return EX_IOERR
        return exit_code

    def _summary(self, books: RunBooks) -> dict:
        summary = dict(self.store.run_summary(books.run_id))
        summary["seconds"] = round(time.monotonic() - self.started, 1)
        summary["stop_detail"] = books.stop_detail
        summary["pid"] = os.getpid()
        return summary
