"""The docs name only commands and options that exist: every `explainer …` in README.md and
docs/*.md resolves in the typer app, and every `--option` it names belongs to that command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from bot.cli.app import app
from tests.support.core import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SPAN = re.compile(r"`([^`\n]+)`")
OPTION = re.compile(r"^--[a-z][a-z0-9-]*$")
STOP = {"|", "||", "&&", ";", ">", ">>", "#", "2>&1", "\\"}


def is_group(command: Any) -> bool:
    return isinstance(getattr(command, "commands", None), dict)


def root() -> Any:
    command = typer.main.get_command(app)  # typer's own (vendored) click objects
    assert is_group(command)
    return command


def options_of(command: Any) -> set[str]:
    names = {"--help"}
    for param in command.params:
        names.update(n for n in (*param.opts, *param.secondary_opts) if n.startswith("--"))
    return names


def every_command(group: Any) -> list[Any]:
    found: list[Any] = []
    for command in group.commands.values():
        found.append(command)
        if is_group(command):
            found.extend(every_command(command))
    return found


def snippets(path: Path) -> list[tuple[int, str, bool]]:
    """(line number, text, is_table_row) for inline code spans and fenced code lines."""
    found: list[tuple[int, str, bool]] = []
    fenced = False
    pending = ""  # a fenced line continued with a backslash
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            found.append((n, pending + line, False))
            pending = ""
        else:
            found.extend((n, span, line.startswith("|")) for span in SPAN.findall(line))
    return found


def resolve(words: list[str]) -> tuple[Any, list[str], str | None]:
    """Walk `explainer WORDS…` down the command tree: (command, options named, problem)."""
    command: Any = root()
    options: list[str] = []
    for word in words:
        if word in STOP or word.startswith("#"):
            break
        token = word.strip("[]()…,.;:'\"").split("=", 1)[0]
        if token.startswith("--"):
            options.append(token)
            continue
        if is_group(command) and token and token[0].isalpha():
            names = token.split("/")
            if all(name in command.commands for name in names):
                if len(names) > 1:  # `logs list/show/…`: every one exists; stop there
                    return command, options, None
                command = command.commands[names[0]]
                continue
            return command, options, f"no command {token!r} under {command.name or 'explainer'!r}"
    return command, options, None


def mentions() -> list[tuple[str, int, Any, list[str], str | None, str]]:
    """Each `explainer …` mention: (file, line, command, options, problem, text)."""
    found = []
    for path in DOCS:
        rows: dict[int, Any] = {}
        for n, text, in_table in snippets(path):
            words = text.split()
            for start, word in enumerate(words):
                if word != "explainer" or start + 1 >= len(words):
                    continue
                if words[start + 1].startswith(("(", "`")) or words[start + 1] in ("uid",):
                    continue
                command, options, problem = resolve(words[start + 1 :])
                found.append((path.name, n, command, options, problem, text))
                if in_table and n not in rows:
                    rows[n] = command
            # A table row's other `--option [VALUE]` spans belong to the command the row names.
            first = text.split()[0] if text.split() else ""
            if in_table and OPTION.match(first) and n in rows:
                found.append((path.name, n, rows[n], [first], None, text))
    return found


def test_the_docs_name_commands() -> None:
    assert len(mentions()) > 20  # the parser found the docs' commands


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_command_and_option_named_in_the_docs_exists(path: Path) -> None:
    problems = []
    for name, n, command, options, problem, text in mentions():
        if name != path.name:
            continue
        if problem:
            problems.append(f"{name}:{n}: `{text}`: {problem}")
            continue
        assert command is not None
        missing = [o for o in options if o not in options_of(command)]
        if missing:
            problems.append(f"{name}:{n}: `{text}`: {command.name} has no {', '.join(missing)}")
    assert not problems, "\n".join(problems)


def test_every_lone_option_in_the_docs_belongs_to_some_command() -> None:
    known = set().union(*(options_of(c) for c in every_command(root())))
    foreign = {"--build", "--rm", "--profile", "--path", "--host", "--port", "--engine"}
    problems = []
    for path in DOCS:
        for n, text, _ in snippets(path):
            if OPTION.match(text) and text not in known | foreign:
                problems.append(f"{path.name}:{n}: `{text}` is no option of any explainer command")
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_made_up_command_and_option() -> None:
    assert resolve(["ask", "--llm", "x"])[2] is None
    assert resolve(["frobnicate"])[2] == "no command 'frobnicate' under 'explainer'"
    assert resolve(["logs", "lst"])[2] == "no command 'lst' under 'logs'"
    command, options, _ = resolve(["logs", "stats", "--source", "cli", "--nope"])
    assert command.name == "stats"
    assert "--nope" in options and "--nope" not in options_of(command)
    assert "--source" in options_of(command)
