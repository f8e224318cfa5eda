"""Page text on its way to a terminal: no escape sequence, control or bidi character gets there.

A crawled page is written by strangers. A title holding ESC [ 2 J clears an analyst's screen, an
OSC 8 or OSC 52 sequence plants links or writes the clipboard, U+202E turns `txt.exe` around.
`for_terminal` is the one function every command runs page text through before printing it
(`krnews search`, the report's text output, `krnews extract` on a terminal).
"""

from __future__ import annotations

import re

# ESC sequences whole: CSI (ESC [ ... final byte), OSC / DCS / APC / PM / SOS strings (ended by
# BEL or ST), the two-character ones (ESC 7, ESC c), and the 8-bit CSI and OSC (U+009B, U+009D).
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI, 7- and 8-bit
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences, or a lone ESC
)
# C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides, isolates and
# marks; line and paragraph separators.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def for_terminal(text: str | None, *, keep_newlines: bool = True) -> str:
    """The text without escape sequences, control characters (tab and newline kept unless
    `keep_newlines` is false, when they become spaces) and bidi controls."""
    if not text:
        return ""
    text = _CONTROLS.sub("", _ESCAPE.sub("", text))
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return text
