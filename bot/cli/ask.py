"""`explainer ask` and `explainer eval`: the engine on the command line."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.errors import fail, load_settings, require_corpus
from bot.settings import get_eval_settings
from index import Answer, get_settings

BAD_LINE = "Line {n} is not valid UTF-8 text, so nothing was asked; the next lines are answered."
BAD_ARGUMENT = "The question is not valid UTF-8 text, so nothing was asked."


def _surrogates(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _engine(settings: Any):
    from index import Engine, LLMConfigError

    try:
        engine = Engine.from_settings(settings)
    except LLMConfigError as exc:
        fail(str(exc), 2)
    if engine.index_version is None:
        # The engine serves the live index's own snapshot; the corpus directory matters only
        # when there is none yet (then its absence is the likely mistake: say which setting).
        require_corpus(settings.corpus_dir)
    return engine


def _stdin_lines() -> Iterator[tuple[int, str | None]]:
    """(line number, text) per stdin line; text is None when the line is not valid UTF-8.

    Bytes are read and decoded strictly, so neither invalid UTF-8 nor an encoded lone surrogate
    (which a `surrogateescape` text stdin would pass on) reaches the engine.
    """
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream without bytes underneath (tests, embedding)
        for n, line in enumerate(sys.stdin, start=1):
            text = line.rstrip("\r\n")
            yield n, None if _surrogates(text) else text
        return
    for n, raw in enumerate(buffer, start=1):
        try:
            yield n, raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield n, None


def _rejected(engine: Any, message: str):
    """An answer for text that cannot be asked (the engine never sees it, nor the log)."""
    from index.answer.contract import Answer, Verification

    return Answer(
        id=uuid.uuid4().hex,
        question="",
        status="rejected_input",
        mode=engine.mode,
        rendered=message,
        verification=Verification(passed=True),
    )


def ask_command(
    question: str = typer.Argument(
        ..., help="The question, or '-' to read one per line from stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the Answer object as JSON."),
    llm: str | None = typer.Option(
        None, "--llm", help="Answer in LLM mode with this model spec (sets EXPLAINER_LLM)."
    ),
    short: bool = typer.Option(
        False, "--short", help="Print only the one-message form Discord shows first."
    ),
) -> None:
    """Answer a question about the article (extractive: quotes, labels, sourced background)."""

    def shown(answer: Answer) -> str:
        return answer.rendered if short else (answer.rendered_detail or answer.rendered)

    engine = _engine(load_settings(get_settings, **({"llm": llm} if llm else {})))
    try:
        if question == "-":
            for n, line in _stdin_lines():
                if line is None:
                    answer = _rejected(engine, BAD_LINE.format(n=n))
                else:
                    answer = engine.answer(line)
                print(answer.model_dump_json() if as_json else shown(answer) + "\n", flush=True)
            return
        if _surrogates(question):  # undecodable bytes in argv arrive as lone surrogates
            answer = _rejected(engine, BAD_ARGUMENT)
        else:
            answer = engine.answer(question)
        print(answer.model_dump_json(indent=2) if as_json else shown(answer))
        if answer.status == "error":
            raise typer.Exit(1)
    finally:
        engine.close()


def eval_command(
    files: list[Path] = typer.Argument(
        None,
        help="Question sets (YAML); default: every evals/*.yaml of the project "
        "(or of EXPLAINER_EVAL_DIR).",
    ),
    llm: str | None = typer.Option(None, "--llm", help="Run in LLM mode with this model spec."),
    baseline: bool = typer.Option(True, help="Also run the plain LangChain baseline."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    show_failures: bool = typer.Option(True, help="List each miss."),
) -> None:
    """Run question sets; figures per file and per category, and a baseline; exit 1 on no cases."""
    from index.evaluate import CasesInvalid, default_eval_files, evaluate_sets, load_cases

    settings = load_settings(get_eval_settings, **({"llm": llm} if llm else {}))
    if files:
        paths = list(files)
        missing = [p for p in paths if not p.is_file()]
        if missing:
            fail(f"no such question set: {', '.join(map(str, missing))}", 2)
    else:
        paths = default_eval_files(settings.eval_dir)
    try:
        cases = load_cases(paths)
    except CasesInvalid as exc:
        fail(str(exc), 2)
    if not cases:
        where = ", ".join(map(str, paths)) or f"{settings.eval_dir or 'evals'}/*.yaml (none found)"
        fail(
            f"no evaluation cases in {where}: nothing was measured "
            "(name question sets, or set EXPLAINER_EVAL_DIR)",
            1,
        )
    engine = _engine(settings)
    if engine.index_version is None:  # every answer would be an error: nothing to measure
        engine.close()
        where = f"the Chroma server {settings.chroma_host}"
        if settings.chroma_mode == "embedded":
            where = str(settings.chroma_dir)
        fail(
            f"no index is loaded from {where}: run `explainer reindex` first, or set "
            "EXPLAINER_DATA_DIR (or the Chroma settings) to where the index is",
            2,
        )
    llm_mode = getattr(engine, "refiner", None) is not None
    faults = FaultLog()
    try:
        # Evaluation runs are not member answers: nothing is stored, only each answer's fault
        # is kept in memory (LLM mode counts the fallbacks by fault kind).
        engine.log = faults
        engine.embedder.embed_query("warm up")  # latency figures are for a warm engine
        answers = [engine.answer(case.question) for case in cases]
        base = None
        if baseline:
            from index.evaluate import make_baseline

            base = make_baseline(engine.corpus, engine.embedder)
        result = evaluate_sets(
            cases,
            answers,
            engine.corpus,
            base,
            [p.name for p in paths],
            faults=[faults.of(a) for a in answers] if llm_mode else None,
        )
    finally:
        engine.close()
    if as_json:
        print(json.dumps({"mode": engine.mode, **result.to_json()}, ensure_ascii=False))
        return
    _print_eval(result, engine.mode, show_failures)


class FaultLog:
    """An answer log for evaluation runs: it stores nothing but each answer's fault, by the
    answer's position (answers of a run are asked one after the other)."""

    def __init__(self) -> None:
        self.faults: list[tuple[Answer, str | None]] = []

    def write(self, record: Any) -> None:
        self.faults.append((record.answer, record.fault))

    def of(self, answer: Answer) -> str | None:
        """The fault of `answer` (the record whose answer it is)."""
        return next((f for a, f in self.faults if a is answer), None)


