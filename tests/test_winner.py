"""Which block is the article on a page no profile knows, in the cases real pages broke: a
ticker of short items beside a story split over containers, a Drupal teaser list whose class
names a body, a layout wrapper whose modifier class mentions a sidebar."""

from __future__ import annotations

from lxml import html

from crawler.extract.profiles import headline
from crawler.extract.profiles.classwords import is_skipped
from pipelines.clean import clean_article
from pipelines.extract import extract_page

STORY = [
    f"<p>고양시는 {i}일 시청에서 열린 회의에서 내년 예산안을 발표했다. 복지와 교통 예산이 가장 크게 "
    f"늘었고, 시민들은 이를 환영했다고 시 관계자가 전했다.</p>"
    for i in range(1, 9)
]
LONG = [p.replace("고양시는", "고양시는") for p in STORY] + [
    f"<p>고양시는 {i}일 시청에서 열린 회의에서 내년 예산안을 발표했다. 복지와 교통 예산이 가장 크게 "
    f"늘었고, 시민들은 이를 환영했다고 시 관계자가 전했다.</p>"
    for i in range(9, 31)
]
TICKER = "".join(
    f"<p>속보 {i}, 파주시 교통, 김포시 날씨, 일산 행사, 주말 일정 안내 {i}</p>" for i in range(16)
)


def stored(raw: str) -> str:
    return clean_article(extract_page(raw.encode(), "https://news.example.kr/news/1234"))["body"]


def page(body: str, title: str = "고양시 내년 예산 3조 원 편성") -> str:
    return f"""<html><head><title>{title} - 고양신문</title></head><body>
    <div class="layout">{body}</div><footer>ⓒ 고양신문</footer></body></html>"""


def test_a_story_split_under_its_headline_beats_a_ticker_of_short_items():
    # A story long enough (LONG) that nothing after its branch joins it.
    split = (
        '<div class="story"><h1>고양시 내년 예산 3조 원 편성</h1>'
        + "".join(f'<div class="part">{"".join(LONG[i : i + 10])}</div>' for i in (0, 10, 20))
        + "</div>"
    )
    body = stored(
        page(
            f'<div class="col-main"><div class="box">{split}</div></div>'
            f'<div class="col-side"><div class="box"><div class="latest"><div class="list">'
            f'<div class="ticker">{TICKER}</div></div></div></div></div>'
        )
    )
    assert "고양시는 1일" in body and "고양시는 30일" in body
    assert "속보" not in body


def test_the_headline_is_the_h1_that_the_title_repeats():
    doc = html.fromstring(page("<h1>바로가기 메뉴</h1><h1>고양시 내년 예산 3조 원 편성</h1>"))
    found = headline.page_headline(doc.find("body"))
    assert found is not None and found.text == "고양시 내년 예산 3조 원 편성"
    # A section heading that only names the topic of the <title> is not the headline.
    doc = html.fromstring(
        page(
            "<h1>고양시 소식 모음 안내 - 우리 동네 고양시 뉴스와 행사와 날씨</h1><h1>오늘의 날씨 정보</h1>",
            title="고양시 소식 모음 안내",
        )
    )
    assert headline.page_headline(doc.find("body")) is None
    # A page's only <h1> is its headline, however its <title> words the story.
    doc = html.fromstring(page("<h1>예산 3조 원 시대 연 고양시</h1>"))
    assert headline.page_headline(doc.find("body")) is not None


def test_a_drupal_teaser_list_called_view_content_is_not_the_body():
    teasers = "".join(
        f'<div class="views-row"><a href="/n/{i}">다른 기사 제목 {i}번, 고양시 소식</a>'
        f"<p>다른 기사의 요약 {i}: 파주시가 새 도서관을 열었다. 주민들이 반겼다고 전했다.</p></div>"
        for i in range(30)
    )
    body = stored(
        page(
            f'<div class="main"><h1>고양시 내년 예산 3조 원 편성</h1>'
            f'<div class="node">{"".join(STORY)}</div></div>'
            f'<div class="bottom"><div class="block"><div class="view-content">{teasers}</div>'
            "</div></div>"
        )
    )
    assert "고양시는 1일" in body
    assert "다른 기사" not in body


def test_a_named_body_of_links_gives_way_to_prose_elsewhere():
    # "entry-content" on a gallery of linked teasers: its text is long, its prose is not.
    links = "".join(
        f'<li><a href="/n/{i}">다른 기사 제목 {i}번: 파주시 새 도서관 개관, 주민들 반겨</a></li>'
        for i in range(40)
    )
    body = stored(
        page(
            f'<div class="entry-content"><ul>{links}</ul></div>'
            f'<div class="node"><h1>고양시 내년 예산 3조 원 편성</h1>{"".join(STORY)}</div>'
        )
    )
    assert "고양시는 1일" in body
    assert "다른 기사" not in body


def test_a_wrapper_that_has_a_sidebar_is_not_the_sidebar():
    assert not is_skipped(html.fromstring('<div class="layout-container has-sidebar">x</div>'))
    assert not is_skipped(html.fromstring('<div class="page no-sidebars with-navigation">x</div>'))
    assert is_skipped(html.fromstring('<div class="region-sidebar">x</div>'))
    raw = page(
        f'<div class="layout-container has-sidebar"><h1>고양시 내년 예산 3조 원 편성</h1>'
        f'<div class="node">{"".join(STORY)}</div></div>'
        '<div class="sidebar"><p>많이 본 뉴스: 파주시 새 도서관 개관, 주민들 반겨 (3)</p></div>'
    )
    body = stored(raw)
    assert "고양시는 1일" in body and "고양시는 8일" in body
    assert "많이 본" not in body


def test_a_body_blogger_writes_into_a_script_template_and_a_noscript_is_read():
    # The named body's text is all in a <script type="text/template"> and its <noscript> copy:
    # measured with them, it looked like a long body and was pruned to nothing.
    story = "".join(STORY)
    raw = page(
        '<div class="post"><h1>고양시 내년 예산 3조 원 편성</h1>'
        f'<div class="post-body" itemprop="articleBody"><script type="text/template">{story}'
        f"</script><noscript>{story}</noscript></div></div>"
        '<div class="blog-info"><p>고양신문은 고양시의 소식을 전하는 지역 신문입니다. 시정과 의회, 학교와 마을의 이야기를 매일 전하며, 독자 여러분의 제보와 의견을 언제나 기다립니다.</p></div>'
    )
    body = stored(raw)
    assert "고양시는 1일" in body and "고양시는 8일" in body
