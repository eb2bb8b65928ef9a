"""The corpus as loaded: its claims, not-claims and fact cards, and `CorpusInvalid`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.answer.contract import Label, Source
from index.corpus.article import Article
from index.corpus.sources import INDEPENDENT


class CorpusInvalid(Exception):
    """The corpus failed validation; `errors` holds one `file:line: what is wrong` per problem."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s) in the corpus")
        self.errors = errors


@dataclass(frozen=True)
class Claim:
    id: str
    quote: str
    start: int
    end: int
    label: Label
    note: str
    group: int | None
    supported_by: tuple[str, ...]
    contradicted_by: tuple[str, ...]
    line: int = field(default=0, compare=False)
    # Questions, in a curator's words, that this claim answers (embedded to point at it).
    asks: tuple[str, ...] = ()
    # Why the label stands although the cards seem to disagree with it (see load.py's doc).
    contradictions_acknowledged: str = ""
    # One of the passages the curators say carry the article's argument: an overview ("what is
    # it about?", "tl;dr") quotes these, in the article's order.
    thesis: bool = False

    @property
    def fact_ids(self) -> tuple[str, ...]:
        return self.contradicted_by + self.supported_by


@dataclass(frozen=True)
class NotClaim:
    quote: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Fact:
    id: str
    title: str
    date: str
    tags: tuple[str, ...]
    text: str
    sources: tuple[Source, ...]
    asks: tuple[str, ...] = ()
    # One kind per source, in order (index/corpus/sources.py).
    source_kinds: tuple[str, ...] = ()
    # Claims this card contradicts (besides those that list it in `contradicted_by`).
    contradicts: tuple[str, ...] = ()
    # The card's own statement that only mirrors of its sources were found (part of `text`).
    mirror_only: str = ""
    line: int = field(default=1, compare=False)

    @property
    def statement(self) -> str:
        """What the card states, without its note on mirrors (a note about its sources, not a
        fact: a model summarizing cards is shown this)."""
        note = self.mirror_only
        if note and self.text.endswith(note):
            return self.text[: -len(note)].strip()
        return self.text

    @property
    def independent(self) -> bool:
        """At least one source is an official record or the press."""
        return any(kind in INDEPENDENT for kind in self.source_kinds)

    @property
    def about_article(self) -> bool:
        """Every source is a copy of the article: the card is about the article, not background."""
        return bool(self.source_kinds) and all(k == "article-copy" for k in self.source_kinds)


@dataclass(frozen=True)
class Corpus:
    directory: Path
    article: Article
    claims: tuple[Claim, ...]
    not_claims: tuple[NotClaim, ...]
    facts: dict[str, Fact]
    sha256: str
    # The texts as loaded (`relative path -> text`): what a snapshot stores.
    files: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # `calibration.yaml`: status thresholds (and the re-ranker's weights) per embedding model id.
    calibration: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    # The index version whose snapshot this was loaded from (None: loaded from a directory).
    snapshot: str | None = None
    # `off_topic.yaml`: questions, in a curator's words, that the corpus does not answer (the
    # status decision's examples of what is out of scope; embedded like the curated asks).
    off_topic: tuple[str, ...] = ()

    def claims_overlapping(self, start: int, end: int) -> list[Claim]:
        return [c for c in self.claims if c.start < end and start < c.end]

    def claim(self, claim_id: str) -> Claim:
        return next(c for c in self.claims if c.id == claim_id)
