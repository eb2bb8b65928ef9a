"""Read-only views of the corpus for adapters: the claims list and the article's card."""

from __future__ import annotations

from dataclasses import dataclass

from index.answer.contract import LABELS, Source
from index.corpus.card import metadata_item
from index.corpus.load import Corpus
from index.texts import Texts


@dataclass(frozen=True)
class ClaimView:
    id: str
    quote: str
    label: str
    note: str
    paragraph: int


@dataclass(frozen=True)
class ArticleAbout:
    title: str
    authors: list[str]
    publisher: str
    date: str
    copies: list[Source]
    summary: str
    label_legend: dict[str, str]


def claim_views(corpus: Corpus, label: str | None = None) -> list[ClaimView]:
    return [
        ClaimView(
            c.id,
            c.quote,
            c.label,
            c.note,
            corpus.article.sentences_overlapping(c.start, c.end)[0].paragraph,
        )
        for c in corpus.claims
        if label in (None, c.label)
    ]


def article_about(corpus: Corpus, texts: Texts) -> ArticleAbout:
    meta = corpus.article.meta
    authors = [str(a) for a in meta.get("authors") or []]
    summary = texts.about.format(
        title=corpus.article.title,
        authors=" and ".join(authors),
        publisher=meta.get("publisher", ""),
        date=meta.get("date", ""),
    )
    return ArticleAbout(
        corpus.article.title,
        authors,
        str(meta.get("publisher", "")),
        str(meta.get("date", "")),
        metadata_item(corpus).sources,
        " ".join(summary.split()),
        {label: texts.label_words[label] for label in LABELS},
    )
