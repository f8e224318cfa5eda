"""The sub-headline (deck) as the page shows it: wherever a template prints it, in its lines."""

from __future__ import annotations

from pipelines.clean import CleanPipeline
from pipelines.extract import extract_page

BODY = "".join(
    f"<p>고양시는 {n}일 일산 호수공원 일대에서 주민 설명회를 열고 산책길 조성 계획을 밝혔다. "
    f"시 관계자는 {n}번째 구간 공사를 내년 봄까지 마무리하겠다고 말했다.</p>"
    for n in range(1, 6)
)


def _clean(page: str, url: str) -> dict:
    article = extract_page(page.encode("utf-8"), url, {"content-type": "text/html; charset=utf-8"})
    return CleanPipeline().process_item(article)


def test_a_deck_with_a_prefixed_class_in_a_table_layout() -> None:
    # a 2000s table CMS: the title block twice, the deck cell's class carries the template's prefix
    block = (
        '<tr><td class="art_title">고양 호수공원 야간 산책길 조성</td></tr>'
        '<tr><td class="art_sub_title">조명 120개 설치… 밤 11시까지 개방</td></tr>'
        '<tr><td class="art_writer">김하늘 기자 | 입력 : 2024/05/04 [11:25]</td></tr>'
    )
    page = (
        '<html><head><meta charset="utf-8"><title>신문</title></head><body><table>'
        f'{block}</table><table id="art_read">{block}<tr><td class="art_body">{BODY}</td></tr>'
        "</table></body></html>"
    )
    article = _clean(page, "http://x.kr/read.html?uid=7&section=sc1")
    assert article["subtitle"] == "조명 120개 설치… 밤 11시까지 개방"
    assert "조명 120개" not in article["body"]


def test_a_two_line_deck_keeps_its_line_break() -> None:
    page = (
        '<html><head><meta charset="utf-8"><title>호수공원 산책길 - 신문</title></head><body>'
        "<article><h1>고양 호수공원 야간 산책길 조성</h1>"
        '<h4 class="subheading">조명 120개 설치<br>밤 11시까지 개방</h4>'
        '<div class="byline">김하늘 기자 | 입력 2024.05.04 11:25</div>'
        f'<div id="article-view-content-div">{BODY}</div></article></body></html>'
    )
    article = _clean(page, "http://x.kr/news/articleView.html?idxno=7")
    assert article["subtitle"] == "조명 120개 설치\n밤 11시까지 개방"


def test_a_deck_of_a_generic_class_on_a_page_a_family_profile_reads() -> None:
    # a view.php page (a family profile with its own deck rule) printing the deck under a
    # generic class the profile does not name
    page = (
        '<html><head><meta charset="euc-kr"><title>호수공원 산책길</title></head><body>'
        '<div class="view_head"><h2 class="view_title">고양 호수공원 야간 산책길 조성</h2>'
        '<div class="sub_title">조명 120개 설치… 밤 11시까지 개방</div>'
        '<div class="view_info">김하늘 기자 | 등록 2024.05.04 11:25</div></div>'
        f'<div id="news_content">{BODY}</div></body></html>'
    )
    article = _clean(page, "http://x.kr/news/view.php?no=7")
    assert article["subtitle"] == "조명 120개 설치… 밤 11시까지 개방"


def test_a_link_or_a_long_block_is_not_a_deck() -> None:
    page = (
        '<html><head><meta charset="utf-8"><title>호수공원 산책길</title></head><body>'
        "<article><h1>고양 호수공원 야간 산책길 조성</h1>"
        '<div class="sidebar_subtitle"><a href="/news/1">많이 본 뉴스</a></div>'
        '<div class="byline">김하늘 기자 | 입력 2024.05.04 11:25</div>'
        f'<div id="article-view-content-div">{BODY}</div></article></body></html>'
    )
    assert _clean(page, "http://x.kr/news/articleView.html?idxno=8")["subtitle"] is None


def test_the_section_kicker_over_the_headline_is_not_the_bodys_first_line() -> None:
    page = (
        '<html><head><meta charset="utf-8"><title>호수공원 산책길</title>'
        '<meta property="article:section" content="사회"></head><body><article>'
        '<a class="kicker" href="/section/society">사회</a>'
        "<h1>고양 호수공원 야간 산책길 조성</h1>"
        '<div class="byline">김하늘 기자 | 입력 2024.05.04 11:25</div>'
        f"{BODY}</article></body></html>"
    )
    article = _clean(page, "http://x.kr/article/20240504000007")
    assert article["section"] == "사회"
    assert article["body"].split("\n")[0].startswith("고양시는 1일")
