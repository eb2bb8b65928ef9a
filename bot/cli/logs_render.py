"""Rich renderings of the answer log for `explainer logs show` and `explainer logs stats`."""

from __future__ import annotations

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from index.log.article_source import ArticleSource
from index.log.context import quote_context
from index.log.query import AnswerDetail
from index.log.stats import Stats


def when(created_at: str) -> str:
    """A logged UTC time to the minute, for tables."""
    return created_at[:16].replace("T", " ")


def _section(out: Console, title: str) -> None:
    out.print(Rule(title, align="left", style="dim"))


def render_detail(out: Console, detail: AnswerDetail, source: ArticleSource) -> None:
    """`source`: the article the quotes are checked against, said in a dim line under the head."""
    s, answer, article = detail.summary, detail.answer, source.article
    where = s.source + (f", server {s.guild_id}" if s.guild_id else "")
    where += f", channel {s.channel_id}" if s.channel_id else ""
    out.print(Text(f"Answer {s.id}", style="bold"), Text(f"{when(s.created_at)} UTC · {where}"))
    out.print(Text(source.note, style="dim"))
    out.print(Text("Question: ", style="bold") + Text(answer.question))
    out.print(Text("Status: ", style="bold") + Text(answer.status))

    _section(out, "Sent")
    out.print(Text(answer.rendered), soft_wrap=True)

    if answer.quotes:
        _section(out, "Quotes in the article")
    for n, quote in enumerate(answer.quotes, start=1):
        head = f"{n}. {quote.label} ({quote.labelled_by}) · paragraph {quote.paragraph}"
        head += f" · {', '.join(quote.sentence_ids)}"
        if quote.claim_ids:
            head += f" · claims {', '.join(quote.claim_ids)}"
        out.print(Text(head, style="bold"))
        context = quote_context(article, quote) if article else None
        if context is None:
            out.print(Text("   (the article has changed or is missing: no context)", style="dim"))
            body = Text("«") + Text(quote.text, style="bold reverse") + Text("»")
        else:
            body = Text(context.before) + Text("«")
            body += Text(context.quote, style="bold reverse") + Text("»") + Text(context.after)
        out.print(Text("   ") + body)
        out.print(Text(f"   note: {quote.note}", style="italic"))

    if answer.background:
        _section(out, "Background")
    for item in answer.background:
        out.print(Text(f"{item.fact_id}: ", style="bold") + Text(item.text))
        for src in item.sources:
            out.print(Text(f"   {src.publisher}, {src.date}, {src.title}: {src.url}"))

    if detail.candidates:
        _section(out, "Retrieved")
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("rank", "kind", "id", "fused", "dense", "bm25"):
            table.add_column(column, justify="right" if column != "id" else "left")
        for c in detail.candidates:
            table.add_row(
                str(c.rank), c.kind, c.id, *(_score(v) for v in (c.fused, c.dense, c.bm25))
            )
        out.print(table)

    _section(out, "Run")
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
            out.print(Text(f"{name}: ", style="bold") + Text(value))
    if detail.rejected_answer is not None:
        out.print(Text("withheld answer (failed verification):", style="bold"))
        out.print(Text(detail.rejected_answer.rendered), soft_wrap=True)

    _section(out, "Feedback")
    if not detail.feedback:
        out.print("none")
    for f in detail.feedback:
        mark = "👍" if f.rating == "up" else "👎"
        out.print(Text(f"{mark} {when(f.updated_at)}" + (f": {f.reason}" if f.reason else "")))

    _section(out, "Verdicts")
    if not detail.verdicts:
        out.print("none")
    for v in detail.verdicts:
        by = f" by {v.reviewer}" if v.reviewer else ""
        out.print(
            Text(f"{v.verdict}{by}, {when(v.created_at)}" + (f": {v.note}" if v.note else ""))
        )


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render_stats(out: Console, stats: Stats) -> None:
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
    overview.add_row(
        "unwritten",
        f"{stats.unwritten} answer(s) sent but never logged (the log was unavailable)"
        if stats.unwritten
        else "0",
    )
    overview.add_row("latency", f"p50 {ms(stats.latency_p50_ms)}, p95 {ms(stats.latency_p95_ms)}")
    out.print(overview)

    out.print(Text("\nAnswers per day", style="bold"))
    per_day = Table(box=None, pad_edge=False)
    per_day.add_column("day")
    per_day.add_column("answers", justify="right")
    for day, count in stats.per_day:
        per_day.add_row(day, str(count))
    out.print(per_day)

    for title, groups in (
        ("Most asked", stats.top_questions),
        ("Coverage gaps (no_article_match, out_of_scope)", stats.coverage_gaps),
    ):
        out.print(Text(f"\n{title}", style="bold"))
        table = Table(box=None, pad_edge=False)
        table.add_column("times", justify="right")
        table.add_column("question", overflow="fold")
        table.add_column("wordings", justify="right")
        for group in groups:
            table.add_row(str(group.count), Text(group.question), str(len(group.variants)))
        out.print(table)
