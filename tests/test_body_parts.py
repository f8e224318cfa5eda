"""Bodies in more than one piece: the lead ("Teaser", intro) printed between the headline and the
body container is the body's first paragraph, teaser lists and anything after the body are not;
a body a CMS writes as a run of content elements is all of them."""

from __future__ import annotations

from lxml import html

from crawler.extract.profiles import density
from crawler.extract.profiles.classwords import is_skipped
from pipelines.clean import clean_article
from pipelines.extract import extract_page

BODY = "".join(
    f"<p>고양시는 {i}일 시청에서 열린 회의에서 내년 예산안을 발표했다. 시민들은 이를 환영했다.</p>"
    for i in range(1, 8)
)
LEAD = "고양시가 내년 예산을 올해보다 8% 늘린 3조 원으로 편성했다고 밝혔다. 복지 예산이 가장 크게 늘었다."


def page(header_extra: str = "", after: str = "") -> bytes:
    return f"""<html><head><title>고양시 내년 예산 3조 원 - 고양신문</title>
    <meta property="og:title" content="고양시 내년 예산 3조 원"></head><body>
    <nav><a href="/">홈</a></nav>
    <article><header><h1>고양시 내년 예산 3조 원</h1>{header_extra}</header>
    <div class="article-body">{BODY}</div>{after}</article>
    <footer>ⓒ 고양신문</footer></body></html>""".encode()


def body_of(raw: bytes) -> str:
    return clean_article(extract_page(raw, "https://news.example.kr/news/1234"))["body"]


def body_with(inner: str) -> str:
    """The stored body of the page with `inner` at the top of its body container."""
    return body_of(
        page().replace(b'<div class="article-body">', f'<div class="article-body">{inner}'.encode())
    )


def test_a_lead_before_the_body_container_opens_the_body():
    body = body_of(page(f'<div class="article-intro"><p>{LEAD}</p></div>'))
    assert body.split("\n")[0] == LEAD
    assert body.count(LEAD) == 1


def test_a_lead_deep_in_the_header_or_called_chapo_opens_the_body():
    # A utility-class header nests the lead six levels below where it meets the body's branch.
    deep = "".join("<div>" for _ in range(6)) + f'<p class="lead">{LEAD}</p>' + "</div>" * 6
    assert body_of(page(deep)).split("\n")[0] == LEAD
    assert body_of(page(f'<p class="af-chapo">{LEAD}</p>')).split("\n")[0] == LEAD
    assert body_of(page(f'<p class="DefaultEinleitung">{LEAD}</p>')).split("\n")[0] == LEAD


def test_a_field_whose_label_is_hidden_is_still_the_story():
    # Drupal writes "field--label-hidden" on the field that holds the text; "hidden" alone hides.
    field = f'<div class="node"><div class="field field--label-hidden">{BODY}</div></div>'
    raw = page().replace(f'<div class="article-body">{BODY}</div>'.encode(), field.encode())
    assert "고양시는 7일" in body_of(raw)
    assert not is_skipped(html.fromstring('<div class="field field--label-hidden">x</div>'))
    assert is_skipped(html.fromstring('<div class="field hidden">x</div>'))


def test_a_teaser_list_of_links_or_a_block_after_the_body_stays_out():
    links = f'<div class="teaser"><p><a href="/news/2">{LEAD}</a></p></div>'
    after = f'<div class="teaser-text"><p>{LEAD}</p></div>'
    body = body_of(page(links, after))
    assert LEAD not in body
    assert body.startswith("고양시는 1일")


def test_a_label_is_not_a_lead():
    body = body_of(page('<p class="intro">정치</p>'))
    assert body.startswith("고양시는 1일")


def test_a_body_written_as_a_run_of_content_elements_is_all_of_them():
    frames = "".join(
        f'<div class="frame frame-default" id="c{i}"><div class="ce-textpic">'
        f'<div class="ce-bodytext"><p>{i}번째 단락입니다. 고양시는 내년 예산안을 발표했고, 시민들은 '
        f"이를 환영했다. 시의회는 다음 달 심의를 시작한다. 예산은 복지와 교통에 쓰인다.</p>"
        f"{'<p>추가 설명이 이어진다. 시는 설명회를 연다고 밝혔다.</p>' * (i % 2)}</div></div></div>"
        for i in range(1, 5)
    )
    raw = f"""<html><head><title>고양시 예산</title></head><body><nav><a href="/">홈</a></nav>
    <main><h1>고양시 내년 예산 3조 원</h1><div class="content">{frames}</div>
    <div class="frame frame-related"><ul><li><a href="/n/2">다른 기사 제목입니다</a></li></ul>
    </div></main></body></html>""".encode()
    body = body_of(raw)
    for i in range(1, 5):
        assert f"{i}번째 단락입니다." in body
    assert "다른 기사" not in body


