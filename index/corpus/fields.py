"""Small typed readers of the corpus files' values (dates, one-line texts, id lists, keys,
quotes), shared by the loaders of the front matter, the claims and the fact cards."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

from index.corpus.yamlines import Parsed, YamlInvalid, type_name
from index.corpus.yamlines import parse as parse_yaml

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
URL_RE = re.compile(r"^https?://\S+$")


def date_text(value: Any) -> str | None:
    """A date as text (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`), or None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and DATE_RE.match(value.strip()):
        return value.strip()
    return None


def date_problem(value: Any, what: str = "date") -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f'{what} must be text: write "{value}" in quotes'
    return f"{what} must be YYYY-MM-DD, YYYY-MM or YYYY (got {type_name(value)})"


def one_line(value: Any) -> str | None:
    if isinstance(value, str) and value.strip() and "\n" not in value.strip():
        return value.strip()
    return None


def id_list(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def unknown_keys(keys: object, known: tuple[str, ...]) -> list[tuple[str, str]]:
    """(key, problem) for each key not in `known`, with the closest known key as a hint."""
    problems = []
    for key in sorted(str(k) for k in (keys if isinstance(keys, dict) else {})):
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(known)})"
        problems.append((key, f"unknown key '{key}'{hint}"))
    return problems


def find_once(text: str, quote: str) -> tuple[int, str | None]:
    start = text.find(quote)
    if start < 0:
        return -1, "quote not found verbatim in the normalized article"
    if text.find(quote, start + 1) >= 0:
        return -1, "quote occurs more than once in the article; make it longer"
    return start, None


def parse_file(files: Mapping[str, str], rel: str, errors: list[str]) -> Parsed | None:
    """A YAML file of the corpus, or None when it is absent or does not parse."""
    if rel not in files:
        return None
    try:
        parsed = parse_yaml(files[rel])
    except YamlInvalid as exc:
        errors.append(f"{rel}:{exc.line}: {exc.message}")
        return None
    for line, key in parsed.duplicates:
        errors.append(f"{rel}:{line}: key '{key}' appears twice in the same mapping")
    return parsed
