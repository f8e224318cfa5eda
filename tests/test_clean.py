from __future__ import annotations

import sqlite3

import pytest

from crawler.extract import boilerplate
from crawler.store.db import Store
from crawler.store.learned import MIN_ARTICLES, BoilerplateMemory
from pipelines.clean import CleanPipeline, clean_article

TITLE = "고양시, 통일한국 실리콘밸리 세계 네트워크 출범"
SUBTITLE = "104개국·285개 도시 참여… 글로벌 센터 건립 합의"
TEXT = [
    "최성 고양시장은 8일 세계한인무역협회와 투자유치 협정서를 체결하고 전략적 협력을 합의했다.",
    "협정서에는 고양시 관내 글로벌센터 건립과 청년 취업 알선, 창업스쿨 개설 등이 담겼다.",
    '시 관계자는 "광고 효과보다 실질적인 투자가 중요하다"며 "ⓒ 표시가 있는 사진은 쓰지 않는다"고 말했다.',
    "자세한 내용은 시 뉴스레터에서 볼 수 있다.",
    "시는 관련 기사를 모아 누리집에 올렸다.",
]


def article(paragraphs: list[str], **extra) -> dict:
    return {"title": TITLE, "subtitle": SUBTITLE, "paragraphs": paragraphs, "images": [], **extra}


# One line per kind the issue names; each must go, article text around it must stay.
KINDS = [
    (boilerplate.ANTI_SPAM, "• 도배방지 이미지"),
    (boilerplate.ANTI_SPAM, "자동등록방지 문자를 입력하세요"),
    (boilerplate.GALLERY, "메인사진"),
    (boilerplate.GALLERY, "1/2"),
    (boilerplate.DATELINE, "입력 : 2017/07/09 [14:18]"),
    (boilerplate.COPYRIGHT, "저작권자 © 고양일보 무단전재 및 재배포 금지"),
    (boilerplate.COPYRIGHT, "ⓒ 뉴스뷰 & newsview.co.kr 무단전재 및 재배포 금지"),
    (boilerplate.COPYRIGHT, "<저작권자 © 경기북부신문 무단전재 및 재배포금지>"),
    (boilerplate.COPYRIGHT, "ⓒ 시티뉴스. 무단전재-재배포, AI 학습 및 활용 금지"),
    (
        boilerplate.COPYRIGHT,
        (
            "한강일보 | 경기도 고양시 일산동구 중앙로 1 | 인터넷신문 등록번호 경기 아 50001 | "
            "발행·편집인 김한강 | 청소년보호책임자 이보호"
        ),
    ),
    (boilerplate.COPYRIGHT, "등록번호: 서울 아 01234  발행인: 홍길동  편집인: 김철수"),
    (boilerplate.RELATED, "[관련기사]"),
    (boilerplate.RELATED, "이 기사와 함께 많이 본 기사"),
    (boilerplate.SHARE, "페이스북"),
    (boilerplate.SHARE, "URL복사"),
    (boilerplate.COMMENT, "댓글쓰기"),
    (boilerplate.COMMENT, "댓글 정렬"),
    (boilerplate.TIPOFF, "시민일보에 제보하세요. 기사제보 및 보도자료 jebo@simin.kr"),
    (boilerplate.TIPOFF, "경기온뉴스 구독하기 · 카카오톡 채널 추가"),
    (boilerplate.AD, "광고"),
    (boilerplate.AD, "AD"),
]


@pytest.mark.parametrize(("kind", "line"), KINDS, ids=[f"{k}:{line}" for k, line in KINDS])
def test_each_boilerplate_kind_is_named_and_removed(kind: str, line: str) -> None:
    assert boilerplate.line_kind(line) == kind or boilerplate.is_tail_marker(line)
    body = clean_article(article([TEXT[0], line, TEXT[1]]))["body"]
    assert line not in body and TEXT[0] in body


def test_article_text_that_mentions_boilerplate_words_stays() -> None:
    for line in TEXT:
        assert boilerplate.line_kind(line) is None
    assert clean_article(article(TEXT))["body"] == "\n".join(TEXT)


