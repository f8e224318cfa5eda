"""Korean news dates: every format local papers print, out as ISO 8601 with an offset.

A page that gives no zone is in Korea time (+09:00; Korea has no daylight saving). Labels decide
published vs updated: "입력/등록/기사입력" is when the story went out, "수정/업데이트" when it
changed; "승인" (editor approval) is the publication time on CMSes that print no "입력".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9))

# Label words as data, strongest claim to "published" first. A date under none of them counts as
# published only when no labelled one exists.
PUBLISHED_LABELS: tuple[tuple[str, ...], ...] = (
    ("기사입력", "입력", "등록", "작성", "송고", "최초입력", "최초 입력"),
    ("승인", "기사승인", "게재", "발행", "보도", "발행일"),
)
UPDATED_LABELS: tuple[str, ...] = (
    "최종수정",
    "최종 수정",
    "최종편집",
    "수정",
    "업데이트",
    "갱신",
    "기사수정",
)

LABEL_WORDS = sorted(
    {w for group in PUBLISHED_LABELS for w in group} | set(UPDATED_LABELS), key=len, reverse=True
)
_LABEL = "|".join(re.escape(w) for w in LABEL_WORDS)

_ISO = re.compile(
    r"(?P<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)"
)
# 2024.05.12 10:31 | 2017/07/09 [14:18] | 2024년 5월 12일 (일) 오전 10:31 | 2024-05-12 10:31:00
# | 2024. 5. 12. 오후 3:05 | 24.05.12 10:31
_LOCAL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2}|\d{2})\s*(?:[./-]|년)\s*(?P<m>\d{1,2})\s*(?:[./-]|월)\s*"
    r"(?P<d>\d{1,2})(?!\d)\s*(?:일)?\.?"
    r"(?:\s*[(（]\s*[월화수목금토일A-Za-z]{1,3}\s*[)）])?"  # weekday "(토)" / "(Sat)"
    r"(?:\s*\[?\s*(?:(?P<ampm>오전|오후|AM|PM|am|pm)\s*)?"
    r"(?P<H>\d{1,2})\s*(?::|시)\s*(?P<M>\d{1,2})(?:\s*(?::|분)\s*(?P<S>\d{1,2}))?\s*(?:분|초)?"
    r"(?:\s*(?P<ampm2>AM|PM|am|pm))?\s*\]?)?"
)
_RELATIVE = re.compile(r"(?P<n>\d+)\s*(?P<unit>초|분|시간|일|주|개월|달)\s*전")
_UNITS = {
    "초": timedelta(seconds=1),
    "분": timedelta(minutes=1),
    "시간": timedelta(hours=1),
    "일": timedelta(days=1),
    "주": timedelta(weeks=1),
    "개월": timedelta(days=30),
    "달": timedelta(days=30),
}
_LABELLED = re.compile(
    rf"(?P<label>{_LABEL})\s*(?:일시|시간|일)?\s*[:：]?\s*(?:{_ISO.pattern}|{_LOCAL.pattern})"
)


def _iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=KST)
    return dt.isoformat(timespec="seconds")


def _from_iso(text: str) -> str | None:
    try:
        return _iso(datetime.fromisoformat(text))
    except ValueError:
        return None


def _from_local(m: re.Match) -> str | None:
    year = int(m["y"])
    if year < 100:
        year += 2000
    hour = int(m["H"] or 0)
    ampm = (m["ampm"] or m["ampm2"] or "").lower()
    if ampm in ("오후", "pm") and hour < 12:
        hour += 12
    elif ampm in ("오전", "am") and hour == 12:
        hour = 0
    try:
        dt = datetime(year, int(m["m"]), int(m["d"]), hour, int(m["M"] or 0), int(m["S"] or 0))
    except ValueError:
        return None
    return _iso(dt)


def _from_match(m: re.Match) -> str | None:
    return _from_iso(m["iso"]) if m["iso"] else _from_local(m)


def parse_date(text: str | None, now: datetime | None = None) -> str | None:
    """The first date in `text` as ISO 8601 (+09:00 unless the text has a zone), else None.

    `now` anchors relative dates ("3시간 전") as list pages print them; without it they are None.
    """
    if not text:
        return None
    iso = _ISO.search(text)
    local = _LOCAL.search(text)
    if iso and (not local or iso.start() <= local.start()):
        return _from_iso(iso["iso"])
    if local:
        return _from_local(local)
    rel = _RELATIVE.search(text)
    if rel and now is not None:
        now = now if now.tzinfo else now.replace(tzinfo=KST)
        return _iso((now - int(rel["n"]) * _UNITS[rel["unit"]]).astimezone(KST))
    if now is not None and "방금" in text:
        return _iso(now if now.tzinfo else now.replace(tzinfo=KST))
    return None


def _rank(label: str) -> int | None:
    label = label.strip()
    for rank, group in enumerate(PUBLISHED_LABELS):
        if label in group:
            return rank
    return None


def published_and_updated(text: str | None) -> tuple[str | None, str | None]:
    """(published, updated) from a dateline such as "입력 2024.05.12 10:31 수정 2024.05.13 09:00".

    Unlabelled dates count as published only when no labelled published date is present.
    """
    if not text:
        return None, None
    best: tuple[int, str] | None = None
    updated = None
    for m in _LABELLED.finditer(text):
        value = _from_match(m)
        if value is None:
            continue
        rank = _rank(m["label"])
        if rank is None:
            updated = updated or value
        elif best is None or rank < best[0]:
            best = (rank, value)
    published = best[1] if best else None
    if published is None:
        stripped = _LABELLED.sub(" ", text)
        published = parse_date(stripped)
    return published, updated


def has_date(text: str) -> bool:
    """True when the line carries an absolute date (used to spot datelines inside a body)."""
    return bool(_ISO.search(text) or _LOCAL.search(text))


def is_dateline(line: str, max_len: int = 80) -> bool:
    """True for a short line that is only labelled dates ("입력 2024.05.12 10:31 | 수정 …")."""
    if len(line) > max_len:
        return False
    rest = _LABELLED.sub(" ", line)
    if rest == line:
        return False
    return len(re.sub(r"[\W\d_]+", "", rest)) <= 6
