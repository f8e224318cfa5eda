"""Korean text as full-text tokens: character bigrams for the index, particles cut from queries.

Why bigrams in the index and a particle table on the query. `python bench/search.py` on the
labelled set in tests/fixtures/search (70 queries, 34 short articles) measured recall /
precision / indexing cost per article:

    unicode61 on raw text                         0.597 / 1.000 / 0.04 ms per article
    trigram on raw text                           0.479 / 1.000 / 0.05 ms
    Kiwi morphemes, index and query               0.903 / 1.000 / 2.7 ms
    bigrams, query as typed                       0.826 / 0.992 / 0.12 ms
    bigrams, Kiwi cuts the query's particles      1.000 / 0.993 / 0.12 ms   (issue 7 to 12)
    bigrams, a particle table cuts them           1.000 / 0.993 / 0.11 ms   <- chosen (issue 13)

- unicode61 keeps 고양시는 as one token, so 고양시 misses it; trigram cannot match a
  two-syllable word (시장, 축제).
- Kiwi morphemes in the index cost far more than the 2 ms budget, and Kiwi keeps unknown
  compounds whole (파주시의회, 김포시장애인체육대회 are one NNP), so 의회 and 장애인 are not
  found inside them.
- Overlapping bigrams of every CJK run make a phrase query equal to a substring match inside a
  word: 고양시 ("고양 양시") finds 고양시는/고양시의/고양시에서, 실리콘밸리 finds
  통일한국실리콘밸리, 의회 finds 시의회. Indexing is plain string slicing.
- A query word still carries particles and endings the article may not share (고양시는 vs
  고양시의), so they are cut before the word becomes bigrams. Kiwi did that until issue 13, but
  loading it cost every `krnews search` 5.5-6.8 s and 555 MB (and Datasette's first search its
  1 s limit). Since the index matches substrings, cutting a query word too short only costs
  precision, never recall, so a table of particles and endings with a minimum stem does as well
  as the analyser on the labelled set, in microseconds.

The price is a substring's false friends (의회 inside 협의회); the labelled set measures it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Hangul syllables and jamo, CJK ideographs (Hanja), kana: scripts written without spaces
# between the parts of a word, so they are cut into bigrams.
_CJK = "\u1100-\u11ff\u3130-\u318f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_QUERY_WORD = re.compile(r'"[^"]*"?|[^\s"]+')
_OR = re.compile(r"\s+OR\s+")


def index_text(text: str | None) -> str:
    """The text as the index stores it: every CJK run as its overlapping bigrams.

    Other characters are left for the FTS5 unicode61 tokenizer (Latin words, numbers), with a
    space around each CJK run so that 코로나19 gives the tokens 코로 로나 19.
    """
    if not text:
        return ""
    return _CJK_RUN.sub(_bigrams_of_match, text)


def _bigrams_of_match(match: re.Match[str]) -> str:
    start = match.start()
    return _run_tokens(match.group(), start > 0 and match.string[start - 1].isalnum())


# News repeats its words: the caches below save a third of index_text's time (bench/search.py).
# Bounded for a long crawl: at 100,000 entries _term's cache alone held ~20 MB (the 990 corpus
# pages fill it, and the process peaked 20 MB higher); at these sizes the corpus indexes about
# as fast.
@lru_cache(maxsize=8192)
def _run_tokens(run: str, glued: bool) -> str:
    # A run glued to a number or a Latin word (2027년, 65세, 3호선, SK하이닉스) also gets its
    # first character as a token of its own, so that such a word is an exact phrase
    # ("2027 년"): it used to be a prefix query ("2027 년*") needing a prefix index that cost
    # as much as a fifth of the text (issue 13).
    return f" {run[0]} {bigrams(run)} " if glued and len(run) > 1 else f" {bigrams(run)} "


def bigrams(run: str) -> str:
    """Overlapping character bigrams of one CJK run; a one-character run stays as it is."""
    if len(run) < 2:
        return run
    return " ".join(map(str.__add__, run[:-1], run[1:]))


def _words(*lines: str) -> list[str]:
    return [word for line in lines for word in line.split()]


# Particles (조사) and verb/adjective endings (어미, with the 하다/되다 suffixes before them) that
# a query word may carry. A query word loses its longest matching tail when what stays has at
# least two syllables; cutting too much costs only precision (the shorter stem still finds every
# article the longer word would, the index matching substrings), cutting too little costs recall.
_PARTICLES = _words(
    # case and topic particles, alone and stacked
    "은 는 을 를 의 에 와 과 로 으로 에서 에게 에는 에도 에서는 에서도 에서의 에게는 에게서 "
    "으로는 으로도 으로서 으로써 로는 로도 로서 로써 로부터 으로부터 와의 과의 와는 과는 "
    "까지 까지는 까지도 부터 부터는 마다 만 만은 만의 뿐 보다 처럼 같이 께 께서 께서는 "
    "한테 하고 이나 이나마 나 이랑 랑 이며 이자 이란 이라는 이라고 라는 라고 란 "
    "들 들은 들이 들을 들의 들에게 들과 들도 들이다 님 님은 님이 님의 님께서 "
    # the copula and common verb/adjective tails after a noun (개막한, 개최했다, 지정된)
    "이다 이었다 였다 입니다 이며 이고 인 "
    "하다 한 하는 할 함 해 했다 했고 했던 하던 하며 하고 하여 해서 한다 합니다 했습니다 "
    "된 되는 될 됨 됐다 되어 되며 된다 됩니다 되었다 시킨 시켜 시키는 "
    "적 적인 적으로",
)
# One-syllable particles that also end many plain nouns (어린이, 경기도, 고양이, 나라가): cut
# only when three syllables stay.
_WEAK_PARTICLES = frozenset(("이", "가", "도"))
_TAIL_SET = frozenset(_PARTICLES) | _WEAK_PARTICLES
_LONGEST_TAIL = max(map(len, _TAIL_SET))
_HANGUL_TAIL = re.compile("[\uac00-\ud7a3]+$")
_TRAILING_PUNCT = re.compile(r"[^\w]+$")
_LEADING_PUNCT = re.compile(r"^[^\w]+")


def strip_particles(word: str) -> str:
    """The word without the particle or ending at its end (고양시에서 -> 고양시, 개막한 -> 개막).

    A table lookup (no model): the longest known tail is cut when at least two syllables of
    the word's final Hangul run stay (three for 이, 가, 도, which end many nouns). A word that
    is only punctuation, or only a particle of two syllables or more, is returned empty.
    """
    word = _TRAILING_PUNCT.sub("", word)
    run = _HANGUL_TAIL.search(word)
    if not run:
        return word
    hangul = run.group()
    if hangul == word and len(word) >= 2 and word in _TAIL_SET:
        return ""  # nothing but a particle or an ending (에서, 까지)
    for size in range(min(_LONGEST_TAIL, len(hangul) - 1), 0, -1):
        tail = hangul[-size:]
        if tail not in _TAIL_SET:
            continue
        keep = len(hangul) - size
        if keep >= (3 if tail in _WEAK_PARTICLES else 2) or (keep >= 1 and run.start() > 0):
            return word[: len(word) - len(tail)]
    return word


def index_terms(*texts: str | None) -> str:
    """The index's terms (the head of its `body` column): the distinct words, particles cut.

    What a person types into a plain FTS5 MATCH ('고양시', '체육대회') is one unicode61 token;
    this column holds each word of the article in that form (고양시는 -> 고양시). Words of one
    or two syllables and words without Hangul or Hanja are left out: the bigrams already hold
    exactly those tokens (꽃, 시장, covid), so a term is never a token of the bigram text.
    """
    terms: dict[str, None] = {}
    for text in texts:
        for raw in (text or "").split():
            word = _term(raw)
            if word:
                terms[word] = None
    return " ".join(terms)


@lru_cache(maxsize=16_384)
def _term(raw: str) -> str:
    word = strip_particles(_LEADING_PUNCT.sub("", raw))
    if _CJK_CHAR.search(word) and not (len(word) <= 2 and _CJK_RUN.fullmatch(word)):
        return word
    return ""


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
    its text occurs inside a word of the article. A word of one CJK character (꽃) is a prefix
    query, since the article has it as the first half of a bigram (꽃이). An upper-case OR between words gives alternatives
    (고양시 축제 OR 파주시 축제). No phrase of bigrams matches one of the article's terms
    (crawler.store.fts), so the terms need no column filter. Returns "" when the query has no
    searchable word.
    """
    alternatives = []
    for part in _OR.split(query):
        phrases = [p for p in map(_phrase, query_words(part)) if p]
        if phrases:
            alternatives.append(" AND ".join(phrases))
    if not alternatives:
        return ""
    if len(alternatives) > 1:
        return " OR ".join(f"({a})" for a in alternatives)
    return alternatives[0]


def _phrase(word: str) -> str:
    tokens = [t for t in index_text(word).split() if _has_token(t)]  # "(꽃)" is 꽃
    if not tokens:
        return ""
    quoted = '"' + " ".join(tokens).replace('"', '""') + '"'
    # a word of one CJK character (꽃) is the first half of a bigram in the article (꽃이)
    alone = len(tokens) == 1 and len(tokens[0]) == 1 and _CJK_RUN.fullmatch(tokens[0])
    return quoted + " *" if alone else quoted
