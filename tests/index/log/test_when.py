"""The log's timestamps and the times its filters read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from index.log.when import iso, parse_when

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


def test_iso_is_utc_with_milliseconds_and_reads_naive_times_as_utc() -> None:
    east = datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert iso(east) == "2024-05-01T12:00:00.000+00:00"
    assert iso(datetime(2024, 5, 1, 12, 0)) == "2024-05-01T12:00:00.000+00:00"


@pytest.mark.parametrize(
    ("text", "ago"),
    [("30m", timedelta(minutes=30)), ("24h", timedelta(hours=24)), (" 7d", timedelta(days=7))],
)
def test_a_relative_span_counts_back_from_now(text: str, ago: timedelta) -> None:
    assert parse_when(text, now=NOW) == NOW - ago


def test_a_bare_date_is_its_start_or_with_end_of_day_its_end() -> None:
    assert parse_when("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_when("2024-05-01", end_of_day=True) == datetime(2024, 5, 2, tzinfo=UTC)
    # A date-time is taken as written, end of day or not.
    assert parse_when("2024-05-01T08:30", end_of_day=True) == datetime(
        2024, 5, 1, 8, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yesterday", "not a date or time"),
        ("9999-12-31", "out of range"),
        ("999999999w", "out of range"),
    ],
)
def test_what_it_cannot_read_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_when(text, now=NOW)
