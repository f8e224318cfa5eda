"""The one place where text is normalised (DESIGN.md §7).

Everything the extract stage pulls out of a page passes through `normalize` once; every later
stage works on its output and never normalises again.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing or as a plain space in a browser but survive copy-paste:
# zero-width space/joiners, word joiner, BOM, soft hyphen, and the Hangul filler that some CMS
# editors leave in empty paragraphs.
# A regex, not str.translate: translate looks every character up in a dict, which cost half a
# millisecond on a real-size page; the regex scans in C and only stops on a match.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u3164\u115f\u1160]")


def normalize(text: str | None) -> str:
    """One line of text: NFC, invisible characters dropped, every whitespace run one space."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def normalize_block(text: str | None) -> str:
    """Several lines: each line as `normalize`, empty lines dropped, joined by "\\n"."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    # Split at every newline, then each line as `normalize` does it (str.split() breaks at the
    # whitespace a regex's \s matches, NBSP and U+3000 among it): the lines of only whitespace
    # that a run like " \n \n " leaves are dropped as empty. Half the CPU of splitting at
    # r"\s*\n\s*", a pattern the regex engine tries at every position of the text.
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
