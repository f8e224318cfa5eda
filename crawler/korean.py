"""Korean text as full-text tokens: character bigrams for the index, particles cut from queries.

Why bigrams in the index and the analyser only on the query. `python bench/search.py` on the
labelled set in tests/fixtures/search (70 queries, 34 short articles) measured recall /
precision / indexing cost per article:

    unicode61 on raw text                         0.597 / 1.000 / 0.02 ms per article
    trigram on raw text                           0.479 / 1.000 / 0.02 ms
    Kiwi morphemes, index and query               0.903 / 1.000 / 1.3 ms (12 ms at 1,500 chars)
    bigrams, query as typed                       0.826 / 0.992 / 0.05 ms
    bigrams, Kiwi cuts the query's particles      1.000 / 0.993 / 0.05 ms   <- chosen

- unicode61 keeps 고양시는 as one token, so 고양시 misses it; trigram cannot match a
  two-syllable word (시장, 축제).
- Kiwi morphemes in the index cost far more than the 2 ms budget, and Kiwi keeps unknown
  compounds whole (파주시의회, 김포시장애인체육대회 are one NNP), so 의회 and 장애인 are not
  found inside them.
- Overlapping bigrams of every CJK run make a phrase query equal to a substring match inside a
  word: 고양시 ("고양 양시") finds 고양시는/고양시의/고양시에서, 실리콘밸리 finds
  통일한국실리콘밸리, 의회 finds 시의회. Indexing is plain string slicing, and reading the index
  needs no Python, so the sqlite3 shell and Datasette use it as is.
- A query word still carries particles and endings the article may not share (고양시는 vs
  고양시의), so the query side runs Kiwi once per word and cuts the trailing particles/endings
  before turning it into bigrams the way the articles were.

The price is a substring's false friends (의회 inside 협의회); the labelled set measures it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

# Hangul syllables and jamo, CJK ideographs (Hanja), kana: scripts written without spaces
# between the parts of a word, so they are cut into bigrams.
_CJK = "\u1100-\u11ff\u3130-\u318f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_QUERY_WORD = re.compile(r'"[^"]*"?|[^\s"]+')
_OR = re.compile(r"\s+OR\s+")

# Kiwi tags cut from the end of a query word: particles (J*), endings (E*), the copula and the
# suffixes that turn a noun into a verb or adjective (개막한 -> 개막), punctuation.
_TRAILING_TAGS = ("J", "E", "VCP", "VCN", "XSV", "XSA", "SF", "SP", "SS", "SE", "SO", "SW")


def index_text(text: str | None) -> str:
    """The text as the index stores it: every CJK run as its overlapping bigrams.

    Other characters are left for the FTS5 unicode61 tokenizer (Latin words, numbers), with a
    space around each CJK run so that 코로나19 gives the tokens 코로 로나 19.
    """
    if not text:
        return ""
    return _CJK_RUN.sub(_bigrams_of_match, text)


def _bigrams_of_match(match: re.Match[str]) -> str:
    return f" {bigrams(match.group())} "


def bigrams(run: str) -> str:
    """Overlapping character bigrams of one CJK run; a one-character run stays as it is."""
    if len(run) < 2:
        return run
    return " ".join(run[i : i + 2] for i in range(len(run) - 1))


@lru_cache(maxsize=1)
def kiwi() -> Kiwi:
    """The analyser, loaded once per process on first use (the model takes about a second)."""
    from kiwipiepy import Kiwi

    return Kiwi()


def strip_particles(word: str) -> str:
    """The word without the particles and endings Kiwi finds at its end (고양시에서 -> 고양시).

    Only whole trailing morphemes are cut: where an ending is fused into the stem (열린 = 열리+ㄴ)
    the word is kept as typed, and a word that is nothing but particles is returned empty.
    """
    if not _CJK_CHAR.search(word):
        return word
    tokens = kiwi().tokenize(word)
    stem = max(
        (i for i, t in enumerate(tokens) if not t.tag.startswith(_TRAILING_TAGS)), default=-1
    )
    if stem < 0:
        return ""
    stem_end = tokens[stem].start + tokens[stem].len
    if any(t.start < stem_end for t in tokens[stem + 1 :]):
        return word  # an ending fused into the stem (열린 = 열리+ㄴ): cutting would halve it
    return word[:stem_end]


def query_words(query: str) -> list[str]:
    """The search words of a query: particles cut, empty ones dropped.

    A double-quoted part is one word kept as typed (no particle cutting).
    """
    words = []
    for raw in _QUERY_WORD.findall(query):
        if raw == "OR":
            continue
        if raw.startswith('"'):
            word = raw.strip('"').strip()
        else:
            word = strip_particles(raw)
        if _has_token(word):
            words.append(word)
    return words


def _has_token(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression for a reader's query: every word must occur (AND).

    Each word becomes one phrase of the same tokens `index_text` gives, so a word matches where
    its text occurs inside a word of the article. A word ending in a single CJK character
    (꽃, 2027년) ends in a prefix token, since the article has that character as the first half
    of a bigram (꽃이, 년도). An upper-case OR between words gives alternatives
    (고양시 축제 OR 파주시 축제). Returns "" when the query has no searchable word.
    """
    alternatives = []
    for part in _OR.split(query):
        phrases = [p for p in map(_phrase, query_words(part)) if p]
        if phrases:
            alternatives.append(" AND ".join(phrases))
    if len(alternatives) > 1:
        return " OR ".join(f"({a})" for a in alternatives)
    return alternatives[0] if alternatives else ""


def _phrase(word: str) -> str:
    tokens = [t for t in index_text(word).split() if _has_token(t)]  # "(꽃)" is 꽃
    if not tokens:
        return ""
    prefix = bool(_CJK_RUN.fullmatch(tokens[-1])) and len(tokens[-1]) == 1
    quoted = '"' + " ".join(tokens).replace('"', '""') + '"'
    return quoted + " *" if prefix else quoted
