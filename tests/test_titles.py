"""Titles and authors as the page shows them: CMS title affixes, site-learned affixes and
accounts, no_title for a page whose only title is the site's name (crawler/extract/titles.py,
crawler/extract/clues.py, crawler/extract/profiles/naming.py)."""

from __future__ import annotations

import pytest

from crawler.extract import bylines, titles
from crawler.extract.verdict import NotAnArticle
from crawler.store.db import Store
from crawler.store.learned import BoilerplateMemory
from pipelines.clean import clean_article
from pipelines.extract import extract_page

STORIES = [
    ("한빛시", "도서관 건립", "예산 120억 원", "2026년 개관"),
    ("교육청", "통학버스 점검", "차량 48대", "안전 교육"),
    ("시의회", "조례안 심사", "상임위원회", "본회의 상정"),
    ("소방서", "화재 예방", "전통시장 점포", "소화기 비치"),
    ("보건소", "독감 접종", "어르신 3천 명", "무료 접종"),
]


def story(i: int) -> str:
    who, what, much, then = STORIES[i % len(STORIES)]
    return (
        f"<p>{who}는 {i + 2}일 {what} 계획을 발표하고 {much} 규모의 사업을 추진한다고 밝혔다.</p>"
        f"<p>{what} 사업은 {then}을 목표로 하며, {who} 관계자는 주민 의견을 더 듣겠다고 했다.</p>"
        f"<p>{much}에 대해서는 {who}가 {then} 전까지 세부 일정을 공개할 예정이다.</p>"
    )


BODY = story(0)


def page(
    title: str, heading: str = "", head_extra: str = "", body_extra: str = "", i: int = 0
) -> bytes:
    BODY = story(i)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>{head_extra}</head><body>'
        f'<div id="logo"><a href="/"><img src="/logo.png" alt="한빛타임즈"></a></div>'
        f'{heading}<div class="article-body">{BODY}{body_extra}</div>'
        "<p>등록 2024.03.05 10:20</p></body></html>"
    ).encode()


URL = "http://www.hanbit.example/bbs/board.php?bo_table=news&wr_id=7"


@pytest.mark.parametrize(
    ("declared", "headline"),
    [
        (
            "한빛시 새 청사 설계 공모 결과 발표 > 시정소식 | 한빛타임즈",
            "한빛시 새 청사 설계 공모 결과 발표",
        ),
        ("한빛시 새 청사 설계 공모 결과 발표 - 한빛타임즈", "한빛시 새 청사 설계 공모 결과 발표"),
        (
            "한빛시 새 청사 설계 공모 결과 발표 < 행정 < 기사본문 - 한빛타임즈",
            "한빛시 새 청사 설계 공모 결과 발표",
        ),
        ("한빛타임즈 - 한빛시 새 청사 설계 공모 결과 발표", "한빛시 새 청사 설계 공모 결과 발표"),
        ("한빛시 새 청사 설계 공모 결과 발표 - 자유게시판", "한빛시 새 청사 설계 공모 결과 발표"),
        ("한빛시 새 청사 설계 공모 결과 발표 :: 한빛 이야기", "한빛시 새 청사 설계 공모 결과 발표"),
        ("[한빛타임즈] 한빛시 새 청사 설계 공모 결과 발표", "한빛시 새 청사 설계 공모 결과 발표"),
        ("[단독] 한빛시 새 청사 설계 공모 결과 발표", "[단독] 한빛시 새 청사 설계 공모 결과 발표"),
        ("K-팝 공연 3:1 경쟁 뚫은 한빛시 청년들", "K-팝 공연 3:1 경쟁 뚫은 한빛시 청년들"),
    ],
)
def test_declared_title_loses_what_the_cms_glues_on(declared: str, headline: str) -> None:
    # As the fallback of a page that shows no heading: the rules of each CMS shape.
    assert titles.headline_of(declared, {"한빛타임즈"}) == headline
    got = extract_page(page(declared), URL)
    assert got["title"] == headline


def test_the_visible_heading_wins_over_the_declared_title() -> None:
    # gnuboard: the whole <title> again in a hidden <h1>, the headline in a span of the <h2>.
    heading = (
        '<h1 id="hd_h1">한빛시 새 청사 설계 공모 > 시정소식 | 한빛타임즈</h1>'
        '<h2 id="bo_v_title"><span class="bo_v_cate">행정</span> '
        '<span class="bo_v_tit">한빛시 새 청사 설계 공모</span></h2>'
    )
    got = extract_page(page("한빛시 새 청사 설계 공모 > 시정소식 | 한빛타임즈", heading), URL)
    assert got["title"] == "한빛시 새 청사 설계 공모"
    # A JSON-LD headline worded a little differently from the <h1>: the <h1> is the headline.
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "한빛시 새 청사 설계 공모 결과 발표, 시민 의견 반영"}</script>'
    )
    h1 = "<h1>한빛시 새 청사 설계공모 결과 발표… 시민 의견 반영</h1>"
    got = extract_page(page("한빛타임즈", h1, head_extra=ld), URL)
    assert got["title"] == "한빛시 새 청사 설계공모 결과 발표… 시민 의견 반영"


