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
# The language of the files at the top of `prompts/`; another language's files live in
# `prompts/<code>/` under the same names, with the same keys.
DEFAULT_LANGUAGE = "en"
PROMPT_FILES = ("system.md", "legend.md", "answer.md")
ANSWER_SECTIONS = {"headings", "label_words", "tags", "leads", "lines", "about"}
LABEL_KEYS = {"established", "disputed", "allegation", "allegation_cue", "opinion", "unreviewed"}
HEADING_KEYS = {"about", "background"}
# The first line from data: one template per curated label (filled with the claim's note), and
# one for a card (filled with the card's text).
LEAD_KEYS = {"established", "disputed", "allegation", "opinion", "card"}
REQUIRED_LINES = {
    "no_article_match",
    "out_of_scope",
    "empty",
    "too_long",
    "error",
    "index_unavailable",
    "no_index",
    "quote_none",
    "sources",
    "copies",
    "more",
    "more_quotes_one",
    "more_quotes_many",
    "more_cards_one",
    "more_cards_many",
    "more_and",
    # A follow-up's carried topic, and the notice that the curated notes are in English.
    "follow_up_about",
    "notes_in_english",
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


def label_key(label: str, labelled_by: str) -> str:
    """The key of a label's words and tag: a cue-labelled allegation has its own."""
    return "allegation_cue" if label == "allegation" and labelled_by == "cue" else label


@dataclass(frozen=True)
class Texts:
    headings: dict[str, str]
    label_words: dict[str, str]
    tags: dict[str, str]
    leads: dict[str, str]
    lines: dict[str, str]
    about: str
    sha256: str
    language: str = DEFAULT_LANGUAGE

    def label_line(self, label: str, labelled_by: str) -> str:
        return self.label_words[label_key(label, labelled_by)]

    def tag(self, label: str, labelled_by: str) -> str:
        """The compact inline tag shown once beside a quote ("🔴 **Allegation**")."""
        return self.tags[label_key(label, labelled_by)]


def language_dir(directory: Path, language: str) -> Path:
    """Where a language's files are: `prompts/` itself for English, else `prompts/<code>/`."""
    if language == DEFAULT_LANGUAGE:
        return directory
    if not (language.isascii() and language.isalpha() and language.islower()):
        raise TextsInvalid(f"not a language code: {language!r}")
    return directory / language


def available_languages(directory: Path = PROMPTS_DIR) -> tuple[str, ...]:
    """English, then every language with a `prompts/<code>/texts.yaml` of its own."""
    others = sorted(
        d.name
        for d in directory.iterdir()
        if d.is_dir() and d.name != DEFAULT_LANGUAGE and (d / "texts.yaml").is_file()
    )
    return (DEFAULT_LANGUAGE, *others)


@lru_cache(maxsize=8)
def load_texts(directory: Path = PROMPTS_DIR, language: str = DEFAULT_LANGUAGE) -> Texts:
    """The engine's texts (`texts.yaml`): headings, label words and tags, leads, status lines.

    Another language's file must have exactly the English file's keys, lines included."""
    path = language_dir(directory, language) / "texts.yaml"
    if not path.is_file():
        raise TextsInvalid(f"{path}: no texts for language {language!r}")
    data, sha = read_yaml(path)
    _check_keys(str(path), set(data), ANSWER_SECTIONS, ANSWER_SECTIONS)
    _check_keys(f"{path}: headings", set(data["headings"]), HEADING_KEYS, HEADING_KEYS)
    _check_keys(f"{path}: label_words", set(data["label_words"]), LABEL_KEYS, LABEL_KEYS)
    _check_keys(f"{path}: tags", set(data["tags"]), LABEL_KEYS, LABEL_KEYS)
    _check_keys(f"{path}: leads", set(data["leads"]), LEAD_KEYS, LEAD_KEYS)
    _check_keys(f"{path}: lines", set(data["lines"]), REQUIRED_LINES, None)
    tags = [str(t) for t in data["tags"].values()]
    if any(i != j and a in b for i, a in enumerate(tags) for j, b in enumerate(tags)):
        # The verifier finds a quote's tag by its text: no tag may equal or contain another.
        raise TextsInvalid(f"{path}: tags: one tag equals or contains another")
    if language != DEFAULT_LANGUAGE:
        english = set(load_texts(directory).lines)
        _check_keys(f"{path}: lines", set(data["lines"]), english, english)
    return Texts(
        data["headings"],
        data["label_words"],
        data["tags"],
        data["leads"],
        data["lines"],
        data["about"],
        sha,
        language,
    )


T = TypeVar("T")


def load_lines(
    cls: type[T], name: str, directory: Path = PROMPTS_DIR, language: str = DEFAULT_LANGUAGE
) -> T:
    """A file of named lines as a frozen dataclass whose fields are exactly the file's keys
    (another language's copy of the file: the same keys)."""
    path = language_dir(directory, language) / name
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
