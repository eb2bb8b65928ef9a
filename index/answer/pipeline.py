"""The seams of the answer pipeline: one index version's state, the draft, the refiner."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

from index.answer import compose, vocabulary
from index.answer.contract import BackgroundItem, Quote, Status
from index.answer.names import Run, background_names
from index.answer.query import front_matter_words
from index.corpus.facts import ABOUT_ARTICLE_TAG
from index.corpus.load import Corpus
from index.search.calibration import Thresholds
from index.search.retrieval import Hit, Retriever
from index.search.store import IndexPointer
from index.search.text import tokenize


@dataclass(frozen=True)
class IndexState:
    """Everything tied to one index version; swapped whole on reload."""

    corpus: Corpus
    pointer: IndexPointer
    retriever: Retriever
    segments: list[compose.Segment]
    fact_claims: dict[str, list[str]]
    names: frozenset[str]
    background_names: frozenset[Run]  # names only the background cards use
    common: frozenset[str]
    authors: tuple[str, ...]
    byline_words: frozenset[str]
    thresholds: Thresholds
    article_words: frozenset[str] = frozenset()  # stems of every word the article uses
    # The cards about the article itself (tagged `article`), as search targets (`fact:ID`).
    about_article: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls, corpus: Corpus, pointer: IndexPointer, retriever: Retriever, thresholds: Thresholds
    ) -> IndexState:
        authors = vocabulary.author_words(corpus)
        return cls(
            corpus,
            pointer,
            retriever,
            compose.build_segments(corpus),
            compose.fact_claim_links(corpus),
            vocabulary.rare_names(corpus),
            background_names(corpus, frozenset(authors)),
            vocabulary.common_words(corpus),
            authors,
            front_matter_words(corpus.article.meta),
            thresholds,
            frozenset(tokenize(corpus.article.text)),
            frozenset(f"fact:{f.id}" for f in corpus.facts.values() if ABOUT_ARTICLE_TAG in f.tags),
        )


@dataclass(frozen=True)
class Draft:
    """An answer before rendering and verification (the LLM mode fills `summary`).

    `fault` names what went wrong while making it (logged), e.g. `llm_timeout`.
    """

    status: Status
    quotes: list[Quote]
    background: list[BackgroundItem]
    lead: str | None = None
    summary: str | None = None
    notice: str | None = None
    fault: str | None = field(default=None, compare=False)

    def but(self, **changes: object) -> Draft:
        """A copy with some fields changed (drafts are never mutated)."""
        return replace(self, **changes)  # type: ignore[arg-type]


class Refiner(Protocol):
    """A stage after composition that may add prose (LLM mode); it never supplies quote text."""

    @property
    def mode(self) -> str: ...

    @property
    def template_hash(self) -> str: ...

    def __call__(
        self, state: IndexState, question: str, hits: list[Hit], draft: Draft
    ) -> Draft: ...
