"""The log's one timestamp format and the times its filters accept (`--since 7d`, a date)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_RELATIVE = re.compile(r"^(\d{1,9})\s*([mhdw])$")
# Times outside these are refused by every filter (a `--until 9999-12-31` cannot overflow).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def iso(moment: datetime) -> str:
    """The one timestamp format of the log: UTC, ISO 8601, milliseconds (sorts as text)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_when(text: str, *, now: datetime | None = None, end_of_day: bool = False) -> datetime:
    """Read `2024-05-01`, an ISO date-time (naive = UTC) or a relative `30m`, `24h`, `7d`, `2w`.

    With `end_of_day`, a bare date means the end of that day (so `--until 2024-05-01` includes it).
    """
    value = text.strip()
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(value)
    try:
        if match:
            moment = now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        else:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    f"not a date or time: {text!r} (use 2024-05-01, 2024-05-01T12:00, or 24h / 7d)"
                ) from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            if end_of_day and len(value) == 10:
                moment += timedelta(days=1)
        if not EARLIEST <= moment <= LATEST:
            raise OverflowError
    except OverflowError:
        raise ValueError(
            f"date or time out of range: {text!r} (use a time between "
            f"{EARLIEST.date()} and {LATEST.date()}, or a span such as 7d)"
        ) from None
    return moment


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
