"""The bot's user-facing texts, loaded lazily from `prompts/texts.yaml`, and their hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


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
    raw = (directory / "texts.yaml").read_bytes()
    data = yaml.safe_load(raw)
    return Texts(
        data["headings"],
        data["label_words"],
        data["lines"],
        data["about"],
        hashlib.sha256(raw).hexdigest(),
    )
