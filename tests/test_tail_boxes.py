"""A "Related" / "Auch interessant" box set inside a story does not end it (real pages lost the
second half of their text to it); a Korean tail heading and the comments still end it."""

from __future__ import annotations

from pipelines.clean import clean_article

LONG_KO = [
    f"고양시는 {i}일 시청에서 열린 회의에서 내년 예산안을 발표했다. 복지와 교통 예산이 가장 크게 "
    f"늘었고, 시민들은 이를 환영했다고 시 관계자가 전했다. 시의회는 다음 달 예산안을 심의한다. "
    f"시는 청년 창업과 일자리 사업에 올해보다 20% 많은 예산을 배정했다고 설명했다. 시민단체는 "
    f"교통 예산의 쓰임을 지켜보겠다고 밝혔고, 시는 분기마다 집행 내역을 공개하기로 했다."
    for i in range(1, 5)
]
LONG_DE = [
    f"Die Stadt hat am {i}. Mai ihren Haushalt für das kommende Jahr vorgestellt. Am stärksten "
    f"steigen die Ausgaben für Soziales und Verkehr, und der Stadtrat will im nächsten Monat "
    f"darüber beraten. Bürgerinitiativen kündigten an, die Verwendung genau zu verfolgen."
    for i in range(1, 5)
]
BOX = ["Auch interessant", "Neue Bibliothek eröffnet", "Radweg wird gebaut: was sich ändert"]


def body(paragraphs: list[str]) -> str:
    return clean_article({"title": "Haushalt", "paragraphs": paragraphs, "images": []})["body"]


def test_a_teaser_box_inside_the_story_goes_and_the_story_goes_on() -> None:
    assert body(LONG_DE[:2] + BOX + LONG_DE[2:]) == "\n".join(LONG_DE)


def test_a_teaser_box_at_the_end_still_ends_the_story() -> None:
    assert body(LONG_DE[:3] + BOX + ["Stadtfest am Wochenende"]) == "\n".join(LONG_DE[:3])


def test_comments_and_korean_tail_headings_end_the_story() -> None:
    assert body(LONG_DE[:2] + ["Kommentare"] + LONG_DE[2:]) == "\n".join(LONG_DE[:2])
    assert body(LONG_KO[:2] + ["관련기사"] + LONG_KO[2:]) == "\n".join(LONG_KO[:2])
