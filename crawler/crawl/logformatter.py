"""Log lines about items that name the page, not the whole item.

Scrapy's default logs a dropped or failed item with its repr; ours carry the raw page bytes, so
one list page dropped by the extract stage filled the log with a screen of escaped HTML.
"""

from __future__ import annotations

from scrapy.logformatter import LogFormatter


def _page(item) -> str:
    try:
        return f"{item.get('site', '?')} {item.get('url', '?')}"
    except AttributeError:
        return type(item).__name__


class PageLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        return {
            **result,
            "msg": "Dropped %(page)s: %(exception)s",
            "args": {"page": _page(item), "exception": exception},
        }

    def item_error(self, item, exception, response, spider):
        result = super().item_error(item, exception, response, spider)
        return {**result, "msg": "Error processing %(page)s", "args": {"page": _page(item)}}
