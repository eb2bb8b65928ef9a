"""One line for every failure an operator sees: bad settings, a missing corpus, a bad value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console

from bot.settings import settings_error_line

S = TypeVar("S")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `error: message` on one line (stderr) and exit with `code`."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"error: {' '.join(message.split())}", markup=False
    )
    raise typer.Exit(code)


def load_settings(factory: Callable[..., S], **overrides: Any) -> S:
    """Settings for a command, or one line naming the bad setting and exit 2."""
    try:
        return factory(**overrides)
    except ValidationError as exc:
        fail(settings_error_line(exc), 2)


def corpus_problem(corpus_dir: Path) -> str | None:
    """A line naming EXPLAINER_CORPUS_DIR when the corpus is not where it is looked for."""
    if (corpus_dir / "article.md").is_file():
        return None
    where = str(corpus_dir)
    if not corpus_dir.is_absolute():
        where += f" ({corpus_dir.resolve()})"
    what = "no corpus directory" if not corpus_dir.is_dir() else "no article.md in the corpus"
    return (
        f"{what} at {where}: set EXPLAINER_CORPUS_DIR to the directory holding article.md, "
        "claims.yaml and background/"
    )


def require_corpus(corpus_dir: Path) -> None:
    problem = corpus_problem(corpus_dir)
    if problem:
        fail(problem, 2)
