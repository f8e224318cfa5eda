"""What a run finished: validators only for work that was finished (issue 12).

A feed, sitemap or list page asked with a conditional GET (a "source") may keep the ETag and
Last-Modified of this run's answer only when every request it gave was settled in this run: the
article fetched and stored or judged not an article, a link that is gone for good (404, 410, a
redirect loop...), a deeper list page or sitemap that was itself settled all the way down. A
request that was refused (the site's max_pages budget, the run stopping), cancelled, or that
got no answer (timeout, reset) leaves its source unsettled: the next run fetches it again in
full and finds the work that is left. Nothing of this outlives the run; what
the next run needs is in the store (articles, http_cache).

Requests are known by the URL they were made for (the first of a redirect chain), so a link
that two pages give settles both. The spider middleware lets only the first request for a URL
go on to the scheduler (the repeats are a third of all requests; in paired runs of
bench/crawl.py stopping them there saved about 5% of the crawl's CPU); a redirect to a page
that the run asks anyway settles with that page.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from scrapy.http import Request

# Failure kinds (crawler.crawl.faults) that settle a link: the site gave its answer (recorded in
# `fetches`), after the retries for a 5xx. A link that got no answer (a timeout, a reset, a
# refused connection) is tried again by the next run, which needs its source in full for that.
FINAL_FAILURES = frozenset(
    {
        "http_404",
        "http_410",
        "http_4xx",
        "http_5xx",
        "redirect_loop",
        "too_large",
        "not_html",
        "robots_disallowed",
        "known_redirect",
        "offsite_redirect",
        "private_address",
    }
)


def request_key(request: Request | None) -> str:
    """The URL a request was made for: the first of its redirect chain."""
    if request is None:
        raise ValueError("a response without the request it answers")
    return request.meta.get("redirect_urls", [request.url])[0]


class WorkLedger:
    def __init__(self) -> None:
        # a list, not a set: a page gives each link once (spiders/links.py), and 2,000 sets of
        # links were 0.8 MB of the crawl's peak (bench/crawl.py)
        self.children: dict[str, list[str]] = defaultdict(list)
        self.finished: set[str] = set()  # its callback ran to the end, or it failed for good
        self.pending_items: Counter[str] = Counter()  # items yielded, not yet stored or dropped
        self.unsettled: set[str] = set()  # refused a request, or an item of it failed
        self.current: str | None = None  # the page whose callback is running
        self.given: dict[str, str] = {}  # every URL some page gave in this run, to itself

    def gave(self, parent: str, request: Request) -> bool:
        """Notes that `parent` gave `request`; False when an earlier page of the run gave it."""
        key = request_key(request)
        # one string per URL however many pages give it (each Request makes its own copy)
        child = self.given.get(key)
        first = child is None
        if child is None:  # not `if first`: mypy narrows `child` only on this test
            child = self.given[key] = key
        if child != parent:
            self.children[parent].append(child)
        return first

    def joined(self, request: Request) -> None:
        """A redirect led to a page that this run asks anyway (Scrapy's duplicate filter drops
        the redirected request): the link settles when that page does."""
        key = request_key(request)
        if key != request.url:
            self.children[key].append(request.url)
            self.finished.add(key)

    def refused(self) -> None:
        """The running callback wanted a request that was not made (budget, stop)."""
        if self.current is not None:
            self.unsettled.add(self.current)

    def item_out(self, key: str) -> None:
        self.pending_items[key] += 1

    def item_done(self, key: str, ok: bool = True) -> None:
        self.pending_items[key] -= 1
        if not ok:
            self.unsettled.add(key)

    def finish(self, key: str) -> None:
        self.finished.add(key)

    def settled(self, key: str) -> bool:
        """The request and everything it gave, all the way down, were settled in this run."""
        memo: dict[str, bool] = {}

        def walk(node: str) -> bool:
            if node in memo:
                return memo[node]
            memo[node] = True  # a cycle (two sections linking each other) settles itself
            ok = (
                node in self.finished
                and node not in self.unsettled
                and self.pending_items[node] <= 0
                and all(walk(child) for child in self.children.get(node, ()))
            )
            memo[node] = ok
            return ok

        return walk(key)
