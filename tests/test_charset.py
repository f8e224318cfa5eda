from __future__ import annotations

import codecs

import pytest

from crawler.extract.charset import (
    _MOJIBAKE,
    _MOJIBAKE_UTF8,
    CharsetError,
    decode_html,
    looks_like_mojibake,
)

# "똠방각하 쓔렌" has syllables outside KS X 1001: EUC-KR proper cannot encode them, CP949 can.
KOREAN = "고양시 최성 시장, 똠방각하 쓔렌 기사입력 2017/07/09 [14:18]"


def page(charset_meta: str | None, text: str = KOREAN) -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'
        if charset_meta
        else ""
    )
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_header_charset_euc_kr_is_decoded_as_cp949() -> None:
    body = page(None).encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        body.decode("euc-kr")  # why the mapping matters
    text, codec = decode_html(body, {"content-type": "text/html; charset=EUC-KR"})
    assert codec == "cp949" and KOREAN in text


def test_meta_charset_is_read_when_the_header_says_nothing() -> None:
    text, codec = decode_html(page("euc-kr").encode("cp949"), {"content-type": "text/html"})
    assert codec == "cp949" and KOREAN in text


def test_bom_wins_and_is_stripped() -> None:
    body = codecs.BOM_UTF8 + page("euc-kr").encode("utf-8")
    text, codec = decode_html(body, {"content-type": "text/html; charset=euc-kr"})
    assert codec == "utf-8" and KOREAN in text and not text.startswith("\ufeff")


def test_lying_meta_utf8_over_cp949_bytes_is_detected() -> None:
    text, codec = decode_html(
        page("utf-8").encode("cp949"), {"content-type": "text/html; charset=utf-8"}
    )
    assert codec == "cp949" and KOREAN in text


def test_lying_meta_euc_kr_over_utf8_bytes_is_detected() -> None:
    text, codec = decode_html(page("euc-kr").encode("utf-8"), {})
    assert codec == "utf-8" and KOREAN in text


def test_latin1_declaration_over_cp949_bytes() -> None:
    text, codec = decode_html(page("iso-8859-1").encode("cp949"), {})
    assert codec == "cp949" and KOREAN in text


def test_no_declaration_at_all() -> None:
    assert decode_html(page(None).encode("cp949"), None)[1] == "cp949"
    assert decode_html(page(None).encode("utf-8"), None)[1] == "utf-8"


def test_bytes_header_values_as_scrapy_gives_them() -> None:
    headers = {b"Content-Type": [b"text/html; charset=euc-kr"]}
    assert decode_html(page(None).encode("cp949"), headers)[1] == "cp949"


def test_one_broken_byte_does_not_lose_the_page() -> None:
    body = page("euc-kr", KOREAN * 20).encode("cp949")
    cut = body.index(b"</p>") - 1
    body = body[:cut] + b"\xff" + body[cut:]  # a truncated character at a CMS substring cut
    text, codec = decode_html(body, {"content-type": "text/html; charset=euc-kr"})
    assert codec == "cp949" and "\ufffd" not in text and KOREAN in text


def test_override_is_trusted_but_checked() -> None:
    body = page("utf-8").encode("cp949")
    assert decode_html(body, {}, override="euc-kr")[1] == "cp949"
    with pytest.raises(CharsetError, match="override"):
        decode_html(body, {}, override="utf-8")
    with pytest.raises(CharsetError, match="unknown charset"):
        decode_html(body, {}, override="no-such-codec")


def test_utf8_read_as_latin1_is_mojibake() -> None:
    mangled = KOREAN.encode("utf-8").decode("cp1252", errors="replace")
    assert looks_like_mojibake(mangled)
    assert not looks_like_mojibake(KOREAN)
    assert not looks_like_mojibake("Café au lait, naïve résumé")


def test_a_page_that_already_holds_mojibake_is_repaired_not_refused() -> None:
    mangled = KOREAN.encode("utf-8").decode("latin-1")
    assert "고양" not in mangled
    text, codec = decode_html(page("utf-8", f"{mangled} 기사 원문").encode("utf-8"), {})
    assert codec == "utf-8"
    assert f"<p>{KOREAN} 기사 원문</p>" in text


def test_german_typography_that_looks_like_mojibake_is_kept() -> None:
    # "ß" before a soft hyphen or a closing quote matches the mojibake pattern; it is real text.
    german = "Straße\u00ad und Gruß\u201d, Maß\u00ad genommen " * 3
    text, codec = decode_html(page("utf-8", german).encode("utf-8"), {})
    assert codec == "utf-8" and german in text


def test_an_undeclared_western_page_that_is_not_utf8_decodes_as_cp1252() -> None:
    body = page(None, "Alle Auswählen, schöne Grüße").encode("cp1252")
    text, codec = decode_html(body, {})
    assert codec == "cp1252" and "schöne Grüße" in text


def test_random_bytes_are_refused_with_a_reason() -> None:
    with pytest.raises(CharsetError) as caught:
        decode_html(bytes(range(128, 256)) * 50, {"content-type": "text/html; charset=utf-8"})
    assert "utf-8" in caught.value.reason


def test_the_byte_pattern_finds_exactly_what_the_text_pattern_finds() -> None:
    """The UTF-8 fast path reads the bytes; it must agree with the character pattern on every
    lead and continuation character near the ranges' edges."""
    seconds = [*range(0x7E, 0xC1), *range(0x150, 0x17A), *range(0x2010, 0x2040)]
    seconds += [0x20AB, 0x20AC, 0x20AD, 0x2121, 0x2122, 0x2123, 0xAC00]
    for lead in range(0xC0, 0xF6):
        for second in seconds:
            text = f"고양{chr(lead)}{chr(second)}시"
            assert bool(_MOJIBAKE.search(text)) == bool(_MOJIBAKE_UTF8.search(text.encode()))