def _print_eval(result: Any, mode: str, show_failures: bool) -> None:
    from index.evaluate import CATEGORY_FIGURES, FIGURE_NAMES, figure_name, format_figure

    console = Console()
    table = Table(title=f"explainer eval — {result.cases} questions, mode {mode}")
    table.add_column("figure", no_wrap=True)
    names = list(result.files)
    for name in names:  # the file's stem: ten sets side by side still fit a wide terminal
        table.add_column(Path(name).stem, justify="right")
    if len(names) > 1:
        table.add_column("all", justify="right", style="bold")
    for key in result.figure_keys():
        fallback_kind = key not in FIGURE_NAMES  # a file without that fault had none of it
        cells = [
            format_figure(key, result.files[n].figures.get(key, 0 if fallback_kind else None))
            for n in names
        ]
        if len(names) > 1:
            cells.append(format_figure(key, result.total.figures.get(key)))
        table.add_row(figure_name(key), *cells)
    console.print(table)
    if result.categories:
        by_category = Table(title="by category")
        by_category.add_column("category")
        for key in CATEGORY_FIGURES:
            by_category.add_column(FIGURE_NAMES[key], justify="right")
        for category, report in result.categories.items():
            by_category.add_row(
                category, *(format_figure(k, report.figures.get(k)) for k in CATEGORY_FIGURES)
            )
        console.print(by_category)
    if show_failures:
        for name, report in result.files.items():
            if report.failures:
                console.print(f"[bold]misses in {name}[/bold]")
                for line in report.failures:
                    console.print(f"  {line}", markup=False)