def test_tail_markers_end_the_article() -> None:
    gallery = [
        "도배방지 이미지",
        "포토",
        "메인사진",
        "고양시 3개구 보건소, 치매관리사업 평가 ‘3관왕’ 달성",
        "1/2",
    ]
    assert clean_article(article(TEXT[:2] + gallery))["body"] == "\n".join(TEXT[:2])
    related = ["관련기사", "고양시, 청년 창업스쿨 1기 모집"]
    assert clean_article(article(TEXT[:1] + related))["body"] == TEXT[0]


def test_title_block_printed_twice_goes_even_when_the_subtitle_is_unknown() -> None:
    block = [TITLE, SUBTITLE, "한명식 기자 | 입력 : 2017/07/09 [14:18]"]
    assert clean_article(article(block + TEXT))["body"] == "\n".join(TEXT)
    unknown_subtitle = article(block + TEXT, subtitle=None)
    assert clean_article(unknown_subtitle)["body"] == "\n".join(TEXT)


def test_bylines_datelines_captions_and_repeats_go() -> None:
    caption = "월드옥타 투자유치 협약식에서 최성 고양시장과 박기출 회장이 악수하고 있다."
    paragraphs = [
        "[고양=홍길동 기자] " + TEXT[0],
        caption,
        TEXT[1],
        TEXT[1],  # printed twice by a carousel
        "입력 2024.05.12 10:31 | 수정 2024.05.12 11:00",
        "홍길동 기자 hong@goyang.kr",
    ]
    got = clean_article(article(paragraphs, images=[{"url": "http://x/1.jpg", "caption": caption}]))
    assert got["body"] == "\n".join(TEXT[:2])


def test_clean_does_not_change_its_input() -> None:
    source = article(["광고", TEXT[0]])
    clean_article(source)
    assert source["paragraphs"] == ["광고", TEXT[0]] and "body" not in source


@pytest.fixture
def db(tmp_path):
    # the counts are the store's (crawler.store.db.Store); articles 1 and 2 for the hook to read
    with Store(tmp_path / "news.db") as store:
        for article_id in (1, 2):
            store.db.execute(
                "INSERT INTO articles (id, url, site, body) VALUES (?, ?, 'hangang', '')",
                [article_id, f"https://a.kr/{article_id}"],
            )
        yield store


PROMO = "한강일보는 고양·파주·김포의 소식을 매일 전합니다."


def test_site_learned_boilerplate_needs_min_articles(db) -> None:
    memory = BoilerplateMemory(db)
    for n in range(MIN_ARTICLES):
        first = clean_article(article([TEXT[n % 3], PROMO], site="hangang"), memory)
        assert PROMO in first["body"]  # not learned yet
        memory.observe(db, "hangang", first["body"].split("\n"))
    learned = clean_article(article([TEXT[0], PROMO], site="hangang"), memory)
    assert learned["body"] == TEXT[0]
    # Another site has learned nothing.
    other = clean_article(article([TEXT[0], PROMO], site="nuri"), memory)
    assert PROMO in other["body"]


def test_one_article_counts_a_line_once_and_long_paragraphs_are_never_learned(db) -> None:
    memory = BoilerplateMemory(db, min_articles=2)
    memory.observe(db, "hangang", [PROMO, PROMO, PROMO])
    assert not memory.is_boilerplate("hangang", PROMO)
    long_paragraph = "가" * 400
    for _ in range(5):
        memory.observe(db, "hangang", [long_paragraph])
    assert not memory.is_boilerplate("hangang", long_paragraph)


def test_learning_survives_between_crawls(tmp_path) -> None:
    path = tmp_path / "news.db"
    with Store(path) as store:
        memory = BoilerplateMemory(store)
        for _ in range(MIN_ARTICLES):
            memory.observe(store, "hangang", [PROMO, TEXT[0]])
    with Store(path) as store:
        again = BoilerplateMemory(store)
        assert again.is_boilerplate("hangang", PROMO)


def test_store_hook_counts_the_stored_body(db) -> None:
    memory = BoilerplateMemory(db, min_articles=2)
    for article_id in (1, 2):
        memory.on_save(db, article_id, {"site": "hangang", "body": f"{TEXT[article_id]}\n{PROMO}"})
    assert memory.is_boilerplate("hangang", PROMO)
    assert not memory.is_boilerplate("hangang", TEXT[1])


