from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract.dates import KST, has_date, is_dateline, parse_date, published_and_updated


@pytest.mark.parametrize(
    ("text", "published", "updated"),
    [
        ("입력 2024.05.12 10:31", "2024-05-12T10:31:00+09:00", None),
        ("승인 2024.05.12 10:31", "2024-05-12T10:31:00+09:00", None),
        ("한명식 기자 | 기사입력 2017/07/09 [14:18]", "2017-07-09T14:18:00+09:00", None),
        ("한명식 기자 | 입력 : 2017/07/09 [14:18]", "2017-07-09T14:18:00+09:00", None),
        ("2024년 5월 12일 오전 10:31", "2024-05-12T10:31:00+09:00", None),
        ("2024년 5월 12일 (일) 오후 3:05", "2024-05-12T15:05:00+09:00", None),
        ("2024년 5월 12일 오후 12:10", "2024-05-12T12:10:00+09:00", None),
        ("2024년 5월 12일 오전 12:10", "2024-05-12T00:10:00+09:00", None),
        ("2024. 5. 12. 오후 3:05", "2024-05-12T15:05:00+09:00", None),
        ("등록 2024-05-12 10:31:00", "2024-05-12T10:31:00+09:00", None),
        (
            "등록 2024-05-12 10:31:00 수정 2024-05-13 09:00:00",
            "2024-05-12T10:31:00+09:00",
            "2024-05-13T09:00:00+09:00",
        ),
        # The updated time printed first must not be taken for the published one.
        (
            "수정 2024.05.13 09:00 입력 2024.05.12 10:31",
            "2024-05-12T10:31:00+09:00",
            "2024-05-13T09:00:00+09:00",
        ),
        (
            "기사입력 2017/07/09 [14:18] | 최종편집 2017/07/10 [09:02]",
            "2017-07-09T14:18:00+09:00",
            "2017-07-10T09:02:00+09:00",
        ),
        # "입력" beats "승인" when both are printed.
        ("승인 2024.05.12 11:00 입력 2024.05.12 10:31", "2024-05-12T10:31:00+09:00", None),
        ("작성일 24-10-11 09:42", "2024-10-11T09:42:00+09:00", None),
        ("2024-05-12T10:31:00+09:00", "2024-05-12T10:31:00+09:00", None),
        ("2024-05-12T01:31:00Z", "2024-05-12T01:31:00+00:00", None),
        ("2024-05-12T10:31:00", "2024-05-12T10:31:00+09:00", None),
        ("2024.05.12", "2024-05-12T00:00:00+09:00", None),
        ("대표전화 031-900-1234", None, None),
        ("", None, None),
    ],
)
def test_published_and_updated(text: str, published: str | None, updated: str | None) -> None:
    assert published_and_updated(text) == (published, updated)


def test_relative_dates_need_an_anchor() -> None:
    now = datetime(2024, 5, 12, 12, 0, tzinfo=KST)
    assert parse_date("3시간 전", now=now) == "2024-05-12T09:00:00+09:00"
    assert parse_date("15분 전", now=now) == "2024-05-12T11:45:00+09:00"
    assert parse_date("2일 전", now=now) == "2024-05-10T12:00:00+09:00"
    assert parse_date("방금 전", now=now) == "2024-05-12T12:00:00+09:00"
    assert parse_date("3시간 전") is None


def test_relative_dates_from_a_utc_anchor_come_out_in_korea_time() -> None:
    now = datetime(2024, 5, 12, 3, 0, tzinfo=UTC)
    assert parse_date("1시간 전", now=now) == "2024-05-12T11:00:00+09:00"


def test_impossible_dates_are_none() -> None:
    assert parse_date("2024.02.30 10:00") is None
    assert parse_date("2024-13-01T00:00:00") is None


def test_datelines_are_told_from_sentences_that_mention_dates() -> None:
    assert is_dateline("입력 2024.05.12 10:31 | 수정 2024.05.12 11:00")
    assert not is_dateline("신청은 2024.05.12 까지 홈페이지에서 등록하면 된다.")
    assert has_date("2024.05.12 마감") and not has_date("1/2")
