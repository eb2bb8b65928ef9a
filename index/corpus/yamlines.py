"""YAML with line numbers: the data, plus the line of every key and list item, for `file:line`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

# The C loader when libyaml is there: front matter is parsed for every fact card.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = tuple[Any, ...]


class YamlInvalid(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Parsed:
    """`data` as `yaml.safe_load` gives it; `lines[("claims", 3, "label")]` is a 1-based line."""

    data: Any
    lines: dict[Key, int] = field(default_factory=dict)
    duplicates: list[tuple[int, str]] = field(default_factory=list)

    def line(self, *key: Any) -> int:
        """The line of `key`, else of the nearest enclosing key that has one."""
        path = tuple(key)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def parse(text: str, first_line: int = 1) -> Parsed:
    """Parse one YAML document whose first line is line `first_line` of its file."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        # The start of what was being parsed (an unclosed `[`) beats where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = (mark.line if mark is not None else 0) + first_line
        what = [str(p) for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p]
        text_of = "; ".join(what) or " ".join(str(exc).split())
        column = f" (column {mark.column + 1})" if mark is not None else ""
        raise YamlInvalid(line, f"invalid YAML: {text_of}{column}") from exc
    finally:
        loader.dispose()
    parsed = Parsed(data)
    if node is not None:
        parsed.lines[()] = node.start_mark.line + first_line
        _walk(node, (), parsed, first_line)
    return parsed


def _walk(node: yaml.Node, path: Key, parsed: Parsed, first_line: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + first_line
            if key in seen:
                parsed.duplicates.append((line, str(key)))
            seen.add(key)
            parsed.lines.setdefault((*path, key), line)
            _walk(value_node, (*path, key), parsed, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for n, item in enumerate(node.value):
            parsed.lines[(*path, n)] = item.start_mark.line + first_line
            _walk(item, (*path, n), parsed, first_line)


def type_name(value: object) -> str:
    """How a YAML value reads to a curator: `a number`, `a list`, `text`."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
