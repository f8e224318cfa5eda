"""How figures and times read in every format of the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")
NO_VALUE = "\u2013"  # en dash: no figure to show


def pct(share: float | None) -> str:
    return NO_VALUE if share is None else f"{share:.0%}"


def age(hours: float | None) -> str:
    if hours is None:
        return NO_VALUE
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.1f} d"


def lag(minutes: float | None) -> str:
    """How far a version ran behind a story's first: `+21 min`, `+3 h 24 min`, `+2.1 d`."""
    if minutes is None:
        return NO_VALUE
    if minutes < 60:
        return f"+{minutes:.0f} min"
    if minutes < 48 * 60:
        hours, rest = divmod(round(minutes), 60)
        return f"+{hours} h {rest} min" if rest else f"+{hours} h"
    return f"+{minutes / 1440:.1f} d"


def kst(moment: str | None) -> str:
    """An ISO 8601 time from the store as Korea time, `2026-11-25 12:26`: the sites' own clock,
    and the one the per-day charts count in. Unreadable values are shown as they are."""
    if not moment:
        return NO_VALUE
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    if parsed.tzinfo is None:  # the store writes UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(KST).strftime("%Y-%m-%d %H:%M")
