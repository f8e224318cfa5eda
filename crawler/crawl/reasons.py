"""Why an item was dropped or a request refused, as data: `.reason` is a short slug.

The slug is what the stats count (`item_dropped_reasons_count/<reason>`) and what a `fetches`
row keeps as its kind (docs/internals.md); the message is for people. Nothing splits or matches
message text to learn the reason.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem, IgnoreRequest


class Dropped(DropItem):
    """An item pipeline gave up on a page: `reason` is `charset`, a NotAnArticle reason
    (`link_list`, `no_body`, ...) or `store_error`."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(f"{reason}: {message}" if message else reason)
        self.reason = reason


class Refused(IgnoreRequest):
    """A request that is not made: `reason` is `robots_disallowed`, `redirect_loop`,
    `offsite_redirect`, `private_address`, `known_redirect` or `stopped` (the run is
    ending)."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(f"{reason}: {message}" if message else reason)
        self.reason = reason
