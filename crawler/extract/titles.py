"""What Korean CMSs put around a headline in `<title>` and og:title, and taking it off.

The one definition of title separators (`SEPARATOR`): every module that splits a declared title
("제목 > 게시판 | 사이트", "제목 < 섹션 < 기사본문 - 사이트", "사이트 - 제목", "제목 :: 블로그")
uses it. `headline_of` keeps the headline of a declared title: the parts a site's name, a
board's name or a site-learned affix fill are dropped; what no rule recognises stays.

Site-learned affixes (crawler/store/learned.py): every page offers the edge chains of its
declared title (`affix_keys`); a chain that repeats on enough pages of one site is the site's,
not any article's (`strip_learned`). Pure functions: no lxml, no store.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

# A separator stands between spaces ("제목 - 사이트", "제목 :: 블로그"); a bar also without them
# ("제목|사이트"). A hyphen, colon or slash inside a word ("K-팝", "3:1") is never one.
SEPARATOR = re.compile(r"\s+(?:::|[|｜\-–—<>»«:·~/])\s+|\s*[|｜]\s*")
# "[사이트] 제목", "【사이트】 제목": a bracketed prefix, the site's only when it names the site.
_BRACKET = re.compile(r"^\s*[\[【〔<]\s*([^\]】〕>]{1,30}?)\s*[\]】〕>]\s*")
# A bracketed name that is a site: ends in a press word and is no kicker ("[포토뉴스]").
_SITE_WORD = re.compile(
    r"(?:신문|일보|뉴스|타임즈|타임스|닷컴|저널|방송|미디어|통신|news)$", re.IGNORECASE
)
_KICKER = re.compile(r"^(?:포토|카드|영상|동영상|그래픽|단독|속보|오늘의|주간|인터뷰|기획)")
# An edge part this short beside a headline twice as long is a name (site, board, section).
AFFIX_MAX = 20
# What ndsoft and other CMSs print between the headline and the site: not the article's.
_CMS_WORDS = frozenset({"기사본문", "기사보기", "뉴스", "전체기사", "본문", "게시판", "블로그"})


def split_title(text: str) -> tuple[list[str], list[str]]:
    """The parts of a declared title and the separators between them (one fewer)."""
    parts, seps, last = [], [], 0
    for m in SEPARATOR.finditer(text):
        if m.start() == 0 or m.end() == len(text):
            continue  # a separator at an edge is punctuation of the headline
        parts.append(text[last : m.start()])
        seps.append(m.group())
        last = m.end()
    parts.append(text[last:])
    return parts, seps


def head_part(text: str) -> str:
    """The first part of a declared title (before any separator)."""
    return split_title(text)[0][0].strip()


def has_separator(text: str) -> bool:
    return len(split_title(text)[0]) > 1


def _is_name(part: str, names: Collection[str], strict: bool = False) -> bool:
    return part in names or (not strict and part in _CMS_WORDS)


def headline_of(
    declared: str,
    names: Collection[str] = (),
    learned: Iterable[str] = (),
    *,
    strict: bool = False,
) -> str:
    """The headline of a declared title: learned affixes off, then edge parts that name the
    site or board (`names`, CMS words, or short beside the headline; `strict`: only `names`),
    then a "[사이트]" prefix. The headline itself, the longest part, always stays."""
    text = strip_learned(declared.strip(), learned)
    parts, seps = split_title(text)
    if len(parts) > 1:
        longest = max(range(len(parts)), key=lambda i: len(parts[i]))
        lo, hi = 0, len(parts) - 1
        size = len(parts[longest])
        # Trailing names first: "제목 > 게시판 | 사이트", "제목 < 섹션 < 기사본문 - 사이트".
        while hi > longest and (
            _is_name(parts[hi].strip(), names, strict)
            or (
                not strict
                and len(parts[hi].strip()) <= AFFIX_MAX
                and 2 * len(parts[hi].strip()) <= size
            )
        ):
            hi -= 1
        # A leading part only when it names the site ("사이트 - 제목"): a short head part may
        # be the headline's own first half ("[인터뷰] 홍길동 - 고양시장 후보").
        while lo < longest and _is_name(parts[lo].strip(), names, strict):
            lo += 1
        kept = parts[lo] + "".join(s + p for s, p in zip(seps[lo:hi], parts[lo + 1 : hi + 1]))
        text = kept.strip()
    return strip_bracket_site(text, names, strict)


def strip_bracket_site(text: str, names: Collection[str] = (), strict: bool = False) -> str:
    """ "[사이트] 제목" -> "제목" when the bracket names the site (a kicker "[단독]" stays)."""
    m = _BRACKET.match(text)
    if m and len(text) > m.end():
        inside = m.group(1)
        shaped = not strict and _SITE_WORD.search(inside) and not _KICKER.match(inside)
        if inside in names or shaped:
            return text[m.end() :].strip()
    return text


def strip_learned(text: str, learned: Iterable[str]) -> str:
    """`text` without the site-learned prefix and suffix chains (longest first)."""
    for affix in sorted(learned, key=len, reverse=True):
        key, _, value = affix.partition(":")
        if key == "suffix" and text.endswith(value) and len(text) > len(value):
            text = text[: -len(value)]
        elif key == "prefix" and text.startswith(value) and len(text) > len(value):
            text = text[len(value) :]
    return text.strip()


def affixes(declared: str, headline: str | None = None) -> list[str]:
    """The edge chains of a declared title that may be the site's: "suffix: > 뉴스 | 사이트",
    "suffix: | 사이트", "prefix:사이트 - ". With `headline` found in it, only the chains
    outside it; else every chain that leaves a part. A bracketed prefix counts as a chain."""
    declared = declared.strip()
    found: list[str] = []
    m = _BRACKET.match(declared)
    if m and len(declared) > m.end():
        found.append("prefix:" + declared[: m.end()])
    parts, seps = split_title(declared)
    starts, pos = [], 0
    for part, sep in zip(parts, [*seps, ""]):
        pos += len(part)
        starts.append(pos)  # where separator i starts
        pos += len(sep)
    start = declared.find(headline) if headline else -1
    end = start + len(headline) if headline and start >= 0 else -1
    for i, sep in enumerate(seps):
        cut, after = starts[i], starts[i] + len(sep)
        if start < 0 or cut >= end:
            found.append("suffix:" + declared[cut:])
        if start < 0 or after <= start:
            found.append("prefix:" + declared[:after])
    return [a for a in dict.fromkeys(found) if len(a) <= 80]


def whole_title(declared: str) -> str:
    """The learned-affix key of a declared title that is all name: a legacy page's <title> that
    is only the site's name, the same on every page."""
    return "whole:" + declared.strip()


