"""The story that only a page's scripts carry (crawler/extract/profiles/scriptdata.py).

Each fixture under tests/fixtures/scriptdata/ is a page of one shape (Next.js app-router flight
data, __NEXT_DATA__, Nuxt 2 __NUXT__, Nuxt 3 __NUXT_DATA__, JSON-LD articleBody) whose HTML holds
no story, or a page whose HTML holds the story and a script copy of it too (extracted as before).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extract.profiles import scriptdata
from pipelines.clean import clean_article
from pipelines.extract import NotAnArticle, extract_page, parse_html

HERE = Path(__file__).parent / "fixtures" / "scriptdata"
URL = "https://news.example/article/20250314000123"


def page(name: str) -> bytes:
    return (HERE / name).read_bytes()


def article(name: str) -> dict:
    return clean_article(extract_page(page(name), URL))


# name, headline, published, first words of the story, last words of the story, what must not
# get in (navigation, related teasers, ads, the loading notice).
SHAPES = [
    (
        "next_app.html",
        "해오름시 공공도서관 24시간 열람실 시범 운영",
        "2025-03-14T09:30:00+09:00",
        "해오름시가 다음 달부터 중앙도서관 2층 열람실을",
        "본 사업으로 이어가겠다”고 말했다.",
        ("시내버스 노선", "청년 월세", "구독하면", "불러오고", "오피니언", "무단전재"),
    ),
    (
        "next_data.html",
        "바닷가 마을 초등학교, 전교생 모두 수영 배운다",
        "2025-04-02T14:05:00+09:00",
        "동백군 갈매초등학교가 올해부터",
        "즐기도록 돕겠다”고 말했다.",
        ("해수욕장", "수산시장", "구독하면", "생존 수영 주 1회", "오피니언"),
    ),
    (
        "nuxt2.html",
        "산불 감시 드론 스무 대, 봄철 야산 순찰 나선다",
        "2025-03-20T07:00:00+09:00",
        "초록군이 산불이 잦은 봄철을 맞아",
        "신고해 달라”고 당부했다.",
        ("봄꽃 축제", "농기계", "구독하면", "산림과 제공 사진"),
    ),
    (
        "nuxt3.html",
        "폐교를 마을 도서관으로, 주민 손으로 고친 별빛학교",
        "2025-05-09T10:00:00+09:00",
        "은하면 주민들이 8년 동안 비어 있던",
        "웃음소리가 들린다”며 웃었다.",
        ("ShallowReactive", "eunha.example", "$smenu"),
    ),
    (
        "jsonld_body.html",
        "시장 골목 빈 점포에 청년 공방 열두 곳 입주",
        "2025-06-11T16:20:00+09:00",
        "새벽시 구도심 전통시장 빈 점포 열두 곳에",
        '불이 다시 켜졌다"고 말했다.',
        ("새벽타임즈", "gtag", "&quot;"),
    ),
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s[0] for s in SHAPES])
def test_story_from_scripts(shape) -> None:
    name, title, published, first, last, never = shape
    got = article(name)
    body = got["body"]
    assert got["title"] == title
    assert got["published"] == published
    assert body.startswith(first), body[:80]
    assert body.endswith(last), body[-80:]
    assert len(got["paragraphs"]) >= 4  # paragraphs kept apart, not one blob
    for junk in never:
        assert junk not in body, junk
    assert "<" not in body and "\\u" not in body  # decoded, not markup or escapes


def test_flight_story_goes_through_the_body_stages() -> None:
    got = article("next_app.html")
    # Its subheading is a paragraph, its photo an image with the caption, out of the text;
    # the closing byline feeds the author fields and the clean stage drops it and the notice.
    assert "이용 방법" in got["paragraphs"]
    assert got["images"] == [
        {
            "url": "https://img.haeoreum.example/2025/03/library.jpg",
            "caption": "중앙도서관 2층 열람실 모습. 해오름시 제공",
        }
    ]
    assert "해오름시 제공" not in got["body"]
    assert (got["author"], got["author_email"]) == ("박서준", "sjpark@haeoreum.example")
    assert "sjpark@" not in got["body"] and "ⓒ" not in got["body"]


def _without_scripts(monkeypatch) -> None:
    monkeypatch.setattr(scriptdata, "script_story", lambda doc: None)


@pytest.mark.parametrize("shape", SHAPES, ids=[s[0] for s in SHAPES])
def test_the_same_pages_without_the_script_reader_miss_the_story(shape, monkeypatch) -> None:
    name, first = shape[0], shape[3]
    _without_scripts(monkeypatch)
    try:
        got = article(name)
    except NotAnArticle as err:
        assert err.reason == "no_body"
    else:  # a footer or a loading notice at best
        assert first not in got["body"]


def test_story_in_the_html_is_not_read_from_scripts(monkeypatch) -> None:
    """A long story in the HTML: the scripts are not even scanned, the result is as before."""
    doc = parse_html(page("in_html.html").decode("utf-8"))
    assert scriptdata._prose(doc.find("body")) >= scriptdata.SLIVER  # a story, not a sliver
    seen = article("in_html.html")

    def refuse(doc):
        raise AssertionError("scripts scanned although the HTML holds the story")

    monkeypatch.setattr(scriptdata, "script_story", refuse)
    assert article("in_html.html") == seen
    assert seen["body"].startswith("물빛구가 물빛천 산책로")
    assert seen["author"] == "서지훈"
    assert seen["body"].count("물빛구가 물빛천 산책로") == 1  # the script's copy did not join


def test_short_story_in_the_html_stays_as_it_is(monkeypatch) -> None:
    """A brief shorter than a sliver is looked up in the scripts; its copy there is no longer,
    so the page's own body stays, images and all."""
    doc = parse_html(page("brief.html").decode("utf-8"))
    assert scriptdata.script_story(doc) is not None  # the copy is found ...
    seen = article("brief.html")
    _without_scripts(monkeypatch)
    assert article("brief.html") == seen  # ... and changes nothing
    assert seen["body"].startswith("달빛동 주민센터가 리모델링 공사로")


