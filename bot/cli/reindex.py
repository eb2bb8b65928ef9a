"""`explainer reindex`: validate the corpus and update the index, with progress and a summary."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from bot.cli.errors import corpus_problem, load_settings
from index import CorpusInvalid, Settings, get_settings


def reindex_command(
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object: the summary, or the errors on failure."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing unless it fails."),
    allow_empty_claims: bool = typer.Option(
        False,
        "--allow-empty-claims",
        help="Accept a corpus with no claims although the live index has claims for the article.",
    ),
) -> None:
    """Validate the corpus, embed what changed and switch the live index atomically.

    Unchanged items are not re-embedded and a no-op run does not load the model. It also builds
    what a new process's first answer would otherwise build (the intents' example vectors, the
    language model) in the data directory. On a validation
    error every problem is printed as `file:line: what is wrong` and the live index is untouched.
    With --json, stdout always holds one JSON object: the summary with `"ok": true`, or
    `{"ok": false, "errors": [...]}`.
    """
    from index import reindex

    settings = load_settings(get_settings)
    err = Console(stderr=True, highlight=False, soft_wrap=True)

    def refuse(errors: list[str], last: str | None, code: int, prefix: str = "") -> NoReturn:
        if as_json:
            print(json.dumps({"ok": False, "errors": errors}, ensure_ascii=False))
        for line in errors:
            err.print(prefix + line, markup=False)
        if last:
            err.print(last, markup=False)
        raise typer.Exit(code)

    problem = corpus_problem(settings.corpus_dir)
    if problem:
        refuse([problem], None, 2, prefix="error: ")
    try:
        if as_json or quiet or not sys.stderr.isatty():
            summary = reindex(
                settings,
                progress=None if (as_json or quiet) else _plain_progress,
                allow_empty_claims=allow_empty_claims,
            )
        else:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("indexing", total=None)

                def show(stage: str, done: int, total: int) -> None:
                    bar.update(task, description=stage, completed=done, total=total)

                summary = reindex(settings, progress=show, allow_empty_claims=allow_empty_claims)
        _prepare(settings)
    except CorpusInvalid as exc:
        refuse(
            [f"{settings.corpus_dir}/{line}" for line in exc.errors],
            f"reindex refused: {len(exc.errors)} error(s); the live index is unchanged.",
            2,
        )
    except Exception as exc:  # the store or the model: one clear line, no traceback
        message = _one_line(exc)
        if as_json:
            print(json.dumps({"ok": False, "errors": [message]}, ensure_ascii=False))
        err.print(f"reindex failed: {message}; the live index is unchanged.", markup=False)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps({"ok": True, **summary.as_dict()}))
    elif not quiet:
        verb = "updated" if summary.changed else "already up to date"
        print(
            f"index {verb}: {summary.collection} — added {summary.added}, updated "
            f"{summary.updated}, deleted {summary.deleted}, unchanged {summary.skipped} "
            f"({summary.seconds:.2f} s)"
        )


def _prepare(settings: Settings) -> None:
    """Build what a new process's first answer would otherwise build (`Engine.prepare`); the
    index is live already, so a failure here is a warning, not a failed reindex."""
    from index import Engine

    try:
        Engine.from_settings(settings.model_copy(update={"llm": "none"}), with_log=False).prepare()
    except Exception as exc:  # the first question builds them instead
        print(f"warning: answer caches not built ({_one_line(exc)})", file=sys.stderr)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _plain_progress(stage: str, done: int, total: int) -> None:
    print(f"{stage}: {done}/{total}", file=sys.stderr, flush=True)
