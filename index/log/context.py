"""Logged quotes put back in the article: neighbouring sentences, and in-place highlights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from index.answer.contract import Quote
from index.corpus.article import Article
from index.log.article_source import ArticleSource
from index.log.query import AnswerDetail

# Which article a logged answer's quotes refer to: index/log/article_source.py (the snapshot of
# the version it was logged under, not the corpus directory, which the engine never serves).


def quote_matches(article: Article, quote: Quote) -> bool:
    """Whether the article still holds the quote at its offsets (it may have changed since)."""
    return 0 <= quote.start <= quote.end and article.text[quote.start : quote.end] == quote.text


@dataclass(frozen=True)
class QuoteContext:
    """A quote with the article text around it, from the sentence before to the sentence after."""

    before: str
    quote: str
    after: str


def quote_context(article: Article, quote: Quote) -> QuoteContext | None:
    if not quote_matches(article, quote):
        return None
    sentences = article.sentences
    inside = [i for i, s in enumerate(sentences) if s.start < quote.end and quote.start < s.end]
    if not inside:
        return QuoteContext("", quote.text, "")
    first, last = inside[0], inside[-1]
    start = sentences[first - 1].start if first > 0 else sentences[first].start
    end = sentences[last + 1].end if last + 1 < len(sentences) else sentences[last].end
    return QuoteContext(
        before=article.text[start : quote.start],
        quote=quote.text,
        after=article.text[quote.end : end],
    )


@dataclass(frozen=True)
class Segment:
    """A run of article text; `quote` is the 1-based number of the quote it belongs to, if any."""

    text: str
    quote: int | None = None
    label: str | None = None


def highlight(article: Article, quotes: Sequence[Quote]) -> tuple[list[Segment], list[int]]:
    """The article as segments with the quotes marked in place; also the numbers not found."""
    placed = sorted(
        (q.start, n, q) for n, q in enumerate(quotes, start=1) if quote_matches(article, q)
    )
    missing = [n for n, q in enumerate(quotes, start=1) if not quote_matches(article, q)]
    segments: list[Segment] = []
    cursor = 0
    for _, number, q in placed:
        # Overlapping spans are clipped so each character is marked once.
        start = max(q.start, cursor)
        if start >= q.end:
            continue
        if start > cursor:
            segments.append(Segment(article.text[cursor:start]))
        segments.append(Segment(article.text[start : q.end], number, q.label))
        cursor = q.end
    if cursor < len(article.text):
        segments.append(Segment(article.text[cursor:]))
    return segments, missing


def detail_json(detail: AnswerDetail, source: ArticleSource) -> dict[str, Any]:
    """A logged answer as JSON, each quote with its article context (null if unavailable), and
    `article_source`: which article that is (`ArticleSource.label`)."""
    data = detail.to_json()
    article = source.article
    contexts = [quote_context(article, q) if article else None for q in detail.answer.quotes]
    data["quote_contexts"] = [c.__dict__ if c else None for c in contexts]
    data["article_source"] = source.label
    return data