def test_store_hook_counts_only_the_edge_lines(db) -> None:
    lines = [f"{n}번째 문단입니다." for n in range(10)]
    BoilerplateMemory(db).on_save(db, 1, {"site": "hangang", "body": "\n".join(lines)})
    counted = {row[0] for row in db.db.execute("SELECT line FROM boilerplate_lines")}
    assert counted == set(lines[:2] + lines[-4:])


def test_memory_on_a_new_store_or_none_has_learned_nothing(db) -> None:
    assert not BoilerplateMemory(db).is_boilerplate("s", PROMO)
    assert not BoilerplateMemory(None).is_boilerplate("s", PROMO)


def test_a_line_is_one_row_of_the_store(db) -> None:
    memory = BoilerplateMemory(db, min_articles=1)
    memory.observe(db, "hangang", [PROMO])
    assert memory.is_boilerplate("hangang", PROMO)
    assert db.db["boilerplate_lines"].count == 1


class FakeSettings(dict):
    def get(self, key, default=None):
        return super().get(key, default)

    def getint(self, key, default=0):
        return int(super().get(key, default))


class FakeCrawler:
    def __init__(self, settings: dict) -> None:
        self.settings = FakeSettings(settings)


def test_clean_pipeline_reads_the_store_named_in_settings(tmp_path) -> None:
    path = tmp_path / "news.db"
    with Store(path) as store:
        BoilerplateMemory(store).observe(store, "hangang", [PROMO])
    crawler = FakeCrawler({"KRNEWS_DB": str(path), "KRNEWS_BOILERPLATE_MIN_ARTICLES": 1})
    pipeline = CleanPipeline.from_crawler(crawler)
    try:
        item = pipeline.process_item(article([TEXT[0], PROMO], site="hangang"))
    finally:
        pipeline.close_spider()
    assert item["body"] == TEXT[0]


def test_articles_stored_before_a_line_was_learned_are_cleaned_when_the_run_ends(tmp_path) -> None:
    from pipelines.store import StorePipeline

    class Stats(dict):
        def inc_value(self, key, count=1):
            self[key] = self.get(key, 0) + count

        def set_value(self, key, value):
            self[key] = value

    promo = "▶ 고양일보 네이버 채널 구독하고 선물 받으세요"
    stories = [
        ["고양시가 호수공원 장미원을 새로 단장해 다음 달 문을 연다.", "장미 120종이 심겼다."],
        ["일산동구 보건소가 독감 예방접종 기간을 연장한다.", "접종은 평일 오전에만 한다."],
        ["덕양구 화정역 광장에서 주말 벼룩시장이 열린다.", "판매자 80팀이 참가한다."],
        ["고양시의회가 내년 예산안 심사에 들어갔다.", "심사는 12월 15일까지다."],
    ]
    stats = Stats()
    pipeline = StorePipeline(str(tmp_path / "news.db"), stats)
    pipeline.open_spider()
    memory = BoilerplateMemory(pipeline.store, MIN_ARTICLES)
    for i, paragraphs in enumerate(stories):
        cleaned = clean_article(
            {
                "url": f"https://a.kr/{i}",
                "site": "goyang",
                "title": f"기사 {i}",
                "paragraphs": [*paragraphs, promo],
                "images": [],
            },
            memory,
        )
        pipeline.process_item(cleaned)
    bodies = [r[0] for r in pipeline.store.db.execute("SELECT body FROM articles ORDER BY id")]
    # learned on the third article: the fourth is cleaned at once, the first three still carry it
    assert [promo in b for b in bodies] == [True, True, True, False]
    pipeline.close_spider()
    conn = sqlite3.connect(tmp_path / "news.db")
    bodies = [r[0] for r in conn.execute("SELECT body FROM articles ORDER BY id")]
    assert bodies == ["\n".join(p) for p in stories]
    assert stats["krnews/recleaned"] == 3
    # the trimmed articles were re-indexed, not counted again
    (count,) = conn.execute(
        "SELECT articles FROM boilerplate_lines WHERE line = ?", (promo,)
    ).fetchone()
    assert count == MIN_ARTICLES
    assert (
        conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '\"구독\"'"
        ).fetchone()[0]
        == 0
    )