def test_a_title_that_is_only_the_site_name() -> None:
    # A legacy page: <title> is the site's name, the headline a bold cell of the table layout.
    cell = "<table><tr><td><b>한빛시 새 청사 설계 공모 결과 발표</b></td></tr></table>"
    assert (
        extract_page(page("한빛타임즈", cell), URL)["title"] == "한빛시 새 청사 설계 공모 결과 발표"
    )
    # No headline anywhere: not stored under the site's name.
    with pytest.raises(NotAnArticle) as err:
        extract_page(page("한빛타임즈"), URL)
    assert err.value.reason == "no_title"


def _crawl(tmp_path, pages: list[tuple[str, bytes]], threshold: int = 3) -> list[dict]:
    """Pages of one site through extract, clean (handed the learned lines) and the store."""
    stored = []
    with Store(tmp_path / "news.db") as store:
        memory = BoilerplateMemory(store, threshold)
        store.on_save.append(memory.on_save)
        for url, raw in pages:
            article = extract_page(raw, url)
            article["site"] = "hanbit"
            article = clean_article(article, memory)
            store.save_article(article)
            stored.append(article)
    return stored


def test_an_affix_that_repeats_across_the_site_is_learned(tmp_path) -> None:
    # An affix no rule names (a long slogan after "~"), on every page of one made-up site.
    heads = [
        f"한빛시 {w} 주민 설명회 열어" for w in ("동부권", "서부권", "남부권", "북부권", "도심권")
    ]
    raw = [
        (f"{URL}{i}", page(f"한빛의 아침을 여는 정론지 한빛타임즈 ~ {h}", i=i))
        for i, h in enumerate(heads)
    ]
    got = [a["title"] for a in _crawl(tmp_path, raw)]
    assert got[:3] == [f"한빛의 아침을 여는 정론지 한빛타임즈 ~ {h}" for h in heads[:3]]
    assert got[3:] == heads[3:]  # learned after three pages: the site's, not the article's


def test_a_declared_title_that_is_the_same_on_every_page_is_no_title(tmp_path) -> None:
    raw = [(f"{URL}{i}", page("한빛 지역 소식", i=i)) for i in range(4)]
    with pytest.raises(NotAnArticle) as err:
        _crawl(tmp_path, raw)
    assert err.value.reason == "no_title"


ACCOUNT = '<meta name="author" content="한빛소식">'


def test_an_account_on_every_page_gives_way_to_the_byline(tmp_path) -> None:
    names = ["김하늘", "이서준", "박지민", "최유나"]
    raw = [
        (f"{URL}{i}", page(f"한빛시 주민 설명회 {i}번째 열어", head_extra=ACCOUNT,
                           body_extra=f"<p>{n} 기자 {i}@hanbit.example</p>", i=i))
        for i, n in enumerate(names)
    ]  # fmt: skip
    got = [(a["author"], a["author_email"]) for a in _crawl(tmp_path, raw)]
    assert got[3] == ("최유나", "3@hanbit.example")
    assert [a for a, _ in got[:3]] == ["한빛소식"] * 3  # not yet known to be the account


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="author" content="편집국">',
        '<meta name="author" content="한빛타임즈">',
        '<meta property="og:site_name" content="한빛일보"><meta name="author" content="한빛일보">',
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",'
            ' "author": {"@type": "Organization", "name": "한빛"}}</script>'
        ),
    ],
)
def test_a_desk_or_the_site_is_no_author(meta: str) -> None:
    got = extract_page(
        page("한빛시 새 청사 설계 공모 결과 발표 - 한빛타임즈", head_extra=meta), URL
    )
    assert got["author"] is None
    byline = "<p>한빛일보 편집국 기자 desk@hanbit.example</p>"
    got = extract_page(page("한빛시 새 청사 설계 공모 - 한빛타임즈", body_extra=byline), URL)
    assert got["author"] is None


def test_a_desk_byline_has_no_name() -> None:
    assert bylines.parse_byline("온라인뉴스팀 기자").name is None
    assert bylines.parse_byline("[한빛=김하늘 기자]").name == "김하늘"
    assert (
        bylines.is_desk("보도자료") and bylines.is_desk("사회부") and not bylines.is_desk("김민국")
    )
