"""The one loader for `prompts/`: the answer texts, the adapters' lines and the LLM prompts.

Every file is read lazily, once, and its keys are checked when it loads: a missing or unknown
key is an error naming the file, never a `KeyError` in the middle of an answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any, TypeVar

import yaml

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
PROMPT_FILES = ("system.md", "legend.md", "answer.md")
ANSWER_SECTIONS = {"headings", "label_words", "lines", "about"}
LABEL_KEYS = {"established", "disputed", "allegation", "allegation_cue", "opinion", "unreviewed"}
REQUIRED_LINES = {
    "no_article_match",
    "out_of_scope",
    "empty",
    "too_long",
    "error",
    "index_unavailable",
    "no_index",
    "quote_none",
}


class TextsInvalid(ValueError):
    """A file under `prompts/` lacks a key the code needs, or has one it does not know."""


def _check_keys(where: str, got: set[str], required: set[str], allowed: set[str] | None) -> None:
    missing = sorted(required - got)
    unknown = sorted(got - (allowed if allowed is not None else got))
    if missing or unknown:
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown {', '.join(unknown)}"] if unknown else []
        )
        raise TextsInvalid(f"{where}: {'; '.join(parts)}")


def read_yaml(path: Path) -> tuple[dict[str, Any], str]:
    """A YAML mapping and the sha256 of its bytes."""
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    if not isinstance(data, dict):
        raise TextsInvalid(f"{path}: not a mapping of names to texts")
    return data, hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Texts:
    headings: dict[str, str]
    label_words: dict[str, str]
    lines: dict[str, str]
    about: str
    sha256: str

    def label_line(self, label: str, labelled_by: str) -> str:
        key = "allegation_cue" if label == "allegation" and labelled_by == "cue" else label
        return self.label_words[key]


@lru_cache(maxsize=4)
def load_texts(directory: Path = PROMPTS_DIR) -> Texts:
    """The engine's texts (`texts.yaml`): headings, label words, status lines."""
    path = directory / "texts.yaml"
    data, sha = read_yaml(path)
    _check_keys(str(path), set(data), ANSWER_SECTIONS, ANSWER_SECTIONS)
    _check_keys(f"{path}: label_words", set(data["label_words"]), LABEL_KEYS, LABEL_KEYS)
    _check_keys(f"{path}: lines", set(data["lines"]), REQUIRED_LINES, None)
    return Texts(data["headings"], data["label_words"], data["lines"], data["about"], sha)


T = TypeVar("T")


def load_lines(cls: type[T], name: str, directory: Path = PROMPTS_DIR) -> T:
    """A file of named lines as a frozen dataclass whose fields are exactly the file's keys."""
    path = directory / name
    data, _ = read_yaml(path)
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    _check_keys(str(path), set(data), names, names)
    return cls(**{k: str(v) for k, v in data.items()})


@dataclass(frozen=True)
class Prompts:
    system: str
    legend: str
    answer: Template
    sha256: str


@lru_cache(maxsize=4)
def load_prompts(directory: Path = PROMPTS_DIR) -> Prompts:
    """The LLM prompt files, read once; the hash covers all of them, names included."""
    digest = hashlib.sha256()
    texts: dict[str, str] = {}
    for name in PROMPT_FILES:
        raw = (directory / name).read_bytes()
        digest.update(name.encode() + b"\0" + raw + b"\0")
        texts[name] = raw.decode("utf-8").strip()
    return Prompts(
        texts["system.md"], texts["legend.md"], Template(texts["answer.md"]), digest.hexdigest()
    )
