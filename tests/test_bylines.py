from __future__ import annotations

import pytest

from crawler.extract.bylines import is_byline_line, parse_byline, strip_leading_byline


@pytest.mark.parametrize(
    ("text", "name", "email"),
    [
        ("홍길동 기자", "홍길동", None),
        ("[고양=홍길동 기자]", "홍길동", None),
        ("글·사진 홍길동 기자 hong@example.kr", "홍길동", "hong@example.kr"),
        ("홍길동 시민기자", "홍길동", None),
        ("고양일보 홍길동 기자", "홍길동", None),
        ("(서울=연합뉴스) 홍길동 기자 =", "홍길동", None),
        ("한명식 기자 | 기사입력 2017/07/09 [14:18]", "한명식", None),
        ("홍길동 선임기자 hong@ex.co.kr", "홍길동", "hong@ex.co.kr"),
        ("홍길동 기자mjkim@goyang.kr기사입력", "홍길동", "mjkim@goyang.kr"),
        ("기자명 홍길동", "홍길동", None),
        ("취재 : 홍길동 기자", "홍길동", None),
        ("홍길동·김철수 기자", "홍길동·김철수", None),
        ("담당 기자에게 문의하세요", None, None),
        ("고양시는 12일 밝혔다.", None, None),
    ],
)
def test_parse_byline(text: str, name: str | None, email: str | None) -> None:
    assert parse_byline(text) == (name, email)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("홍길동 기자", True),
        ("홍길동 기자 hong@example.kr", True),
        ("한명식 기자 | 입력 : 2017/07/09 [14:18]", True),
        ("[고양=홍길동 기자]", True),
        ("고양시는 이날 현장을 찾은 홍길동 기자에게 사업 계획을 설명하고 협조를 요청했다.", False),
        ("최성 고양시장은 73개국 147개 지회를 둔 세계한인무역협회와 협정을 맺었다.", False),
    ],
)
def test_is_byline_line(line: str, expected: bool) -> None:
    assert is_byline_line(line) is expected


@pytest.mark.parametrize(
    ("paragraph", "rest"),
    [
        ("[고양=홍길동 기자] 고양시는 12일 밝혔다.", "고양시는 12일 밝혔다."),
        ("(서울=연합뉴스) 홍길동 기자 = 고양시는 12일 밝혔다.", "고양시는 12일 밝혔다."),
        ("홍길동 기자 = 고양시는 12일 밝혔다.", "고양시는 12일 밝혔다."),
        ("고양시는 12일 홍길동 기자에게 밝혔다.", "고양시는 12일 홍길동 기자에게 밝혔다."),
        ("[사진] 고양시는 12일 밝혔다.", "[사진] 고양시는 12일 밝혔다."),
    ],
)
def test_strip_leading_byline(paragraph: str, rest: str) -> None:
    assert strip_leading_byline(paragraph) == rest
