"""What a hit shows of its article (`krnews search`, Datasette): the query words found the way the
index finds them, marked; a snippet of about 160 characters around the first one; its URL as a
person reads it."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote_to_bytes

SNIPPET_CHARS = 160
MARK = ("<mark>", "</mark>")


def word_pattern(words: list[str]) -> re.Pattern[str] | None:
    """A regex finding the query words in article text the way the index matches them.

    The index matches a CJK word inside a longer word (substring) and a Latin word or number
    only whole, with punctuation between its parts ignored (COVID-19 ~ COVID 19).
    """
    return _word_pattern(tuple(words))


@lru_cache(maxsize=64)  # made once per query, not twice per hit
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    alternatives = []
    for word in sorted(set(words), key=len, reverse=True):
        parts = re.findall(r"[^\W\d_]+|\d+", word)
        pieces = []
        for part in parts:
            piece = re.escape(part)
            if part.isascii():
                piece = rf"(?<![A-Za-z0-9]){piece}(?![A-Za-z0-9])"
            pieces.append(piece)
        if pieces:
            alternatives.append(r"[\W_]*".join(pieces))
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def snippet(
    text: str, words: list[str], size: int = SNIPPET_CHARS, mark: tuple[str, str] = MARK
) -> str:
    """About `size` characters of `text` around the first query word, the words marked."""
    return marked(*snippet_spans(text, words, size), mark)


def marked(piece: str, spans: list[tuple[int, int]], mark: tuple[str, str] = MARK) -> str:
    """`piece` with each [start, end) span between the two halves of `mark`."""
    out, last = [], 0
    for start, end in spans:
        out += [piece[last:start], mark[0], piece[start:end], mark[1]]
        last = end
    return "".join(out) + piece[last:]


def snippet_spans(
    text: str, words: list[str], size: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """(plain snippet, [(start, end), ...] of the query words in it), for output as data."""
    pattern = word_pattern(words)
    found = pattern.search(text) if pattern else None
    start = max(0, found.start() - size // 3) if found else 0
    if found and start:
        space = text.find(" ", start, found.start())
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + size)
    lead = "…" if start else ""
    piece = lead + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")
    spans = []
    if pattern:
        body_end = len(piece) - (1 if end < len(text) else 0)
        spans = [m.span() for m in pattern.finditer(piece, len(lead), body_end)]
    return piece, spans


def display_url(url: str) -> str:
    """The URL as a person reads it: UTF-8 percent-escapes decoded (고양시 instead of
    %EA%B3%A0...), escapes of ASCII (%20, %2F, %3F) and of invisible characters left as they
    are, so that the shown URL still opens the same page."""
    return _ESCAPES.sub(_decoded, url)


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decoded(match: re.Match[str]) -> str:
    try:
        text = unquote_to_bytes(match.group()).decode("utf-8")
    except UnicodeDecodeError:
        return match.group()
    return "".join(
        quote(ch, safe="") if ch.isascii() or not ch.isprintable() else ch for ch in text
    )
