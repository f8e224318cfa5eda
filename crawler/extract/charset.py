"""Bytes to text for Korean pages: header, BOM, meta, and a check that the declaration is true.

Korean local papers often run 2000s CMSes that print `charset=euc-kr` (really CP949: EUC-KR
cannot encode the extended Hangul those editors accept) or, after a half-done migration, a
`<meta charset="utf-8">` in front of CP949 bytes. So the declared charset is only the first
guess: a candidate wins only if the bytes decode under it strictly, and the result must not
look like UTF-8 read as Latin-1 (mojibake that no strict decoder catches).
"""

from __future__ import annotations

import re

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# A stray broken byte (a truncated multi-byte character at a CMS's substring cut) should not
# lose a whole article; more damage than this is a wrong charset, not a typo.
MAX_BAD_BYTES_RATIO = 0.0005
MAX_BAD_BYTES = 4

# UTF-8 Hangul read as Latin-1/CP1252 turns into "ê³ ì–‘"-like runs: a lead byte in the
# Latin-1 letters range followed by one or two continuation-range characters.
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152-\u0178\u2013-\u203a\u20ac\u2122]")
# The same two characters as UTF-8 bytes, for text still in its UTF-8 bytes: a pattern that
# starts with one byte is scanned for in C, where the character class above is tried at every
# position (0.5 ms on a real-size page against about 0.05).
_MOJIBAKE_UTF8 = re.compile(
    rb"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|\xc5[\x92-\xb8]|\xe2\x80[\x93-\xba]|\xe2\x82\xac|\xe2\x84\xa2)"
)
_HANGUL = re.compile("[\uac00-\ud7a3]")
SINGLE_BYTE = frozenset({"cp1252", "iso8859-1", "latin-1", "iso-8859-1", "ascii", "windows-1252"})


class CharsetError(ValueError):
    """The bytes cannot be decoded to text without mojibake; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    # w3lib maps euc-kr, ks_c_5601-1987 and friends to cp949, which is what we want.
    return resolve_encoding(name) or None


def declared_encodings(body: bytes, headers: dict | None) -> list[str]:
    """Candidate codecs in the order a browser trusts them: BOM, HTTP header, meta tag."""
    found: list[str] = []
    bom, _ = read_bom(body)
    content_type = _header(headers, "content-type")
    for name in (
        bom,
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body[:4096]),
    ):
        codec = _codec(name)
        if codec and codec not in found:
            found.append(codec)
    return found


def _header(headers: dict | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        key = key.decode("latin-1") if isinstance(key, bytes) else key
        if key.lower() == name:
            if isinstance(value, list | tuple):
                value = value[0] if value else None
            return value.decode("latin-1") if isinstance(value, bytes) else value
    return None


def looks_like_mojibake(text: str) -> bool:
    """True when the text reads like UTF-8 bytes decoded as Latin-1/CP1252."""
    garbage = len(_MOJIBAKE.findall(text))
    return garbage >= 3 and garbage > len(_HANGUL.findall(text))


def _strip_bom(body: bytes, codec: str) -> bytes:
    bom, raw = read_bom(body)
    return body[len(raw) :] if bom and raw and _codec(bom) == codec else body


def _try(body: bytes, codec: str) -> str | None:
    try:
        text = _strip_bom(body, codec).decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    if codec == "utf-8":
        # Valid UTF-8 is UTF-8 whatever it holds: a page whose CMS once stored some text read as
        # Latin-1 gets those runs repaired, and the rest (a German "ß" before a soft hyphen
        # matches the pattern too) is kept as it is. Losing the article is never the answer.
        return repair_mojibake(text) if _MOJIBAKE_UTF8.search(body) else text
    return None if looks_like_mojibake(text) else text


# What a repaired run may turn into: Hangul, CJK, Latin letters with accents, typographic
# punctuation. Anything else (U+07ED from "ß" + soft hyphen) means the run was real text.
_REPAIRED = re.compile(
    "^[\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u20ac\u3000-\u303f\u3131-\u318e"
    "\u4e00-\u9fff\uac00-\ud7a3\uff00-\uffef]+$"
)
# One run and then any more, not `(?:run)+`: a pattern that opens with a character class is
# scanned for in C, where the group had the engine try a match at every position of the page
# (five times the CPU on pages that need the repair).
_RUN = "[\u00c2-\u00f4][\u0080-\u00bf\u0152-\u0178\u2013-\u203a\u20ac\u2122]{1,3}"
_MOJIBAKE_RUN = re.compile(f"{_RUN}(?:{_RUN})*")


def _repair_run(match: re.Match[str]) -> str:
    run = match.group(0)
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = run.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if _REPAIRED.match(fixed):
            return fixed
    return run


def repair_mojibake(text: str) -> str:
    """Runs of UTF-8 once read as Latin-1/CP1252 ("ê³ ì–‘") turned back into text ("고양")."""
    if not _MOJIBAKE.search(text):
        return text
    return _MOJIBAKE_RUN.sub(_repair_run, text)


def _try_lenient(body: bytes, codec: str) -> str | None:
    try:
        text = _strip_bom(body, codec).decode(codec, errors="replace")
    except LookupError:
        return None
    bad = text.count("\ufffd")
    if bad > min(MAX_BAD_BYTES, max(1, int(len(body) * MAX_BAD_BYTES_RATIO))):
        return None
    # The replacement character itself is mojibake; drop it rather than store it.
    text = text.replace("\ufffd", "")
    return None if looks_like_mojibake(text) else text


def decode_html(
    body: bytes, headers: dict | None = None, override: str | None = None
) -> tuple[str, str]:
    """Decode a page: returns (text, codec). Raises CharsetError when nothing decodes cleanly.

    `override` is the site's `charset` from sites.toml and is trusted over anything the page
    says, but is still checked: a wrong override is an error, not silent mojibake.
    """
    if override:
        codec = _codec(override)
        if codec is None:
            raise CharsetError(f"unknown charset override {override!r}")
        text = _try(body, codec) or _try_lenient(body, codec)
        if text is None:
            raise CharsetError(f"bytes are not {codec} (site override)")
        return text, codec

    declared = declared_encodings(body, headers)
    # UTF-8 that validates strictly is UTF-8 whatever the page claims: long Hangul text that is
    # valid UTF-8 by accident does not happen, while CP949 decodes most UTF-8 bytes into hanja.
    # Then CP949, the usual liar's real charset (meta says UTF-8 or Latin-1, bytes are CP949),
    # before any single-byte codec, since those decode every byte string "cleanly".
    multi = [c for c in declared if c not in SINGLE_BYTE]
    candidates = list(dict.fromkeys(["utf-8", *multi, "cp949", *declared]))
    for codec in candidates:
        text = _try(body, codec)
        if text is not None:
            return text, codec
    for codec in declared or candidates:
        text = _try_lenient(body, codec)
        if text is not None:
            return text, codec
    # Last: a Western page that declares nothing and is neither UTF-8 nor CP949 (CP1252 decodes
    # nearly any bytes, so it comes only after every Korean reading failed).
    if not declared:
        text = _try(body, "cp1252")
        if text is not None:
            return text, "cp1252"
    said = ", ".join(declared) or "nothing"
    raise CharsetError(f"no charset decodes the page cleanly (page declares {said})")