def chains(declared: str) -> list[str]:
    """Runs of consecutive parts of a declared title where a page may print its headline as an
    element's whole text: those that start it, longest first, but the whole title last among
    them (gnuboard prints the whole <title> in a hidden <h1>); then those that hold its
    longest part ("사이트 - 제목")."""
    parts, seps = split_title(declared.strip())

    def run(lo: int, hi: int) -> str:
        return (
            parts[lo] + "".join(s + p for s, p in zip(seps[lo:hi], parts[lo + 1 : hi + 1]))
        ).strip()

    heads = [run(0, hi) for hi in range(len(parts) - 2, -1, -1)] + [declared.strip()]
    longest = max(range(len(parts)), key=lambda i: len(parts[i]))
    rest = sorted(
        (run(lo, hi) for lo in range(1, longest + 1) for hi in range(longest, len(parts))),
        key=len,
        reverse=True,
    )
    return list(dict.fromkeys(heads + rest))


_WORD_CHARS = re.compile(r"[\W_]+")


def similar(a: str, b: str, floor: float = 0.0) -> float:
    """Dice coefficient of the character bigrams of two titles, spaces and punctuation aside:
    "착공…“고양을 MICE 수도로”" and "착공 “고양을 MICE 수도로”" are one headline.

    With `floor`, 0.0 without counting when the lengths alone keep the score below it: the
    bigrams in common are at most the shorter title's."""
    x, y = _WORD_CHARS.sub("", a.lower()), _WORD_CHARS.sub("", b.lower())
    nx, ny = len(x) - 1, len(y) - 1  # bigrams
    if nx > 0 and ny > 0 and 2 * min(nx, ny) / (nx + ny) < floor:
        return 0.0
    gx = Counter(x[i : i + 2] for i in range(len(x) - 1))
    gy = Counter(y[i : i + 2] for i in range(len(y) - 1))
    if not gx or not gy:
        return 1.0 if x == y else 0.0
    return 2 * sum((gx & gy).values()) / (gx.total() + gy.total())


SIMILAR = 0.75  # a heading this close to the declared headline is it, reworded


def agrees(text: str, declared: str, names: Collection[str] = (), head: str | None = None) -> bool:
    """The visible heading `text` is the headline `declared` carries: not the site's name
    (the logo's <h1>), not a board or section part, not a hidden copy of the whole <title>
    with its affix (gnuboard's `#hd_h1`); a reworded one counts (JSON-LD vs <h1>)."""
    if len(text) <= 5 or text in names:
        return False
    if text == declared and head is None and not has_separator(declared):
        return True
    head = headline_of(declared, names) if head is None else head
    if text == head:
        return True
    if text == declared:
        return False  # the <title> with its affix, printed for screen readers
    if text in declared:
        # What follows a separator and is not the headline names the site, the board or the
        # section; the head part may be the headline (the caller asks the logo).
        parts, seps = split_title(declared)
        if any(declared.endswith(sep + text) for sep in seps):
            return False
        parts = [p.strip() for p in parts]
        return not (text in parts[1:] and text != max(parts, key=len))
    # A heading that holds the headline and more (a category label) is not it: the page
    # prints the headline alone somewhere (crawler.extract.profiles.hints.title_in_page).
    return len(head) > 5 and head not in text and similar(text, head, SIMILAR) >= SIMILAR