# -- the flight data's own shapes, on small pages built here ------------------------------------

STORY = (
    "<p>푸른강시가 강변 자전거길 12㎞ 구간의 낡은 포장을 새로 깐다. 공사는 이달 말 시작해 장마 전에 끝낸다. "
    "시는 공사 기간 동안 구간마다 우회로를 알리는 안내판을 세우고, 밤에는 작업하지 않기로 했다.</p>"
    "<p>자전거 동호회는 그동안 갈라진 포장 때문에 넘어지는 사고가 잦았다며 공사를 반겼다. "
    "시는 공사를 마친 뒤 구간마다 쉼터 여섯 곳과 공기 주입기 네 대도 새로 놓을 계획이다.</p>"
    "<p>시 관계자는 “자전거로 출퇴근하는 시민이 해마다 늘고 있다”며 “안전한 길을 만들겠다”고 했다.</p>"
)
TITLE = "푸른강시 강변 자전거길 12㎞ 다시 포장"
DESC = "푸른강시가 강변 자전거길 12㎞ 구간의 낡은 포장을 새로 깐다."


def _flight_page(payload: str, pieces: int = 3, head: str = "") -> bytes:
    """A page whose flight data is `payload`, cut into `pieces` pushes as Next.js streams it."""
    size = -(-len(payload) // pieces)
    chunks = [payload[i : i + size] for i in range(0, len(payload), size)]
    escaped = (json.dumps(c).replace("<", "\\u003c") for c in chunks)  # as Next.js writes it
    pushes = "".join(f"<script>self.__next_f.push([1,{e}])</script>" for e in escaped)
    return (
        f'<html><head><meta charset="utf-8"><title>{TITLE} | 푸른강신문</title>'
        f'<meta property="og:title" content="{TITLE}"><meta property="og:type" content="article">'
        f'<meta name="description" content="{DESC}">{head}</head>'
        f"<body><h1>{TITLE}</h1><p>잠시만 기다려 주세요</p>{pushes}</body></html>"
    ).encode()


def test_flight_text_row_counts_bytes_not_characters() -> None:
    """`7:T<hex>,` is followed by that many UTF-8 bytes (a Hangul syllable is three), then the
    next row at once; the row is referenced as "$7" from the tree."""
    size = format(len(STORY.encode()), "x")
    tree = json.dumps(["$", "article", None, {"dangerouslySetInnerHTML": {"__html": "$7"}}])
    teaser = json.dumps({"title": "다른 기사", "lead": "푸른강시 " + "시정 소식 " * 40})
    payload = f"7:T{size},{STORY}8:{teaser}\n0:{tree}\n"
    got = clean_article(extract_page(_flight_page(payload), URL))
    assert got["body"].startswith("푸른강시가 강변 자전거길")
    assert got["body"].endswith("“안전한 길을 만들겠다”고 했다.")
    assert "시정 소식" not in got["body"] and "다른 기사" not in got["body"]


def test_longest_agreeing_string_wins_over_teasers_and_unrelated_text() -> None:
    other = (
        "<p>바람골군이 올가을 국화 축제를 열흘 동안 연다. 축제장에는 국화 화분 삼만 개가 놓이고, "
        "주말마다 지역 가수 공연과 농산물 장터가 열린다. 군은 축제 기간 셔틀버스를 하루 스무 번 운행하고 "
        "임시 주차장 세 곳을 마련한다. 입장료는 받지 않으며 반려동물과 함께 들어갈 수 있다. "
        "축제 추진위원회는 올해 방문객을 지난해보다 이만 명 많은 십오만 명으로 내다봤다.</p>" * 3
    )
    row = json.dumps({"related": [{"contentHtml": other}], "article": {"contentHtml": STORY}})
    got = clean_article(extract_page(_flight_page(f"5:{row}\n"), URL))
    assert got["body"].startswith("푸른강시가 강변 자전거길")
    assert "국화" not in got["body"]  # three times as long, but not this page's story


def test_scan_is_bounded(monkeypatch) -> None:
    """Past MAX_SCAN characters of script text nothing more is read: a story beyond that many
    megabytes of flight data is not found, one within it is."""
    filler = "1:" + json.dumps(["x" * 100] * 3000) + "\n"  # ~300,000 characters of data
    row = "5:" + json.dumps({"article": {"contentHtml": STORY}}) + "\n"
    doc = parse_html(_flight_page(filler + row, pieces=10).decode())
    assert scriptdata.script_story(doc) is not None
    monkeypatch.setattr(scriptdata, "MAX_SCAN", 100_000)
    assert scriptdata.script_story(doc) is None


def test_plain_page_without_scripts_is_still_no_body() -> None:
    bare = f"<html><head><title>{TITLE}</title></head><body><p>짧은 안내</p></body></html>"
    with pytest.raises(NotAnArticle) as err:
        extract_page(bare.encode(), URL)
    assert err.value.reason == "no_body"


def test_script_that_agrees_with_nothing_is_not_a_story() -> None:
    """Long strings that share neither the description's start nor the headline's words
    (a config, a privacy notice) never become the body."""
    notice = "개인정보 처리방침 안내: 본 누리집은 방문 기록을 통계 목적으로만 보관합니다. " * 8
    head = f"<script>window.__APP_STATE__={json.dumps({'notice': notice})}</script>"
    doc = parse_html(_flight_page("0:[]\n", pieces=1, head=head).decode())
    assert scriptdata.script_story(doc) is None


def test_store_serialised_as_a_js_string_with_js_escapes() -> None:
    """`window.__INITIAL_STATE__=JSON.parse("{…}")` (Redux, Apollo): the literal is JSON, read
    once more; `\\x3C` and `\\'` are JS escapes that JSON does not know."""
    state = json.dumps({"article": {"body": STORY.replace("시민이", "시민's")}}, ensure_ascii=False)
    literal = json.dumps(state, ensure_ascii=False).replace("<", "\\x3C").replace("'", "\\'")
    head = f"<script>window.__INITIAL_STATE__=JSON.parse({literal});</script>"
    got = clean_article(extract_page(_flight_page("0:[]\n", pieces=1, head=head), URL))
    assert got["body"].startswith("푸른강시가 강변 자전거길")
    assert "시민's" in got["body"] and "x3C" not in got["body"]
