"""`explainer ask` and `explainer eval`: the engine on the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from index import get_settings

DEFAULT_EVAL_SETS = (Path("evals/dev-questions.yaml"), Path("evals/out-of-scope.yaml"))


def _engine(llm: str | None = None):
    from index import Engine, LLMConfigError

    overrides = {"llm": llm} if llm else {}
    settings = get_settings(**overrides)
    try:
        return Engine.from_settings(settings)
    except LLMConfigError as exc:
        Console(stderr=True).print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None


def ask_command(
    question: str = typer.Argument(
        ..., help="The question, or '-' to read one per line from stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the Answer object as JSON."),
) -> None:
    """Answer a question about the article (extractive: quotes, labels, sourced background)."""
    engine = _engine()
    try:
        if question == "-":
            for line in sys.stdin:
                answer = engine.answer(line.rstrip("\n"))
                print(answer.model_dump_json() if as_json else answer.rendered + "\n", flush=True)
            return
        answer = engine.answer(question)
        print(answer.model_dump_json(indent=2) if as_json else answer.rendered)
        if answer.status == "error":
            raise typer.Exit(1)
    finally:
        engine.close()


def eval_command(
    files: list[Path] = typer.Argument(None, help="Question sets (YAML); default: evals/*.yaml"),
    llm: str | None = typer.Option(None, "--llm", help="Run in LLM mode with this model spec."),
    baseline: bool = typer.Option(True, help="Also run the plain LangChain baseline."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    show_failures: bool = typer.Option(True, help="List each miss."),
) -> None:
    """Run question sets; print verbatim share, gold recall, label and status accuracy, latency."""
    from index.evaluate import evaluate, load_cases, make_baseline

    paths = files or [p for p in DEFAULT_EVAL_SETS if p.exists()]
    missing = [p for p in paths if not p.exists()]
    if missing:
        Console(stderr=True).print(f"no such question set: {', '.join(map(str, missing))}")
        raise typer.Exit(2)
    cases = load_cases(paths)
    engine = _engine(llm)
    engine.log = None  # evaluation runs are not member answers
    engine.embedder.embed_query("warm up")  # latency figures are for a warm engine
    answers = [engine.answer(case.question) for case in cases]
    base = make_baseline(engine.corpus, engine.embedder) if baseline else None
    report = evaluate(cases, answers, engine.corpus, base)
    if as_json:
        print(json.dumps(report.figures))
        return
    table = Table(title=f"explainer eval — {len(cases)} questions, mode {engine.mode}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in report.figures.items():
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    console = Console()
    console.print(table)
    if show_failures and report.failures:
        console.print("[bold]misses[/bold]")
        for line in report.failures:
            console.print(f"  {line}", markup=False)
