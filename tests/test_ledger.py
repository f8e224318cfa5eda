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


def test_only_the_first_request_for_a_url_goes_on_and_every_page_that_gave_it_waits_for_it():
    ledger = WorkLedger()
    assert ledger.gave("http://x/list1", Request("http://x/a")) is True
    assert ledger.gave("http://x/list2", Request("http://x/a")) is False  # not scheduled again
    ledger.finish("http://x/list1")
    ledger.finish("http://x/list2")
    assert not ledger.settled("http://x/list2")  # the one request made settles both pages
    ledger.finish("http://x/a")
    assert ledger.settled("http://x/list1") and ledger.settled("http://x/list2")


def test_a_redirect_to_a_page_the_run_asks_anyway_settles_with_that_page():
    ledger = WorkLedger()
    ledger.gave("http://x/list", Request("http://x/short/5"))
    ledger.finish("http://x/list")
    # /short/5 answers 301 to the article's own URL, which a sitemap had asked already: Scrapy's
    # duplicate filter drops the redirected request, so /short/5 has no callback of its own
    ledger.joined(Request("http://x/news/5", meta={"redirect_urls": ["http://x/short/5"]}))
    assert not ledger.settled("http://x/list")
    ledger.finish("http://x/news/5")
    assert ledger.settled("http://x/list")


def test_the_spider_middleware_passes_a_repeated_link_on_once():
    from types import SimpleNamespace

    from scrapy.http import HtmlResponse

    from crawler.crawl.middlewares import LedgerMiddleware

    run = SimpleNamespace(ledger=WorkLedger())
    middleware = LedgerMiddleware(SimpleNamespace(get_extension=lambda cls: run))
    page = HtmlResponse("http://x/list2", request=Request("http://x/list2"))
    out = [
        Request("http://x/a"),
        Request("http://x/a"),  # the page links its lead story twice
        Request("http://x/robots.txt", dont_filter=True),
        Request("http://x/robots.txt", dont_filter=True),
    ]
    run.ledger.gave("http://x/list1", Request("http://x/b"))
    passed = list(middleware.process_spider_output(page, [*out, Request("http://x/b")]))
    assert [r.url for r in passed] == ["http://x/a", "http://x/robots.txt", "http://x/robots.txt"]
    assert set(run.ledger.children["http://x/list2"]) == {
        "http://x/a",
        "http://x/robots.txt",
        "http://x/b",
    }
