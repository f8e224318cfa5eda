import unicodedata

from crawler.extract.text import normalize, normalize_block


def test_normalize_composes_hangul_jamo_to_syllables():
    decomposed = unicodedata.normalize("NFD", "고양시 똠방각하 뷁")
    assert decomposed != "고양시 똠방각하 뷁"
    assert normalize(decomposed) == "고양시 똠방각하 뷁"


def test_normalize_collapses_nbsp_ideographic_space_and_zero_width():
    assert normalize("\u00a0최성\u3000 고양시장\u200b은\t\n 말했다 ") == "최성 고양시장은 말했다"


def test_normalize_block_keeps_paragraphs():
    assert normalize_block(" 첫 문단 \n\n\u00a0\n 둘째  문단 ") == "첫 문단\n둘째 문단"


def test_empty_inputs():
    assert normalize(None) == "" and normalize_block("") == ""
