"""Every fixture page through extract + clean: exact fields, the right profile, no boilerplate."""

from __future__ import annotations

import pytest
from eval_gate import boilerplate_lines, fixtures, run_ours
from scrapy.exceptions import DropItem

from crawler.extract import profiles
from crawler.extract.charset import CharsetError
from pipelines.clean import CleanPipeline
from pipelines.extract import ExtractPipeline, NotAnArticle, extract_page

FIXTURES = fixtures()
FIELDS = ("title", "subtitle", "author", "author_email", "published", "updated", "section", "body")


def test_enough_fixtures_over_enough_families() -> None:
    families = {f.expected["profile"] for f in FIXTURES}
    assert len(FIXTURES) >= 40
    assert len(families - {"generic"}) >= 6 and "generic" in families


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture(fixture) -> None:
    got = run_ours(fixture)
    want = fixture.expected
    assert got["profile"] == want["profile"]
    assert {k: got[k] for k in FIELDS} == {k: want[k] for k in FIELDS}
    assert got["images"] == want["images"]
    assert boilerplate_lines(got["body"]) == []
    captions = {img["caption"] for img in got["images"]}
    assert not captions & set(got["body"].split("\n")), "a caption leaked into the body"


SEED = next(f for f in FIXTURES if f.name == "legacy/seed_newsview")


def test_seed_page_has_every_kind_of_boilerplate_removed() -> None:
    got = run_ours(SEED)
    body = got["body"]
    for junk in ("도배방지", "메인사진", "1/2", "기사입력", "입력 :", "무단전재", "ⓒ", "포토"):
        assert junk not in body
    assert body.count(got["title"]) == 0 and got["subtitle"] not in body
    assert body.startswith("- 러시아·노르웨이·미국 등")
    assert body.endswith("심도높은 협의를 하고 향후 지속적인 협력을 요청했다.")


def test_extract_keeps_paragraphs_and_normalises_once() -> None:
    article = extract_page(SEED.body, SEED.url, SEED.headers)
    assert article["profile"] == "legacy"
    assert all(p == p.strip() and "  " not in p and "\xa0" not in p for p in article["paragraphs"])
    assert "body" not in article  # the clean stage sets it


def test_profile_can_be_forced_and_unknown_name_is_an_error() -> None:
    article = extract_page(SEED.body, SEED.url, SEED.headers, profile="generic")
    assert article["profile"] == "generic"
    with pytest.raises(profiles.UnknownProfile):
        extract_page(SEED.body, SEED.url, SEED.headers, profile="no-such-cms")


def test_charset_override_is_used() -> None:
    article = extract_page(SEED.body, SEED.url, {}, charset="euc-kr")
    assert article["title"] == SEED.expected["title"]
    with pytest.raises(CharsetError):
        extract_page(SEED.body, SEED.url, {}, charset="utf-8")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://x.kr/news/articlePrint.html?idxno=1", "print_url"),
        ("http://x.kr/news/articleList.html?sc_section_code=S1N1", "list_url"),
    ],
)
def test_non_articles_by_url(url: str, reason: str) -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract_page(SEED.body, url, SEED.headers)
    assert caught.value.reason == reason


def test_a_saved_file_is_judged_by_its_content_not_its_path() -> None:
    article = extract_page(SEED.body, "file:///home/me/print/share/comment.html", SEED.headers)
    assert article["profile"] == "legacy" and article["title"] == SEED.expected["title"]


def test_list_page_of_a_known_family_is_judged_on_its_page() -> None:
    # The family's body XPath misses on its list page; the generic body it falls back to is
    # the list of headlines, which the verdict rejects (not the missed selector).
    ndsoft = next(f for f in FIXTURES if f.expected["profile"] == "ndsoft")
    text = ndsoft.body.decode("utf-8")
    start, end = (
        text.index('<article id="article-view-content-div"'),
        text.index("</article>", text.index('id="article-view-content-div"')),
    )
    as_list = (text[:start] + text[end + len("</article>") :]).encode("utf-8")
    with pytest.raises(NotAnArticle) as caught:
        extract_page(as_list, "http://x.kr/", ndsoft.headers)
    assert caught.value.reason == "link_list"
    assert caught.value.verdict.kind == "list"


def test_a_list_of_headlines_on_an_unknown_site_is_not_an_article() -> None:
    rows = "".join(
        f'<li><a href="/read.php?id={n}">고양시 소식 {n}번째 기사의 제목이 여기에 들어갑니다</a> '
        f"<span>2024.05.{n:02d}</span></li>"
        for n in range(1, 21)
    )
    page = f'<html><head><meta charset="utf-8"><title>뉴스</title></head><body><ul>{rows}</ul>'
    with pytest.raises(NotAnArticle) as caught:
        extract_page(f"{page}</body></html>".encode(), "http://x.kr/news-today", {})
    assert caught.value.reason == "link_list"


def test_error_page_is_not_an_article() -> None:
    page = (
        '<html><head><meta charset="utf-8"><title>404</title></head><body>'
        "<h1>페이지를 찾을 수 없습니다</h1><p>주소를 확인하세요.</p></body></html>"
    ).encode()
    with pytest.raises(NotAnArticle) as caught:
        extract_page(page, "http://x.kr/view.php?id=404", {})
    assert caught.value.reason == "no_body"


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def page_item(fixture, **changes) -> dict:
    item = {
        "url": fixture.url, "site": "newsview", "status": 200, "headers": fixture.headers,
        "body": fixture.body, "fetched_at": "2026-11-25T03:41:00+00:00", "profile": "auto",
        "charset": None, "section": "지역뉴스",
        "requested_url": "http://www.newsview.co.kr/read.html?uid=30812",
    }  # fmt: skip
    item.update(changes)
    return item


def test_pipelines_turn_a_page_item_into_an_article() -> None:
    stats = Stats()
    article = ExtractPipeline(stats).process_item(page_item(SEED))
    article = CleanPipeline(None).process_item(article)
    assert article["site"] == "newsview" and article["fetched_at"].endswith("+00:00")
    assert article["requested_url"] == "http://www.newsview.co.kr/read.html?uid=30812"
    assert article["section"] == "지역"  # the page's own section beats the spider's hint
    assert article["body"] == SEED.expected["body"]
    assert stats.values == {}


def test_pipeline_uses_the_section_hint_when_the_page_has_none() -> None:
    unknown = next(f for f in FIXTURES if f.expected["profile"] == "generic")
    article = ExtractPipeline(Stats()).process_item(page_item(unknown))
    assert article["section"] == "지역뉴스"


def test_pipeline_drops_and_counts_non_articles_and_charset_failures() -> None:
    stats = Stats()
    pipeline = ExtractPipeline(stats)
    with pytest.raises(DropItem, match="^print_url"):
        pipeline.process_item(page_item(SEED, url="http://x.kr/print.html?uid=1"))
    with pytest.raises(DropItem, match="^charset: "):
        pipeline.process_item(page_item(SEED, body=bytes(range(128, 256)) * 40))
    assert stats.values == {
        "item_dropped_reasons_count/print_url": 1,
        "item_dropped_reasons_count/charset": 1,
    }
