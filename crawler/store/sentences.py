"""Sentence-level text reuse between two versions of a story (pure: no SQL, no imports beyond re).

`split(body)` cuts a Korean body into sentences: at every newline (a paragraph), and after a
sentence end — 다. 요. 까. or a run of ! ? — followed by a space or the end of the line, but
never inside a quote (“…”, ‘…’, or an open straight double quote), so a quoted remark that holds
two sentences stays one. A piece of fewer than MIN_KEY characters (a section label left in the
body, "사진") is not a sentence. At most MAX_SENTENCES sentences are read (a 40-paragraph feature has
~150): the cost of aligning two versions is bounded.

`key(sentence)` is what two copy-edited sentences share: no spaces, no digit-group commas
(5,833억 원 is 5833억원), one double and one single quote character, one middle dot, an ellipsis
for "..." and "…", case folded. `align(first, version)` matches the version's sentences to the
first's one-to-one: equal keys first (in order), then near ones — character-bigram Dice of the
keys >= NEAR — among candidates of a similar length, at most NEAR_BUDGET comparisons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCES = 400
MIN_KEY = 6  # a shorter line is a label (정치, 사진), not a sentence: left out of the count
NEAR = 0.8  # bigram Dice of two keys that are the same sentence, copy-edited
NEAR_BUDGET = 6_000  # Dice comparisons per alignment, at most
_LENGTH_RATIO = 0.6  # Dice >= 0.8 needs the shorter key >= 2/3 of the longer; a little slack

# A sentence end: 다. 요. 까. or ! ? (a run of them), and any closing quotes or brackets after it.
_END = re.compile(r"(?:[다요까]\.|[!?]+)[”’\"')\]」』]*(?=\s|$)")
_OPEN, _CLOSE = "“‘「『", "”’」』"
_QUOTES = str.maketrans({c: '"' for c in "“”„‟″〝〞＂"} | {c: "'" for c in "‘’‚‛′＇`"})
_DOTS = str.maketrans({c: "·" for c in "ㆍ・•∙‧⋅"})
_SPACE = re.compile(r"\s+")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ELLIPSIS = re.compile(r"\.{3,}|…+")


def split(body: str | None, limit: int = MAX_SENTENCES) -> list[str]:
    """The body's sentences in order (empty ones dropped), at most `limit`."""
    found: list[str] = []
    for line in (body or "").split("\n"):
        start = 0
        for end in _END.finditer(line):
            if _inside_quote(line, start, end.start()):
                continue
            _add(found, line[start : end.end()])
            start = end.end()
        _add(found, line[start:])
        if len(found) >= limit:
            return found[:limit]
    return found


def _inside_quote(line: str, start: int, at: int) -> bool:
    part = line[start:at]
    depth = sum(part.count(c) for c in _OPEN) - sum(part.count(c) for c in _CLOSE)
    return depth > 0 or part.count('"') % 2 == 1


def _add(found: list[str], text: str) -> None:
    text = text.strip()
    if len(key(text)) >= MIN_KEY:
        found.append(text)


def key(sentence: str) -> str:
    """The comparison key: copy-edits (spacing, digit commas, quote and dot shapes) removed."""
    text = sentence.translate(_QUOTES).translate(_DOTS)
    text = _ELLIPSIS.sub("…", _SPACE.sub("", text))
    return _DIGIT_COMMA.sub("", text).casefold()


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset((text,))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


@dataclass(frozen=True)
class Alignment:
    """Which sentence of the version matches which of the first (indexes), and the counts."""

    first: int  # sentences of the first version
    version: int  # sentences of this version
    pairs: tuple[tuple[int, int], ...]  # (index in first, index in version), version order
    exact: bool  # every sentence of each matched one of the other with an equal key, in order

    @property
    def copied_share(self) -> float:
        return len(self.pairs) / self.version if self.version else 1.0

    @property
    def kept_share(self) -> float:
        return len(self.pairs) / self.first if self.first else 1.0

    @property
    def added(self) -> int:
        return self.version - len(self.pairs)

    @property
    def cut(self) -> int:
        return self.first - len(self.pairs)


def align(first: list[str], version: list[str]) -> Alignment:
    """Match the version's sentences to the first's, one to one: equal keys, then near ones."""
    first_keys = [key(s) for s in first]
    version_keys = [key(s) for s in version]
    if first_keys == version_keys:
        pairs = tuple((i, i) for i in range(len(first)))
        return Alignment(len(first), len(version), pairs, True)
    by_key: dict[str, list[int]] = {}
    for i, k in enumerate(first_keys):
        by_key.setdefault(k, []).append(i)
    matched: dict[int, int] = {}  # version index -> first index
    for j, k in enumerate(version_keys):
        slots = by_key.get(k)
        if slots:
            matched[j] = slots.pop(0)
    _near(first_keys, version_keys, matched)
    pairs = tuple(sorted(((i, j) for j, i in matched.items()), key=lambda p: p[1]))
    return Alignment(len(first), len(version), pairs, False)


def _near(first_keys: list[str], version_keys: list[str], matched: dict[int, int]) -> None:
    """Greedy near matches for the sentences left over, within the comparison budget."""
    taken = set(matched.values())
    left = [i for i in range(len(first_keys)) if i not in taken]
    if not left:
        return
    grams = {i: _bigrams(first_keys[i]) for i in left}
    budget = NEAR_BUDGET
    for j, k in enumerate(version_keys):
        if j in matched or budget <= 0:
            continue
        mine = _bigrams(k)
        best, best_score = -1, 0.0
        for i in left:
            a, b = len(first_keys[i]), len(k)
            if min(a, b) < _LENGTH_RATIO * max(a, b):
                continue
            budget -= 1
            score = dice(grams[i], mine)
            if score >= NEAR and score > best_score:
                best, best_score = i, score
        if best >= 0:
            matched[j] = best
            left.remove(best)
            if not left:
                return
