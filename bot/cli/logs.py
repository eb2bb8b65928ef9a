"""`explainer logs`: list, show, review, export, summarize, locate, back up and prune the log."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.cli.errors import fail, load_settings
from bot.cli.logs_input import (
    AnswerId,
    AsJson,
    Channel,
    Feedback,
    Guild,
    Label,
    Search,
    Since,
    Status,
    Unreviewed,
    Until,
    Verdict,
    VerificationFailed,
    log_filter,
    parse_gold,
    prune_days,
    whole,
)
from bot.cli.logs_render import render_detail, render_stats, when
from index import STATUSES, Settings, get_settings
from index.log.article_source import logged_article, served_article
from index.log.context import detail_json
from index.log.export import eval_export, to_csv, to_jsonl
from index.log.query import MAX_ID, MAX_LIMIT
from index.log.stats import Embed
from index.log.store import AnswerLog, AnswerLogError, AnswerLogMissing, LogFilter
from index.log.when import iso

COMMANDS = ("list", "show", "review", "export", "stats", "path", "backup", "prune")
LOGS_HELP = "The answer log without SQL: " + ", ".join(COMMANDS) + "."
SOURCES = ("discord", "cli")

app = typer.Typer(
    help=LOGS_HELP, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False
)

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)


def _fail(message: str) -> NoReturn:
    fail(message, 1)


def _settings() -> Settings:
    return load_settings(get_settings)


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
    limit: Annotated[
        str,
        typer.Option("--limit", metavar="N", help=f"At most this many (1 to {MAX_LIMIT})."),
    ] = "50",
    as_json: AsJson = False,
) -> None:
    """List logged answers, newest first (says so when more match than --limit)."""
    flt = log_filter(
        whole("--limit", limit, 1, MAX_LIMIT), since=since, until=until, status=status,
        label=label, feedback=feedback, verdict=verdict, unreviewed=unreviewed,
        verification_failed=verification_failed, guild_id=guild, channel_id=channel,
        search=search,
    )  # fmt: skip
    with _opened(_settings()) as log:
        rows = log.list_answers(flt)
        total = log.count(replace(flt, limit=None)) if len(rows) == flt.limit else len(rows)
    if total > len(rows):
        _err.print(
            f"showing the newest {len(rows)} of {total} matching answers; "
            "use --limit or narrow the filters to see the others",
            markup=False,
        )
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
def show_command(answer_id: AnswerId, as_json: AsJson = False) -> None:
    """Everything logged about one answer: as sent, quotes in context, scores, reviews."""
    settings = _settings()
    with _opened(settings) as log:
        detail = log.get(log.resolve_id(answer_id))
    source = logged_article(settings, detail.index_version)
    if as_json:
        _print_json(detail_json(detail, source))
    else:
        render_detail(_out, detail, source)


@app.command("review")
def review_command(
    answer_id: AnswerId,
    verdict: Annotated[str, typer.Option("--verdict", help="correct, incorrect or needs-fix.")],
    note: Annotated[str | None, typer.Option("--note", help="What is wrong or right.")] = None,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who reviews.")] = None,
    gold: Annotated[
        list[str] | None,
        typer.Option(
            "--gold",
            metavar="TEXT",
            help="A passage of the article a good answer quotes (repeatable); prefix labels it "
            "may carry: 'allegation: TEXT'.",
        ),
    ] = None,
    expected_status: Annotated[
        str | None,
        typer.Option("--expected-status", help="The status a good answer has: answered, …"),
    ] = None,
) -> None:
    """Record a reviewer's verdict; --gold and --expected-status make it an evaluation case."""
    settings = _settings()
    passages = [parse_gold(g) for g in gold or []]
    if expected_status is not None and expected_status not in STATUSES:
        _fail(f"--expected-status {expected_status!r}: use one of {', '.join(STATUSES)}")
    # Checked against what the engine serves (the live snapshot), else the corpus directory.
    source = served_article(settings) if passages else None
    if source is not None and source.article is None:
        _err.print(f"gold passages not checked: {source.note}", markup=False)
    for passage in passages:
        if source and source.article and passage["text"] not in source.article.text:
            _fail(
                f"--gold {passage['text'][:60]!r} is not in {source.where}: copy an exact passage"
            )
    with _opened(settings) as log:
        full_id = log.resolve_id(answer_id)
        log.record_verdict(
            full_id, verdict, note=note, reviewer=reviewer,  # type: ignore[arg-type]
            gold=passages or None, expected_status=expected_status,
        )  # fmt: skip
    extra = f" with {len(passages)} gold passage(s)" if passages else ""
    extra += f", expected status {expected_status}" if expected_status else ""
    _out.print(f"Recorded verdict {verdict} on {full_id}{extra}.", markup=False)


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
    limit: Annotated[
        str | None, typer.Option("--limit", metavar="N", help="At most this many (oldest first).")
    ] = None,
) -> None:
    """Export answers, oldest first, as JSON lines, CSV, or evaluation cases (reviewed only)."""
    if fmt not in ("jsonl", "csv"):
        _fail(f"unknown format {fmt!r}; use jsonl or csv")
    flt = log_filter(
        whole("--limit", limit, 1, MAX_ID), since=since, until=until, status=status,
        label=label, feedback=feedback, verdict=verdict, unreviewed=unreviewed,
        verification_failed=verification_failed, guild_id=guild, channel_id=channel,
        search=search,
    )  # fmt: skip
    with _opened(_settings()) as log:
        rows = log.export_rows(flt)
    summary = ""
    if as_eval:
        export = eval_export(rows)
        text = export.text
        summary = f" ({export.cases} evaluation cases, {export.todos} commented TODOs)"
        if export.todos:
            _err.print(
                f"{export.todos} answer(s) lack a reviewed fix and were written as commented "
                "TODOs: explainer logs review ID --gold TEXT --expected-status STATUS",
                markup=False,
            )
    elif fmt == "csv":
        text = to_csv(rows)
    else:
        text = to_jsonl(rows)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}")
        _err.print(f"Wrote {len(rows)} answers to {output}{summary}", markup=False)


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
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="Only answers asked here: discord or cli (latency differs a lot)."
        ),
    ] = None,
    embed: Annotated[
        bool, typer.Option("--embed", help="Group similar questions by embeddings (loads a model).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Answers per day, statuses, feedback, verdicts, latency, most asked, gaps, unwritten."""
    if source is not None and source not in SOURCES:
        _fail(f"--source {source!r}: use one of {', '.join(SOURCES)}")
    flt = log_filter(None, since=since, until=until)
    settings = _settings()
    with _opened(settings) as log:
        stats = log.stats(
            flt.since, flt.until, embed=_embedder(settings) if embed else None, source=source
        )
    if as_json:
        _print_json(stats.to_json())
    else:
        render_stats(_out, stats)


@app.command("path")
def path_command() -> None:
    """Print where the answer log is (EXPLAINER_LOG_DB, else DATA_DIR/answers.db)."""
    sys.stdout.write(f"{_settings().log_db_path}\n")


@app.command("backup")
def backup_command(
    target: Annotated[Path, typer.Argument(help="A new file for the copy.")],
) -> None:
    """Write a consistent copy of the answer log (SQLite VACUUM INTO), safe while the bot runs."""
    with _opened(_settings()) as log:
        log.backup(target)
        count = log.count(LogFilter(limit=None))
    _out.print(f"Backed up {count} answers to {target}", markup=False)


@app.command("prune")
def prune_command(
    older_than: Annotated[
        str,
        typer.Option("--older-than", metavar="DAYS", help="Delete answers older than DAYS."),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete answers (with their feedback and verdicts) older than some days."""
    days = prune_days(older_than)
    cutoff = datetime.now(UTC) - timedelta(days=days)
    with _opened(_settings()) as log:
        count = log.count(LogFilter(until=cutoff, limit=None))
        if count == 0:
            _out.print("Nothing to prune.")
            return
        if not yes:
            typer.confirm(f"Delete {count} answers logged before {iso(cutoff)}?", abort=True)
        deleted = log.prune(days, now=cutoff + timedelta(days=days))
    _out.print(f"Deleted {deleted} answers.")