def test_a_caption_whose_image_never_loaded_is_not_a_paragraph():
    figure = (
        '<figure><picture><source srcset="/a.webp"></picture>'
        "<figcaption>고양시청 전경. 사진=고양시 제공</figcaption></figure>"
        '<div class="photo-caption">호수공원 산책로. 사진=독자 제공</div>'
    )
    body = body_with(figure)
    assert "고양시청 전경" not in body and "호수공원 산책로" not in body
    assert body.startswith("고양시는 1일")


def test_a_story_section_whose_class_mentions_ads_is_text_an_ad_box_is_not():
    prose = "시의회는 다음 달 예산안 심의를 시작한다. 복지와 교통 예산이 쟁점이 될 전망이다. " * 6
    inner = (
        f'<section class="Report__Section--Ads"><h2>쟁점</h2><p>{prose}</p></section>'
        '<div class="ad-box"><p>광고 문의 031-000-0000</p></div>'
    )
    body = body_with(inner)
    assert prose.strip()[:40] in body
    assert "광고 문의" not in body


def test_see_also_boxes_ad_plugin_blocks_and_legends_inside_the_body_go():
    inner = (
        '<div class="lee-tambien-caja"><p>시 예산 관련 다른 소식도 함께 보세요. 지난달 발표된 내용입니다.</p></div>'
        '<div class="code-block code-block-2"><p>지금 바로 상담 신청하시면 할인 혜택을 드립니다.</p></div>'
        '<div class="rightImageHighslide"><div class="legend">호수공원 전경. 사진=고양시</div></div>'
        '<div class="aawp-disclaimer"><p>이 글에는 제휴 링크가 포함되어 있을 수 있습니다.</p></div>'
    )
    body = body_with(inner)
    for gone in ("다른 소식", "상담 신청", "호수공원 전경", "제휴 링크"):
        assert gone not in body, gone
    assert body.startswith("고양시는 1일")


def test_a_comma_heavy_table_inside_the_story_does_not_win_over_the_story():
    # 150 names score more commas than the whole letter: the table alone used to win.
    signatories = ", ".join(["김철수", "이영희", "박민수"] * 50)
    letter = "".join(
        f"<p>{i}. 우리는 시의회가 예산 심의를 공개로, 투명하게, 신속하게 진행하기를 요구한다. "
        "시민의 알 권리는 보장되어야 하며 위원회 회의록도 빠짐없이 공개되어야 한다.</p>"
        for i in range(1, 16)
    )
    raw = f"""<html><head><title>공개 서한</title></head><body><main>
    <h1>시의회에 보내는 공개 서한</h1><div class="wysiwyg-content">{letter}
    <table><tr><td>{signatories}</td></tr></table></div></main></body></html>""".encode()
    body = body_of(raw)
    assert "1. 우리는 시의회가" in body and "15. 우리는 시의회가" in body


def _module(cls: str, inner: str) -> str:
    # A page builder's module: the text sits a few wrappers deep.
    return (
        f'<div class="container-fluid {cls}"><div class="container"><div class="row">'
        f'<div class="col-12">{inner}</div></div></div></div>'
    )


def test_a_story_split_over_page_builder_modules_is_all_of_them():
    # smava.de, qualisys.eu: an intro module, the text module that wins, a second text module
    # under it, each in its own wrappers (no run of one class for _repeated_blocks to find).
    intro = (
        "<p>Wie hoch die Zinsen für einen Privatkredit sind und wie die Berechnung der Zinsen "
        "erfolgt, erfahren Sie hier.</p>"
    )
    text = "".join(
        f"<p>Die Zinsen hängen zunächst von der Kredithöhe ab, {i}, und dann von der Laufzeit, "
        "vom effektiven Jahreszins und von Ihrer Bonität.</p>"
        for i in range(1, 5)
    )
    more = (
        "<p>Ein unbefristetes Arbeitsverhältnis sowie Vermögenswerte bzw. Sicherheiten senken "
        "den Zins, den die Bank verlangt.</p>"
    )
    links = "<ul>" + "".join(f'<li><a href="/k/{i}">Ratgeber Kredit {i}</a></li>' for i in range(6))
    raw = f"""<html><head><title>Privatkredit-Zinsen</title></head><body>
    <div class="page-wrapper"><h1>Privatkredit-Zinsen</h1>{_module("top-module", intro)}
    <div class="container-fluid content-module"><div class="card"><div class="card-body">
    <div class="row"><div class="col-12 text">{text}</div></div></div></div></div>
    {_module("image-text-module", more)}{_module("link-module", links + "</ul>")}
    </div></body></html>""".encode()
    body = body_of(raw)
    assert body.startswith("Wie hoch die Zinsen")
    assert "Die Zinsen hängen zunächst von der Kredithöhe ab, 4," in body
    assert "Ein unbefristetes Arbeitsverhältnis" in body
    assert "Ratgeber Kredit" not in body


