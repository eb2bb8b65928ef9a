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
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from index.answerlog import AnswerLog, AnswerLogError, AnswerLogMissing, LogFilter
from index.answerlog_context import detail_json, load_article, quote_context
from index.answerlog_export import eval_yaml, to_csv, to_jsonl
from index.answerlog_query import AnswerDetail, iso, parse_when
from index.answerlog_stats import Embed, Stats
from index.article import Article
from index.settings import Settings, get_settings

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


def _when(created_at: str) -> str:
    return created_at[:16].replace("T", " ")


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
            _when(row.created_at),
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
        _render_detail(detail, article)


def _section(title: str) -> None:
    _out.print(Rule(title, align="left", style="dim"))


def _render_detail(detail: AnswerDetail, article: Article | None) -> None:
    s, answer = detail.summary, detail.answer
    where = s.source + (f", server {s.guild_id}" if s.guild_id else "")
    where += f", channel {s.channel_id}" if s.channel_id else ""
    _out.print(Text(f"Answer {s.id}", style="bold"), Text(f"{_when(s.created_at)} UTC · {where}"))
    _out.print(Text("Question: ", style="bold") + Text(answer.question))
    _out.print(Text("Status: ", style="bold") + Text(answer.status))

    _section("Sent")
    _out.print(Text(answer.rendered), soft_wrap=True)

    if answer.quotes:
        _section("Quotes in the article")
    for n, quote in enumerate(answer.quotes, start=1):
        head = f"{n}. {quote.label} ({quote.labelled_by}) · paragraph {quote.paragraph}"
        head += f" · {', '.join(quote.sentence_ids)}"
        if quote.claim_ids:
            head += f" · claims {', '.join(quote.claim_ids)}"
        _out.print(Text(head, style="bold"))
        context = quote_context(article, quote) if article else None
        if context is None:
            _out.print(Text("   (the article has changed or is missing: no context)", style="dim"))
            body = Text("«") + Text(quote.text, style="bold reverse") + Text("»")
        else:
            body = Text(context.before) + Text("«")
            body += Text(context.quote, style="bold reverse") + Text("»") + Text(context.after)
        _out.print(Text("   ") + body)
        _out.print(Text(f"   note: {quote.note}", style="italic"))

    if answer.background:
        _section("Background")
    for item in answer.background:
        _out.print(Text(f"{item.fact_id}: ", style="bold") + Text(item.text))
        for src in item.sources:
            _out.print(Text(f"   {src.publisher}, {src.date}, {src.title}: {src.url}"))

    if detail.candidates:
        _section("Retrieved")
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("rank", "kind", "id", "fused", "dense", "bm25"):
            table.add_column(column, justify="right" if column != "id" else "left")
        for c in detail.candidates:
            table.add_row(
                str(c.rank), c.kind, c.id, *(_score(v) for v in (c.fused, c.dense, c.bm25))
            )
        _out.print(table)

    _section("Run")
    timings = ", ".join(f"{k} {v:.0f} ms" for k, v in answer.timings_ms.items())
    run = [
        ("mode", answer.mode),
        ("embedding model", detail.embedding_model),
        ("template hash", detail.template_hash),
        ("index version", detail.index_version),
        ("timings", timings),
        ("verification", "passed" if s.verification_passed else "FAILED: "
         + "; ".join(detail.verification_failures)),
        ("notice", answer.notice),
        ("fault", detail.fault),
    ]  # fmt: skip
    for name, value in run:
        if value:
            _out.print(Text(f"{name}: ", style="bold") + Text(value))
    if detail.rejected_answer is not None:
        _out.print(Text("withheld answer (failed verification):", style="bold"))
        _out.print(Text(detail.rejected_answer.rendered), soft_wrap=True)

    _section("Feedback")
    if not detail.feedback:
        _out.print("none")
    for f in detail.feedback:
        mark = "👍" if f.rating == "up" else "👎"
        _out.print(Text(f"{mark} {_when(f.updated_at)}" + (f": {f.reason}" if f.reason else "")))

    _section("Verdicts")
    if not detail.verdicts:
        _out.print("none")
    for v in detail.verdicts:
        by = f" by {v.reviewer}" if v.reviewer else ""
        _out.print(
            Text(f"{v.verdict}{by}, {_when(v.created_at)}" + (f": {v.note}" if v.note else ""))
        )


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


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
        from index.embeddings import make_embedder
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
        _render_stats(stats)


def _render_stats(stats: Stats) -> None:
    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f} ms"

    ratio = stats.feedback_up_ratio
    overview = Table(box=None, show_header=False, pad_edge=False)
    overview.add_row("answers", str(stats.total))
    overview.add_row("statuses", ", ".join(f"{k} {v}" for k, v in sorted(stats.statuses.items())))
    overview.add_row(
        "feedback",
        f"👍 {stats.feedback_up}  👎 {stats.feedback_down}"
        + (f"  ({ratio:.0%} up)" if ratio is not None else ""),
    )
    verdicts = ", ".join(f"{k} {v}" for k, v in sorted(stats.verdicts.items()))
    overview.add_row("verdicts", f"{verdicts or 'none'}; unreviewed {stats.unreviewed}")
    overview.add_row("verification failures", str(stats.verification_failures))
    overview.add_row("latency", f"p50 {ms(stats.latency_p50_ms)}, p95 {ms(stats.latency_p95_ms)}")
    _out.print(overview)

    _out.print(Text("\nAnswers per day", style="bold"))
    per_day = Table(box=None, pad_edge=False)
    per_day.add_column("day")
    per_day.add_column("answers", justify="right")
    for day, count in stats.per_day:
        per_day.add_row(day, str(count))
    _out.print(per_day)

    for title, groups in (
        ("Most asked", stats.top_questions),
        ("Coverage gaps (no_article_match, out_of_scope)", stats.coverage_gaps),
    ):
        _out.print(Text(f"\n{title}", style="bold"))
        table = Table(box=None, pad_edge=False)
        table.add_column("times", justify="right")
        table.add_column("question", overflow="fold")
        table.add_column("wordings", justify="right")
        for group in groups:
            table.add_row(str(group.count), Text(group.question), str(len(group.variants)))
        _out.print(table)


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
