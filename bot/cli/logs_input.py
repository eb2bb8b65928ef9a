"""What an operator types to `explainer logs`: shared options and the checks that turn them into
values (whole numbers, ids, day counts, a time filter, gold passages), each failing in one line."""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

import typer

from bot.cli.errors import fail
from index import LABELS
from index.log.query import MAX_ID
from index.log.store import LogFilter
from index.log.when import parse_when

Since = Annotated[
    str | None, typer.Option("--since", help="From this time: 2024-05-01, an ISO time, 24h, 7d.")
]
Until = Annotated[
    str | None, typer.Option("--until", help="Before this time (a bare date includes that day).")
]
Status = Annotated[str | None, typer.Option("--status", help="answered, out_of_scope, …")]
Label = Annotated[
    str | None, typer.Option("--label", help="Answers quoting a passage so labelled.")
]
Feedback = Annotated[str | None, typer.Option("--feedback", help="up, down or none.")]
Verdict = Annotated[str | None, typer.Option("--verdict", help="correct, incorrect, needs-fix.")]
Unreviewed = Annotated[bool, typer.Option("--unreviewed", help="Only answers with no verdict.")]
VerificationFailed = Annotated[
    bool, typer.Option("--verification-failed", help="Only answers the verifier rejected.")
]
Guild = Annotated[
    str | None, typer.Option("--guild", metavar="ID", help="Discord server id.", show_default=False)
]
Channel = Annotated[
    str | None,
    typer.Option("--channel", metavar="ID", help="Discord channel id.", show_default=False),
]
Search = Annotated[
    str | None, typer.Option("--search", help="Words in the question or the answer (full text).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AnswerId = Annotated[
    str, typer.Argument(help="The answer's id, or a unique start of it (at least 6 characters).")
]

MAX_PRUNE_DAYS = 36_500


def _fail(message: str) -> NoReturn:
    fail(message, 1)


def whole(option: str, value: str | None, low: int, high: int) -> int | None:
    """A whole-number option in [low, high], or one line naming the option and the range."""
    if value is None:
        return None
    text = value.strip()
    digits = text.isascii() and text.isdigit() and len(text) <= 20
    if not digits or not low <= int(text) <= high:
        _fail(f"{option} {value[:40]!r}: must be a whole number from {low} to {high}")
    return int(text)


def record_id(option: str, value: str | None) -> int | None:
    """A Discord id option (server, channel): a whole number from 0 to MAX_ID."""
    return whole(option, value, 0, MAX_ID)


def log_filter(limit: int | None, **options: Any) -> LogFilter:
    """The filter for list, export and stats: ids checked, --since/--until parsed."""
    options["guild_id"] = record_id("--guild", options.get("guild_id"))
    options["channel_id"] = record_id("--channel", options.get("channel_id"))
    try:
        since, until = options.pop("since", None), options.pop("until", None)
        return LogFilter(
            since=parse_when(since) if since else None,
            until=parse_when(until, end_of_day=True) if until else None,
            limit=limit,
            **options,
        )
    except (ValueError, OverflowError) as exc:
        _fail(str(exc))


def parse_gold(text: str) -> dict[str, Any]:
    """`--gold "TEXT"` or `--gold "allegation,disputed: TEXT"` (labels the quote may carry)."""
    head, sep, rest = text.partition(":")
    labels = [w.strip() for w in head.split(",")] if sep else []
    if sep and labels and all(label in LABELS for label in labels) and rest.strip():
        return {"text": " ".join(rest.split()), "labels": labels}
    return {"text": " ".join(text.split()), "labels": []}


def prune_days(value: str) -> float:
    """`--older-than DAYS`: a number of days from 0 to MAX_PRUNE_DAYS."""
    try:
        days = float(value)
    except ValueError:
        days = -1.0
    if not 0 <= days <= MAX_PRUNE_DAYS:  # also refuses nan and inf
        _fail(f"--older-than {value!r}: must be a number of days from 0 to {MAX_PRUNE_DAYS}")
    return days
