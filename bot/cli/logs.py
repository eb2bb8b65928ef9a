"""`explainer logs`: list, show, review, export and summarize the answer log."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.cli.logs_render import render_detail, render_stats, when
from index import Settings, get_settings
from index.log.context import detail_json, load_article
from index.log.export import eval_yaml, to_csv, to_jsonl
from index.log.query import iso, parse_when
from index.log.stats import Embed
from index.log.store import AnswerLog, AnswerLogError, AnswerLogMissing, LogFilter

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

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
Guild = Annotated[int | None, typer.Option("--guild", help="Discord server id.")]
Channel = Annotated[int | None, typer.Option("--channel", help="Discord channel id.")]
Search = Annotated[
    str | None, typer.Option("--search", help="Words in the question or the answer (full text).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


def _fail(message: str) -> NoReturn:
    _err.print(f"error: {message}", markup=False)
    raise typer.Exit(1)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def _opened(settings: Settings) -> Iterator[AnswerLog]:
    """The existing log, or a clear error saying where it was looked for."""
    try:
        log = AnswerLog(settings.log_db_path, create=False)
    except AnswerLogMissing as exc:
        _fail(f"{exc} (set EXPLAINER_LOG_DB or EXPLAINER_DATA_DIR to look elsewhere)")
    except AnswerLogError as exc:
        _fail(str(exc))
    try:
        yield log
    except (AnswerLogError, ValueError) as exc:  # includes UnknownAnswer
        _fail(str(exc))
    finally:
        log.close()


def _filter(limit: int | None, **options: Any) -> LogFilter:
    try:
        since, until = options.pop("since"), options.pop("until")
        return LogFilter(
            since=parse_when(since) if since else None,
            until=parse_when(until, end_of_day=True) if until else None,
            limit=limit,
            **options,
        )
    except ValueError as exc:
        _fail(str(exc))


def _feedback_cell(up: int, down: int) -> str:
    return " ".join(p for p in (f"👍{up}" if up else "", f"👎{down}" if down else "") if p) or "—"


@app.command("list")
def list_command(
    since: Since = None,
    until: Until = None,
    status: Status = None,
    label: Label = None,
    feedback: Feedback = None,
    verdict: Verdict = None,
    unreviewed: Unreviewed = False,
    verification_failed: VerificationFailed = False,
    guild: Guild = None,
    channel: Channel = None,
    search: Search = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 50,
    as_json: AsJson = False,
) -> None:
    """List logged answers, newest first."""
    flt = _filter(
        limit, since=since, until=until, status=status, label=label, feedback=feedback,
        verdict=verdict, unreviewed=unreviewed, verification_failed=verification_failed,
        guild_id=guild, channel_id=channel, search=search,
    )  # fmt: skip
    with _opened(get_settings()) as log:
        rows = log.list_answers(flt)
    if as_json:
        _print_json([row.__dict__ for row in rows])
        return
    if not rows:
        _out.print("No answers match.")
        return
    cells = [
        (
            when(row.created_at),
            row.id,
            row.status if row.verification_passed else f"{row.status} ✗",
            _feedback_cell(row.feedback_up, row.feedback_down),
            row.verdict or "—",
        )
        for row in rows
    ]
    headers = ("time (UTC)", "id", "status", "feedback", "verdict")
    widths = [max(Text(c[i]).cell_len for c in [headers, *cells]) for i in range(len(headers))]
    # Every column but the question keeps its full width, even past a narrow terminal's edge.
    needed = sum(widths) + 2 * len(widths) + 12
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.width = needed if needed > _out.width else None
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, no_wrap=True, min_width=width)
    table.add_column("question", no_wrap=True, overflow="ellipsis", ratio=1, min_width=12)
    for row, fixed in zip(rows, cells, strict=True):
        table.add_row(*fixed, Text(row.question, overflow="ellipsis", no_wrap=True))
    _out.print(table, crop=False)


@app.command("show")
def show_command(answer_id: str, as_json: AsJson = False) -> None:
    """Everything logged about one answer: as sent, quotes in context, scores, reviews."""
    settings = get_settings()
    with _opened(settings) as log:
        detail = log.get(answer_id)
    article = load_article(settings.corpus_dir)
    if as_json:
        _print_json(detail_json(detail, article))
    else:
        render_detail(_out, detail, article)


@app.command("review")
def review_command(
    answer_id: str,
    verdict: Annotated[str, typer.Option("--verdict", help="correct, incorrect or needs-fix.")],
    note: Annotated[str | None, typer.Option("--note", help="What is wrong or right.")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who reviews.")] = None,
) -> None:
    """Record a reviewer's verdict on an answer."""
    with _opened(get_settings()) as log:
        log.record_verdict(answer_id, verdict, note=note, reviewer=reviewer)  # type: ignore[arg-type]
    _out.print(f"Recorded verdict {verdict} on {answer_id}.", markup=False)


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    as_eval: Annotated[
        bool, typer.Option("--as-eval", help="Write evaluation cases (YAML) instead.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    since: Since = None,
    until: Until = None,
    status: Status = None,
    label: Label = None,
    feedback: Feedback = None,
    verdict: Verdict = None,
    unreviewed: Unreviewed = False,
    verification_failed: VerificationFailed = False,
    guild: Guild = None,
    channel: Channel = None,
    search: Search = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1)] = None,
) -> None:
    """Export answers, oldest first, as JSON lines, CSV, or evaluation cases."""
    if fmt not in ("jsonl", "csv"):
        _fail(f"unknown format {fmt!r}; use jsonl or csv")
    flt = _filter(
        limit, since=since, until=until, status=status, label=label, feedback=feedback,
        verdict=verdict, unreviewed=unreviewed, verification_failed=verification_failed,
        guild_id=guild, channel_id=channel, search=search,
    )  # fmt: skip
    with _opened(get_settings()) as log:
        rows = log.export_rows(flt)
    if as_eval:
        text = eval_yaml(rows)
    elif fmt == "csv":
        text = to_csv(rows)
    else:
        text = to_jsonl(rows)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        _err.print(f"Wrote {len(rows)} answers to {output}", markup=False)


