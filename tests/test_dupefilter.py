"""The crawl's dupefilter (crawler.crawl.dupefilter): each request is judged once per run."""

from types import SimpleNamespace

from scrapy.http import Request

from crawler.crawl.dupefilter import StoredArticleFilter
from crawler.crawl.ledger import WorkLedger


class CountingStore:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def is_known_url(self, url: str) -> bool:
        self.asked.append(url)
        return url.endswith("/known")

    def recently_gone(self, url: str, days: float, run_id) -> bool:
        return False


def _filter(max_pages: int):
    store, refused = CountingStore(), []
    run = SimpleNamespace(
        store=store,
        ledger=WorkLedger(),
        run_id=1,
        sites={"고양신문": SimpleNamespace(max_pages=max_pages)},
        budget_reached=refused.append,
    )
    stats = SimpleNamespace(inc_value=lambda key, count=1: None)
    dupefilter = StoredArticleFilter()
    dupefilter.crawler = SimpleNamespace(get_extension=lambda cls: run, stats=stats)

    def seen(path: str) -> bool:
        meta = {"krnews_kind": "article", "site": "고양신문"}
        return dupefilter.request_seen(Request(f"http://127.0.0.51{path}", meta=meta))

    seen.dupefilter = dupefilter  # type: ignore[attr-defined]
    return seen, store, run, refused


def test_a_repeated_link_is_looked_up_once_and_spends_no_budget():
    seen, store, _run, refused = _filter(max_pages=2)
    assert seen("/news/1") is False
    # every list page of the site links the same article again
    assert [seen("/news/1") for _ in range(5)] == [True] * 5
    assert store.asked == ["http://127.0.0.51/news/1"]
    assert seen("/news/2") is False  # the budget of 2 was not spent on the repeats
    assert refused == []
    assert seen("/news/3") is True and refused == ["고양신문"]


def test_a_stored_article_is_settled_once_and_not_asked_again():
    seen, store, run, _refused = _filter(max_pages=10)
    assert seen("/known") is True and seen("/known") is True
    assert store.asked == ["http://127.0.0.51/known"]
    assert "http://127.0.0.51/known" in run.ledger.finished


def test_a_redirect_to_a_url_already_asked_settles_with_it():
    seen, _store, run, _refused = _filter(max_pages=10)
    assert seen("/news/5") is False
    redirected = Request(
        "http://127.0.0.51/news/5",
        meta={
            "krnews_kind": "article",
            "site": "고양신문",
            "redirect_urls": ["http://127.0.0.51/s/5"],
        },
    )
    assert seen.dupefilter.request_seen(redirected) is True  # the sitemap asked it already
    run.ledger.finish("http://127.0.0.51/news/5")
    assert run.ledger.settled("http://127.0.0.51/s/5")
