"""Korean bylines: the reporter's name (and e-mail) out of whatever the paper prints around it.

"홍길동 기자", "[고양=홍길동 기자]", "글·사진 홍길동 기자 hong@example.kr", "홍길동 시민기자",
"OO일보 홍길동 기자", "기자명 홍길동", "(서울=연합뉴스) 홍길동 기자 =" all give `홍길동`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Titles printed after a name; longest first so "시민기자" is not read as name "시민" + "기자".
ROLES: tuple[str, ...] = (
    "선임기자", "수석기자", "전문기자", "객원기자", "시민기자", "수습기자", "인턴기자", "명예기자",
    "취재기자", "사진기자", "영상기자", "대표기자", "기자", "특파원", "편집위원", "논설위원",
    "편집국장", "주필", "통신원", "리포터", "칼럼니스트",
)  # fmt: skip
# Words that sit before a name and are never part of it.
PREFIXES: tuple[str, ...] = (
    "글·사진",
    "글/사진",
    "사진·글",
    "글",
    "사진",
    "취재",
    "정리",
    "기자명",
)

_ROLE = "|".join(sorted(map(re.escape, ROLES), key=len, reverse=True))
_NAME = r"[가-힣]{2,4}(?:\s?[·,/]\s?[가-힣]{2,4})*"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# "[고양=홍길동 기자]", "(서울=뉴스1) 홍길동 기자 =": place and agency before a "=".
_PLACE = r"(?:[\[(（][^\]\)）=]{0,20}=\s*(?:[^\]\)）]{0,20}[\])）]\s*)?)?"
# A name starts a word (after a prefix, a place or a space): "온라인뉴스팀 기자" holds no
# name "뉴스팀".
_BYLINE = re.compile(
    rf"{_PLACE}(?:(?:{'|'.join(map(re.escape, PREFIXES))})\s*[:：]?\s*|(?<![가-힣]))"
    rf"(?P<name>{_NAME})\s*(?P<role>{_ROLE})(?![가-힣])"
)
_LABELLED = re.compile(
    rf"(?:(?:기자명|글쓴이|작성자)\s*[:：]?|기자\s*[:：])\s*(?P<name>{_NAME})(?![가-힣])"
)
# A byline opening the first paragraph: "[고양=홍길동 기자] ..." or "홍길동 기자 = ...".
_LEADING = re.compile(
    rf"^\s*(?:[\[(（][^\]\)）]{{0,30}}(?:{_ROLE})[^\]\)）]{{0,40}}[\])）]"
    rf"|(?:[\[(（][^\]\)）]{{0,20}}[\])）]\s*)?{_NAME}\s*(?:{_ROLE})\s*=)\s*"
)
# Cheap pre-test: no role or label word, no byline (most body paragraphs stop here).
_ANY_ROLE = re.compile(rf"{_ROLE}|기자명|글쓴이|작성자")
# A name is never one of these common words that precede 기자 in running text.
_NOT_NAMES = frozenset({"담당", "전문", "현직", "취재", "사진", "영상", "해당", "모든", "여러"})


# Who signs for a desk or the paper, not a reporter: "편집국", "온라인뉴스팀", "사회부",
# "보도자료", "고양일보", "관리자". A name with one of these is no person's.
_DESK = re.compile(
    r"편집|취재|뉴스|일보|신문|방송|보도|기획|데스크|관리자|운영자|팀$|본부|센터|통신|닷컴|"
    r"^(?:사회|정치|경제|문화|체육|스포츠|사진|국제|지역|산업|교육|전국|디지털|온라인|영상)부$|"
    r"^(?:admin|administrator|webmaster|editor|newsroom|desk)$",
    re.IGNORECASE,
)


def is_desk(name: str | None) -> bool:
    """True for a desk, an organisation or an account that is no reporter's name."""
    return bool(name and _DESK.search(name.replace(" ", "")))


class Byline(NamedTuple):
    name: str | None
    email: str | None


def _clean_name(name: str) -> str | None:
    name = re.sub(r"\s*([·,/])\s*", r"\1", name.strip())
    parts = re.split(r"[·,/]", name)
    if any(p in _NOT_NAMES or is_desk(p) for p in parts):
        return None
    return name


def parse_byline(text: str | None) -> Byline:
    """The reporter's name and e-mail in a byline string; either may be None."""
    if not text:
        return Byline(None, None)
    email_match = EMAIL.search(text)
    email = email_match.group(0) if email_match else None
    name = None
    for pattern in (_BYLINE, _LABELLED):
        for m in pattern.finditer(text):
            name = _clean_name(m["name"])
            if name:
                break
        if name:
            break
    return Byline(name, email)


def is_byline_line(line: str, max_len: int = 80) -> bool:
    """True for a short line that is only a byline (name + role, maybe e-mail, date, place)."""
    if len(line) > max_len or not _ANY_ROLE.search(line):
        return False
    m = _BYLINE.search(line) or _LABELLED.search(line)
    if not m or not _clean_name(m["name"]):
        return False
    rest = EMAIL.sub(" ", line[: m.start()] + " " + line[m.end() :])
    # What may remain around a byline: separators, brackets, a date, the paper's name.
    rest = re.sub(r"[\d\s.:/\-\[\]()=|,·@]+", " ", rest)
    return len(rest.replace(" ", "")) <= 12


def strip_leading_byline(paragraph: str) -> str:
    """Drop "[고양=홍길동 기자]" / "홍길동 기자 =" from the start of a body paragraph."""
    return _LEADING.sub("", paragraph, count=1)