def test_reposts_of_one_story_do_not_teach_their_own_lines(tmp_path) -> None:
    from crawler.store.db import Store

    memory = BoilerplateMemory()
    lead = "고양시가 내년부터 65세 이상 시민에게 시내버스 요금을 지원한다고 25일 밝혔다."
    lines = [lead, "지원 대상은 약 18만 명이며 교통카드로 자동 환급된다.", "예산은 92억 원이다."]
    body = "\n".join(lines)
    with Store(tmp_path / "news.db", on_save=[memory.on_save]) as store:
        for section in ("politics", "society", "welfare", "local"):
            store.save_article(
                {
                    "url": f"https://a.kr/{section}/1",
                    "site": "goyang",
                    "title": "버스 요금 지원",
                    "body": body,
                }
            )
        counts = dict(store.db.execute("SELECT line, articles FROM boilerplate_lines").fetchall())
    assert counts[lead] == 1 and memory.take_learned() == []


def test_photo_caption_lines_leave_the_body_agenda_lines_stay() -> None:
    agenda = ["△ 고양시 청년 기본 조례 일부개정조례안", "△ 2024년도 제1회 추가경정예산안 예비심사"]
    paragraphs = [
        TEXT[0],
        "△ 9일 고양시의회 기획행정위원회 회의에서 위원들이 안건을 심사하고 있다.",
        TEXT[1],
        "위원회는 이날 다음 안건도 함께 처리했다.",
        *agenda,
        "[사진] 지난해 일산호수공원에서 열린 가을꽃축제 모습.",
        "【사진】 고양시청 전경",
        "▲ 부평구의 한 경로당에 마련된 무더위쉼터.",
        "특위는 연장된 기간에 △사고 당일 지휘 체계 △임시 제방 관리를 조사한다.",
    ]
    body = clean_article(article(paragraphs))["body"].split("\n")
    assert body == [
        TEXT[0],
        TEXT[1],
        "위원회는 이날 다음 안건도 함께 처리했다.",
        *agenda,
        "특위는 연장된 기간에 △사고 당일 지휘 체계 △임시 제방 관리를 조사한다.",
    ]
    assert boilerplate.line_kind("[사진] 고양시청 전경") == boilerplate.CAPTION


def test_caption_lines_become_the_captions_of_the_photos_that_have_none() -> None:
    paragraphs = [
        TEXT[0],
        "[사진] 지난해 일산호수공원에서 열린 가을꽃축제 모습.",
        TEXT[1],
        "△ 9일 고양시의회 본회의 모습",
    ]
    images = [
        {"url": "http://x.kr/1.jpg", "caption": None},
        {"url": "http://x.kr/2.jpg", "caption": "고양시청 전경"},
        {"url": "http://x.kr/3.jpg", "caption": None},
    ]
    cleaned = clean_article(article(paragraphs, images=images))
    assert [img["caption"] for img in cleaned["images"]] == [
        "지난해 일산호수공원에서 열린 가을꽃축제 모습.",
        "고양시청 전경",
        "9일 고양시의회 본회의 모습",
    ]
    assert cleaned["body"] == "\n".join(TEXT[:2])
    assert images[0]["caption"] is None  # the input article is left as it was


# Other languages' lines of the same kinds (the corpus of real pages has them in German,
# Spanish, Polish, English): a lead-in to another story, buttons, newsletter prompts, labels.
WESTERN = [
    (boilerplate.RELATED, "Lea también: Impiden ingreso a Nicaragua a reportero"),
    (boilerplate.RELATED, "VEA TAMBIÉN: Entre heces y guaricha"),
    (boilerplate.RELATED, "Read more: Looted colonial art returns home"),
    (boilerplate.RELATED, "Czytaj też"),
    (boilerplate.RELATED, "Schon gelesen?"),
    (boilerplate.SHARE, "Zurück zur Startseite"),
    (boilerplate.SHARE, "Print Recipe"),
    (boilerplate.TIPOFF, "Zum Newsletter anmelden"),
    (boilerplate.TIPOFF, "Subscribe to email updates"),
    (boilerplate.CREDIT, "Aktualisiert:"),
    (boilerplate.CREDIT, "Quelle: Deutscher Jagdverband (DJV)"),
]
WESTERN_TEXT = [
    "Mira, la ciudad entera salió a la calle para celebrar el triunfo del equipo local.",
    "Weitere Informationen erhalten Sie beim Ordnungsamt der Stadt unter der Rufnummer 1234.",
    "Read more about the plan in the council's report, which was published on Monday.",
    "Der Verein bietet einen Newsletter an, den rund 2.000 Mitglieder abonniert haben.",
]