def _embedder(settings: Settings) -> Embed:
    try:
        from index.search.embeddings import make_embedder
    except ImportError as exc:
        _fail(f"--embed needs the embedding model, which cannot be loaded: {exc}")
    return make_embedder(settings).embed_documents


@app.command("stats")
def stats_command(
    since: Since = None,
    until: Until = None,
    embed: Annotated[
        bool, typer.Option("--embed", help="Group similar questions by embeddings (loads a model).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Answers per day, statuses, feedback, verdicts, latency, most asked, coverage gaps."""
    flt = _filter(None, since=since, until=until)
    settings = get_settings()
    with _opened(settings) as log:
        stats = log.stats(flt.since, flt.until, embed=_embedder(settings) if embed else None)
    if as_json:
        _print_json(stats.to_json())
    else:
        render_stats(_out, stats)


@app.command("path")
def path_command() -> None:
    """Print where the answer log is (EXPLAINER_LOG_DB, else DATA_DIR/answers.db)."""
    sys.stdout.write(f"{get_settings().log_db_path}\n")


@app.command("backup")
def backup_command(
    target: Annotated[Path, typer.Argument(help="A new file for the copy.")],
) -> None:
    """Write a consistent copy of the answer log (SQLite VACUUM INTO), safe while the bot runs."""
    with _opened(get_settings()) as log:
        log.backup(target)
        count = log.count(LogFilter(limit=None))
    _out.print(f"Backed up {count} answers to {target}", markup=False)


@app.command("prune")
def prune_command(
    older_than: Annotated[
        float, typer.Option("--older-than", min=0, help="Delete answers older than DAYS.")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete answers (with their feedback and verdicts) older than some days."""
    cutoff = datetime.now(UTC) - timedelta(days=older_than)
    with _opened(get_settings()) as log:
        count = log.count(LogFilter(until=cutoff, limit=None))
        if count == 0:
            _out.print("Nothing to prune.")
            return
        if not yes:
            typer.confirm(f"Delete {count} answers logged before {iso(cutoff)}?", abort=True)
        deleted = log.prune(older_than, now=cutoff + timedelta(days=older_than))
    _out.print(f"Deleted {deleted} answers.")
