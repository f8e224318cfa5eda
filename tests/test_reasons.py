"""Reasons travel as data (crawler/crawl/reasons.py): what a fetch row or a stat says is `.reason`,
never a piece of a message."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from twisted.python.failure import Failure

from crawler.crawl.faults import failure_kind
from crawler.crawl.reasons import Dropped, Refused
from crawler.crawl.redirects import GuardedRedirectMiddleware
from pipelines.extract import ExtractPipeline


@pytest.mark.parametrize(
    "reason", ["robots_disallowed", "redirect_loop", "known_redirect", "stopped"]
)
def test_a_refused_request_is_its_reason_whatever_its_message(reason):
    failure = Failure(Refused(reason, "redirect loop: robots.txt disallows a known article"))
    assert failure_kind(failure)[0] == reason


def test_a_redirect_past_the_limit_is_a_redirect_loop_of_ours():
    crawler = SimpleNamespace(settings=Settings({"REDIRECT_MAX_TIMES": 3}), spider=None)
    guard = GuardedRedirectMiddleware(crawler.settings)
    guard.crawler = crawler
    request = Request("http://x.kr/a4", meta={"redirect_times": 3})
    response = HtmlResponse(request.url, status=302, headers={"Location": "/a5"}, request=request)
    with pytest.raises(Refused) as refused:
        guard.process_response(request, response)
    assert refused.value.reason == "redirect_loop"


def test_the_extract_stage_drops_with_the_verdicts_reason():
    class Stats(dict):
        def inc_value(self, key, count=1):
            self[key] = self.get(key, 0) + count

    stats = Stats()
    item = {"url": "http://x.kr/bbs/print.php?bo_table=news&wr_id=1", "site": "x", "body": b""}
    with pytest.raises(Dropped) as dropped:
        ExtractPipeline(stats).process_item(item)
    assert dropped.value.reason == "print_url"
    assert stats == {"item_dropped_reasons_count/print_url": 1}
