"""Shared helpers for the core tests: settings on tmp dirs, corpus copies, fake-built engines."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.answer.compose import make_quote
from index.answer.contract import Quote
from index.answer.engine import Engine
from index.answer.records import LogRecord
from index.corpus.load import Corpus
from index.search.reindex import reindex
from index.settings import Settings
from tests.support.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "corpus"
# The fake embedder's cosines are far lower than a real model's: thresholds it can clear.
FAKE_THRESHOLDS: dict[str, Any] = {"article_min_score": 0.05, "background_min_score": 0.05}

KENNA_MEETING = "She met Peru's Minister of Defense Gustavo Bobbio on December 6"
WE_ARE_TOLD = "We are told that officials such as Alvarado"


def make_settings(data_dir: Path, corpus_dir: Path = CORPUS_DIR, **overrides: Any) -> Settings:
    """Settings that ignore any `.env` file: everything the test needs is passed in."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, corpus_dir=corpus_dir, **overrides
    )


def copy_corpus(target: Path, source: Path = CORPUS_DIR) -> Path:
    shutil.copytree(source, target)
    return target


def uncalibrated_corpus(tmp_path: Path) -> Path:
    """A copy of the shipped corpus without its calibration.yaml, under `tmp_path/corpus`."""
    target = copy_corpus(tmp_path / "corpus")
    (target / "calibration.yaml").unlink(missing_ok=True)
    return target


@dataclass
class Built:
    """An index built with the fake embedder and an engine reading it."""

    settings: Settings
    embedder: FakeEmbedder
    engine: Engine


def build(data_dir: Path, corpus_dir: Path = CORPUS_DIR, **overrides: Any) -> Built:
    settings = make_settings(data_dir, corpus_dir, **{**FAKE_THRESHOLDS, **overrides})
    embedder = FakeEmbedder()
    reindex(settings, embedder=embedder)
    engine = Engine.from_settings(settings, embedder=embedder, with_log=False)
    return Built(settings, embedder, engine)


@dataclass
class FakeLog:
    """Stands in for the answer log: keeps every record it is given."""

    records: list[LogRecord] = field(default_factory=list)

    def write(self, record: LogRecord) -> None:
        self.records.append(record)


SYNTHETIC_ARTICLE = """---
title: "Orchard Notes"
authors:
  - Ann Author
publisher: Test Press
date: 2024-01-01
---
Orchard Notes

Apples ripen in the orchard during autumn. Farmers harvest apples by hand.

We are told that pears taste sweeter than apples.
"""

SYNTHETIC_FACT = """---
id: volcano-eruption
title: "Volcanic eruption"
date: "2020-05-01"
tags: [volcano]
sources:
  - publisher: "Geology Weekly"
    title: "Lava and ash"
    url: "https://example.org/volcano"
    date: "2020-05-02"
---
Volcanoes erupt molten lava, ash and sulphurous gas.
"""


def write_synthetic_corpus(target: Path) -> Path:
    """A tiny corpus whose article and background share no words, so statuses are deterministic."""
    (target / "background").mkdir(parents=True)
    (target / "article.md").write_text(SYNTHETIC_ARTICLE, encoding="utf-8")
    (target / "background" / "volcano-eruption.md").write_text(SYNTHETIC_FACT, encoding="utf-8")
    return target


def claim_quote(corpus: Corpus, claim_id: str) -> Quote:
    """The quote of one curated claim, sliced and labelled as the composer makes it."""
    claim = corpus.claim(claim_id)
    quote = make_quote(corpus, claim.start, claim.end)
    assert quote is not None
    return quote
