"""A live per-site progress line on a terminal (off under cron: stderr is not a TTY there).

A log record printed on stderr (a warning) first clears the line, so that it starts a line of its
own; the next tick draws the progress line again below it.
"""

from __future__ import annotations

import logging
import shutil
import sys

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressLine:
    """Every second, one line on stderr: per site, pages fetched / articles stored / errors."""

    def __init__(self, crawler, stream=sys.stderr):
        self.crawler = crawler
        self.stream = stream
        self.loop: task.LoopingCall | None = None
        self.drawn = False
        self._handlers: list[logging.Handler] = []

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("KRNEWS_PROGRESS") or not sys.stderr.isatty():
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        stats = self.crawler.stats
        parts = []
        for name in getattr(self.crawler.spider, "states", {}):
            pages = stats.get_value(f"krnews/pages/{name}", 0)
            stored = stats.get_value(f"krnews/stored/{name}", 0)
            errors = stats.get_value(f"krnews/errors/{name}", 0)
            parts.append(f"{name} {pages}p/{stored}a" + (f"/{errors}e" if errors else ""))
        return " | ".join(parts)

    def draw(self) -> None:
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write("\r" + self.line()[:width].ljust(width))
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * (shutil.get_terminal_size((100, 20)).columns - 1) + "\r")
            self.stream.flush()
            self.drawn = False

    def filter(self, record: logging.LogRecord) -> bool:
        """A logging filter on the stderr handlers: the line makes way for the record."""
        self.clear()
        return True

    def opened(self, spider) -> None:
        for handler in logging.getLogger().handlers:
            if getattr(handler, "stream", None) in (sys.stderr, self.stream):
                handler.addFilter(self)
                self._handlers.append(handler)
        self.loop = task.LoopingCall(self.draw)
        self.loop.start(1.0, now=False)

    def closed(self, spider, reason) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        for handler in self._handlers:
            handler.removeFilter(self)
        self._handlers.clear()
        self.drawn = True
        self.clear()
