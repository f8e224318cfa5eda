"""crawler.crawl.ledger: a page is settled only when all the work it gave was done in the run."""

from __future__ import annotations

from scrapy.http import Request

from crawler.crawl.ledger import WorkLedger


def test_settled_all_the_way_down():
    ledger = WorkLedger()
    ledger.gave("http://x/list1", Request("http://x/a1"))
    ledger.gave("http://x/list1", Request("http://x/list2"))
    ledger.gave("http://x/list2", Request("http://x/a2"))
    ledger.finish("http://x/list1")
    ledger.finish("http://x/list2")
    ledger.item_out("http://x/a1")
    ledger.finish("http://x/a1")
    assert not ledger.settled("http://x/list1")  # a1's article is still in the pipelines
    ledger.item_done("http://x/a1")
    assert ledger.settled("http://x/a1")
    assert not ledger.settled("http://x/list1")  # the second list page's article never came
    ledger.finish("http://x/a2")
    assert ledger.settled("http://x/list1")


def test_a_refused_request_or_a_failed_item_unsettles_its_page():
    ledger = WorkLedger()
    ledger.current = "feed"
    ledger.refused()  # the max_pages budget, or the run stopping
    ledger.current = None
    ledger.finish("feed")
    assert not ledger.settled("feed")

    ledger.gave("sitemap", Request("http://x/a"))
    ledger.finish("sitemap")
    ledger.finish("http://x/a")
    ledger.item_out("http://x/a")
    ledger.item_done("http://x/a", ok=False)  # the store could not take it
    assert not ledger.settled("sitemap")


def test_a_redirected_request_is_known_by_its_first_url_and_cycles_settle():
    ledger = WorkLedger()
    ledger.gave("http://x/a", Request("http://x/b"))  # two sections linking each other
    ledger.gave("http://x/b", Request("http://x/a"))
    ledger.finish("http://x/a")
    ledger.finish("http://x/b")
    assert ledger.settled("http://x/a")
    redirected = Request("http://x/target", meta={"redirect_urls": ["http://x/short"]})
    ledger.gave("http://x/a", redirected)
    assert "http://x/short" in ledger.children["http://x/a"]
    assert not ledger.settled("http://x/a")
