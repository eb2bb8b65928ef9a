"""From ranked hits to a draft answer: the status decision and the extractive composition."""

from __future__ import annotations

from index.answer import compose
from index.answer.pipeline import Draft, IndexState
from index.corpus.card import metadata_item
from index.search.retrieval import Hit
from index.settings import Settings
from index.texts import Texts


def compose_draft(
    state: IndexState,
    question: str,
    hits: list[Hit],
    settings: Settings,
    texts: Texts,
    quotes_only: bool = False,
) -> Draft:
    corpus = state.corpus
    overview = not quotes_only and compose.is_overview_question(question)
    if not quotes_only and not overview and compose.is_metadata_question(question):
        return Draft("answered", [], [metadata_item(corpus)])
    ranked = compose.score_segments(state.segments, hits, state.fact_claims)
    signals = compose.relevance_signals(hits)
    # Every content word of the question in one sentence: the article covers it, whatever cosine.
    covered = state.retriever.covered(question)
    on_article = (
        covered
        or signals.article_dense >= settings.article_min_score
        or signals.article_bm25 >= settings.lexical_min_score
    )
    on_background = (
        signals.fact_dense >= settings.background_min_score
        or signals.fact_bm25 >= settings.lexical_min_score
    )
    if quotes_only:
        if not on_article:
            return Draft("no_article_match", [], [], lead=texts.lines["quote_none"])
        return Draft("answered", compose.select_quotes(corpus, ranked, settings), [])
    if overview:
        quotes = compose.overview_quotes(corpus, ranked, settings)
        return Draft("answered", quotes, compose.select_background(corpus, hits, quotes, settings))
    # A name the article uses only once or twice ("Rejas") means the article does cover it.
    names = compose.names_in(question, state.names)
    background_only = (
        not (names or covered)
        and on_background
        and signals.background_lead() >= settings.no_article_margin
    )
    if on_article and not background_only:
        quotes = compose.select_quotes(corpus, ranked, settings)
        if not compose.lacks_asked_number(question, quotes, hits, settings):
            background = compose.select_background(corpus, hits, quotes, settings, names)
            return Draft("answered", quotes, background)
    if on_background:
        background = compose.select_background(corpus, hits, [], settings)
        return Draft("no_article_match", [], background, lead=texts.lines["no_article_match"])
    meta = corpus.article.meta
    line = texts.lines["out_of_scope"].format(
        title=corpus.article.title,
        publisher=meta.get("publisher", ""),
        year=str(meta.get("date", ""))[:4],
    )
    return Draft("out_of_scope", [], [], lead=line)