def test_prose_after_a_long_story_stays_out_its_intro_comes_in():
    # Under a long story, a prose block of the layout is its furniture (a call to action, a
    # subscription plea); the intro above it is the story's first paragraph. A buy box beside
    # the story's branch stays out whatever its place.
    text = "".join(
        f"<p>Der Stadtrat hat am Montag den Haushalt beschlossen, {i}, nach langer Debatte über "
        "Schulen, Straßen und den Nahverkehr, die bis in den Abend dauerte.</p>"
        for i in range(1, 20)
    )
    raw = f"""<html><head><title>Haushalt beschlossen</title></head><body><main>
    <div class="c-article-buy-box"><div class="inner"><p>Instant access to the full article PDF,
    for one price, with the tax of your country included at checkout.</p></div></div>
    <div class="story"><div class="top"><h1>Haushalt beschlossen</h1>
    <div class="standfirst-box"><p>Nach zwölf Stunden Debatte steht der Haushalt der Stadt für
    das kommende Jahr, mit mehr Geld für Schulen.</p></div></div>
    <div class="wrap"><div class="text">{text}</div></div></div>
    <div class="cta-global"><div class="inner"><p>Missed the main event? Watch all sessions of
    our conference on demand, for free, wherever you are.</p></div></div>
    </main></body></html>""".encode()
    body = body_of(raw)
    assert body.startswith("Nach zwölf Stunden Debatte")
    assert "die bis in den Abend dauerte." in body
    assert "Missed the main event?" not in body
    assert "Instant access" not in body


def test_long_paragraphs_beside_the_winning_container_are_the_story():
    # de.starsinsider.com: the opening paragraphs stand as plain <p> beside the <div> that holds
    # the rest; a <p> gets no score of its own, so only Readability's length rule brings it in.
    opening = (
        "<p>고양시는 올해 처음으로 시민 참여 예산 제도를 도입해 주민이 직접 사업을 제안하고 "
        "투표로 결정하도록 했다. 시는 제안된 사업 가운데 스무 건을 골라 내년 예산에 반영한다. "
        "참여한 시민은 모두 삼천 명을 넘었다</p>"
    )
    linked = f'<p><a href="/news/9">{"다른 기사 제목입니다 " * 6}</a></p>'
    raw = f"""<html><head><title>시민 참여 예산</title></head><body>
    <h1>시민 참여 예산</h1><div class="news-main-text">{opening}{linked}
    <div>{BODY}{BODY}</div></div><footer>ⓒ 고양신문</footer></body></html>""".encode()
    body = body_of(raw)
    assert body.startswith("고양시는 올해 처음으로")
    assert "고양시는 7일" in body
    assert "다른 기사 제목" not in body


def test_a_plain_paragraph_before_the_bodys_branch_is_its_intro():
    # muffinrezept.net: the intro <p> stands two levels above the container of the steps; the
    # climb takes prose blocks beside the branch, and a <p> is one though it has no score.
    intro = (
        "<p>고양시는 올해 처음으로 시민 참여 예산 제도를 도입해 주민이 직접 사업을 제안하고 "
        "투표로 결정하도록 했다. 시는 제안된 사업 가운데 스무 건을 골라 내년 예산에 반영한다. "
        "참여한 시민은 모두 삼천 명을 넘었다</p>"
    )
    raw = f"""<html><head><title>시민 참여 예산</title></head><body>
    <h1>시민 참여 예산</h1><div class="recipe">{intro}<div class="box"><div class="steps">
    {BODY}{BODY}</div></div></div><footer>ⓒ 고양신문</footer></body></html>""".encode()
    body = body_of(raw)
    assert body.startswith("고양시는 올해 처음으로")
    assert "고양시는 7일" in body


def test_a_widget_whose_class_and_id_say_post_does_not_win_over_the_story():
    # gizmeo.eu: "post-ratings" on class and id scores +50 on its words with 27 characters,
    # more than a story of a few short paragraphs without commas.
    ratings = '<div class="post-ratings" id="post-ratings-1">평점 4.5점 투표 12명 별점을 눌러 이 기사를 평가해 주세요</div>'
    three = "".join(
        f"<p>고양시는 {i}일 시청에서 열린 회의에서 내년 예산안을 발표했다. 시민들은 환영했다.</p>"
        for i in (1, 2, 3)
    )
    doc = html.fromstring(f'<html><body><div class="wrap">{three}{ratings}</div></body></html>')
    winner = density._winner(density.measure(doc.find("body")))
    assert winner is not None and winner.el.get("class") == "wrap"
