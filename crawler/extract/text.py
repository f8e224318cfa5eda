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
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but newline (includes NBSP, U+3000 ideographic)
_NEWLINES = re.compile(r"\s*\n\s*")


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
    lines = (_SPACES.sub(" ", line).strip() for line in _NEWLINES.split(text))
    return "\n".join(line for line in lines if line)
