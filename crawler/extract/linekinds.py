"""What a boilerplate line rule is, and the kinds of boilerplate (crawler/extract/boilerplate.py
holds the Korean rules, crawler/extract/western.py those of other languages)."""

from __future__ import annotations

import re
from typing import NamedTuple


class LineRule(NamedTuple):
    kind: str
    pattern: re.Pattern[str]
    max_len: int  # a long paragraph that merely mentions "광고" or "ⓒ" is article text
    spare_sentences: bool  # a line ending like a reported sentence ("…밝혔다.") is article text


def rule(kind: str, pattern: str, max_len: int = 80, spare_sentences: bool = False) -> LineRule:
    return LineRule(kind, re.compile(pattern, re.IGNORECASE), max_len, spare_sentences)


# Kinds (named in the issue); each has a fixture line in tests/test_clean.py.
ANTI_SPAM = "anti_spam"  # "도배방지 이미지" captcha under comment forms
GALLERY = "gallery"  # "포토", "메인사진", "1/2" carousel counters
DATELINE = "dateline"  # "기자 | 기사입력 …", "입력 : …" repeats
COPYRIGHT = "copyright"  # "저작권자 ©", "ⓒ", "무단전재 및 재배포 금지"
RELATED = "related"  # "관련기사", "많이 본 기사"
SHARE = "share"  # share buttons, print, font size
COMMENT = "comment"  # comment forms
TIPOFF = "tipoff"  # tip-off and subscription prompts, sponsorship
AD = "ad"
CREDIT = "credit"  # "사진=고양시 제공": a photo credit left in the text, caption material
CAPTION = "caption"  # "[사진] 9일 열린 …": a photo caption printed as a line of the text