def test_a_page_whose_whole_body_is_boilerplate_is_not_an_article() -> None:
    from crawler.extract.verdict import NotAnArticle
    from pipelines.clean import clean_article

    footer = next(line for _kind, line in KINDS if "청소년보호책임자" in line)
    with pytest.raises(NotAnArticle) as rejected:
        clean_article({"title": "라이프", "paragraphs": [footer, "ⓒ 한강일보"]})
    assert rejected.value.reason == "no_body"


@pytest.mark.parametrize(("kind", "line"), WESTERN, ids=[f"{k}:{line}" for k, line in WESTERN])
def test_western_boilerplate_lines_are_named(kind: str, line: str) -> None:
    assert boilerplate.line_kind(line) == kind


def test_western_sentences_that_use_the_same_words_stay() -> None:
    for line in WESTERN_TEXT:
        assert boilerplate.line_kind(line) is None, line


def test_letters_page_prompts_are_tipoff_lines():
    for line in (
        "We want to hear what you think about this article.",
        "Submit a letter to the editor",
    ):
        assert boilerplate.line_kind(line) == boilerplate.TIPOFF, line


def test_an_ad_label_leading_a_line_marks_the_line():
    for line in (
        "ANZEIGE - Heute mal ausgehen oder bestellen?",
        "*Werbung. Dieser Beitrag enthält Werbung",
    ):
        assert boilerplate.line_kind(line) == boilerplate.AD, line
    assert boilerplate.line_kind("Werbungskosten können von der Steuer abgesetzt werden.") is None


def test_western_dates_figure_captions_and_lead_ins_are_boilerplate_lines():
    for kind, line in (
        (boilerplate.DATELINE, "Publiziert: 03.04.2020, 12:35"),
        (boilerplate.DATELINE, "Aktualisiert am 17.01.2021."),
        (boilerplate.DATELINE, "23.10.2018"),
        (boilerplate.CAPTION, "Abbildung 4: klassische Schwachschicht."),
        (boilerplate.CAPTION, "Figure 2: Snow depth on the glacier"),
        (boilerplate.RELATED, "À lire aussi » Ballonnements, lourdeurs"),
        (boilerplate.RELATED, "Dowiedz się więcej: Kto jak głosował?"),
        (boilerplate.RELATED, "Lesen Sie hier: Spielabbruch in der Kreisliga"),
        (boilerplate.RELATED, "Weitere Beiträge aus der Kolumne:"),
        (boilerplate.RELATED, "weitere Inhalte zu »Preise«"),
        (boilerplate.RELATED, "Sie könnten auch an folgenden Artikeln interessiert sein"),
        (boilerplate.RELATED, "Das Thema könnte dich auch interessieren:"),
        (boilerplate.RELATED, "Inhaltsverzeichnis"),
        (boilerplate.RELATED, "Audios et vidéos sur le sujet"),
    ):
        assert boilerplate.line_kind(line) == kind, line
    # The same words in a sentence of the story are text.
    for line in (
        "Am 03.04.2020 hat der Rat beschlossen, die Schulen zu schließen.",
        "Abbildung 4 zeigt die klassische Schwachschicht im Profil.",
        "Weitere Beiträge zum Haushalt will die Stadt im Juni veröffentlichen, sagte er.",
    ):
        assert boilerplate.line_kind(line) is None, line


def test_an_author_box_heading_ends_the_article():
    text = ["Fische empfinden Schmerz, sagen Forscher.", "Über den Autor", "Christoph angelt."]
    assert clean_article(article(text))["body"] == text[0]


def test_newsletter_and_paywall_pleas_are_tipoff_lines():
    for line in (
        "Never miss the latest news by signing up to our newsletter today!",
        "Receive our monthly newsletter to stay on top of the latest articles.",
        "Subscribe now to our eNATION edition for the full story.",
        "If you’re seeing this message but you’re already a subscriber, you can log in.",
    ):
        assert boilerplate.line_kind(line) == boilerplate.TIPOFF, line
    line = "The club said 2,000 members had signed the petition its newsletter printed."
    assert boilerplate.line_kind(line) is None
