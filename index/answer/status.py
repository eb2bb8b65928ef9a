"""From a parsed question and its ranked hits to a draft: the status decision, then composition.

The thresholds come from the live index version's calibration (`IndexState.thresholds`), fitted
per embedding model on the development split.
"""

from __future__ import annotations

from dataclasses import replace

from index.answer import compose
from index.answer.contract import Quote, Status
from index.answer.pipeline import Draft, IndexState
from index.answer.query import Intent, Query
from index.answer.rerank import rerank
from index.answer.views import article_about
from index.corpus.article import CREDITS
from index.corpus.card import metadata_item
from index.search.calibration import Thresholds
from index.search.retrieval import Hit
from index.settings import Settings
from index.texts import Texts


def compose_draft(
    state: IndexState,
    query: Query,
    hits: list[Hit],
    settings: Settings,
    texts: Texts,
    quotes_only: bool = False,
) -> Draft:
    corpus = state.corpus
    limits = state.thresholds
    ranked = compose.score_segments(state.segments, hits, state.fact_claims)
    ranked = rerank(ranked, hits, limits.rerank_weights)
    signals = signals_for(state, query, hits)
    # Every content word of the question in one sentence: the article covers it, whatever cosine.
    covered = state.retriever.covered(query.tokens)
    # A name the article uses only once or twice ("Rejas") means the article does cover it.
    names = set(query.names)
    status = decide_for(query, signals, covered=covered, limits=limits)
    if not quotes_only:
        intent = routed_intent(query, signals, limits, off_topic=status == "out_of_scope")
        if intent != "topic":
            return _about_the_article(state, intent, ranked, hits, settings, texts)
    if quotes_only:
        if not on_article(signals, covered=covered, named=bool(names), limits=limits):
            # Before saying there is none: the topic's words, literally (accent- and case-folded).
            ranked = compose.literal_matches(state.segments, corpus, query.topic)
        quotes = compose.select_quotes(corpus, ranked, settings)
        if not quotes:
            return Draft("no_article_match", [], [], lead=texts.lines["quote_none"])
        return Draft("answered", quotes, [])
    if status == "answered":
        quotes = compose.select_quotes(corpus, ranked, settings, limits=limits, names=query.names)
        background = compose.select_background(corpus, hits, quotes, settings, limits, names)
        return Draft("answered", quotes, background)
    if status == "no_article_match":
        # The cards naming whom it asks about, if only the background names them.
        named_elsewhere = {name.split()[-1] for name in query.elsewhere}
        background = compose.select_background(corpus, hits, [], settings, limits, named_elsewhere)
        return Draft("no_article_match", [], background, lead=texts.lines["no_article_match"])
    meta = corpus.article.meta
    line = texts.lines["out_of_scope"].format(
        title=corpus.article.title,
        publisher=meta.get("publisher", ""),
        year=str(meta.get("date", ""))[:4],
    )
    return Draft("out_of_scope", [], [], lead=line)


def signals_for(state: IndexState, query: Query, hits: list[Hit]) -> compose.Signals:
    """The relevance signals of a parsed question's hits, with how likely it asks beyond the
    article when the live model has a beyond-the-article model (the search's own vector)."""
    signals = compose.relevance_signals(hits, state.about_article)
    model = state.thresholds.beyond
    if model is None:
        return signals
    return replace(signals, beyond=model.probability(state.retriever.query_vector(query.topic)))


def intent_rival(signals: compose.Signals, asked: float | None = None) -> float:
    """What an intent's examples must beat: the nearest curated question (`asked`, else the
    signals'; question against question, like the examples), or without curated questions the
    best passage or card."""
    nearest = signals.asked if asked is None else asked
    return nearest or max(signals.article_dense, signals.fact_dense)


def routed_intent(
    query: Query, signals: compose.Signals, limits: Thresholds, *, off_topic: bool = False
) -> Intent:
    """The query's intent, or its nearest one when that beats the topic's match by the margin.

    A question with words of its own that the scope test finds off topic stays a topic question
    ("how does bitcoin mining work" is not "how does this work"); one made only of the intents'
    words goes to its intent whatever the scope test says.
    """
    if query.intent != "topic" or query.nearest is None or off_topic:
        return query.intent
    if query.names or query.own_in_article:
        # A rare name of the article is a topic of its own ("tell me about the Orchard Guild"),
        # and so are words all of which the article uses ("the phone call").
        return query.intent
    gap = query.nearest_score - routing_rival(signals)
    return query.nearest if gap >= limits.intent_margin else "topic"


def routing_rival(signals: compose.Signals) -> float:
    """What an intent's examples must beat to route a question: `intent_rival`, but a curated
    question about the article itself ("who wrote the article?", a card tagged `article`) is
    one more example of asking about the article, no rival to it."""
    return intent_rival(signals, signals.asked_topic)


def on_article(signals: compose.Signals, *, covered: bool, named: bool, limits: Thresholds) -> bool:
    bonus = limits.named_bonus if named else 0.0
    return (
        covered
        or signals.article_dense + bonus >= limits.article_min_score
        or signals.article_bm25 >= limits.lexical_min_score
    )


def decide_for(
    query: Query, signals: compose.Signals, *, covered: bool, limits: Thresholds
) -> Status:
    """`decide` for a parsed question: its rare names, foreign names and names only the
    background uses are the flags."""
    return decide(
        signals,
        covered=covered,
        named=bool(query.names),
        limits=limits,
        foreign=bool(query.foreign),
        elsewhere=bool(query.elsewhere),
        to_article=query.to_article,
    )


def decide(
    signals: compose.Signals,
    *,
    covered: bool,
    named: bool,
    limits: Thresholds,
    foreign: bool = False,
    elsewhere: bool = False,
    to_article: bool = False,
) -> Status:
    """The status of a topic question from its relevance signals (what calibrate.py fits).

    First whether the question is on the corpus's topic at all: the passages and cards match it,
    and it is not far from every question the curators wrote (`ask_floor`), or it is close to
    one of them (`ask_min_score`); a name the corpus never mentions lowers every cosine of that
    test (`foreign_penalty`), unless the question names the article; one nearer a question the
    curators say the corpus does not answer than to every one they say it does (by
    `off_topic_margin`) is off topic. Then whether the article speaks to it or only the
    background: a question naming someone only the background names (`elsewhere`: "Ann
    Smith"), and no rare name of the article, is the background's;
    so is one the beyond-the-article model says asks what only the background answers
    (`asks_beyond`: "is she still in prison?"). A question that names the article or its
    writers (`to_article`: "what do the authors say about …") asks what the article says: the
    article answers it whenever it matches, unless the beyond model says it asks what only the
    background tells.
    """
    if signals.off_topic - intent_rival(signals) >= limits.off_topic_margin:
        return "out_of_scope"
    # A question naming the article asks what it says, about its own topic (on the development
    # sets, 204 of 205 such questions are the article's): a name it gives that the corpus never
    # mentions is a detail given wrongly ("according to the article, was he arrested on Avenida
    # Quintana?"), not another topic.
    penalty = limits.foreign_penalty if foreign and not to_article else 0.0
    scoped = replace(
        signals,
        article_dense=signals.article_dense - penalty,
        fact_dense=signals.fact_dense - penalty,
        asked=signals.asked - penalty,
    )
    article = on_article(scoped, covered=covered, named=named, limits=limits)
    on_background = (
        scoped.fact_dense >= limits.background_min_score
        or signals.fact_bm25 >= limits.lexical_min_score
        or elsewhere  # the cards name whom it asks about
    )
    asked = scoped.asked >= limits.ask_min_score
    # A rare name of the article in the question puts it on the topic, near a curated question
    # or not ("what's the Orchard Guild").
    floored = scoped.asked < limits.ask_floor and not named
    if not asked and (floored or not (article or on_background)):
        return "out_of_scope"
    if not (article or on_background):
        # On topic by the curated questions alone: the nearest one says where its answer is.
        return "answered" if signals.asked_article else "no_article_match"
    # (Asking whether the article names someone only the background names is answered by the
    # background: "do the authors mention Ann Smith at all?"; so is asking whether it tells what
    # only the background tells: "do the writers say anything about the charges he faced later?")
    beyond = not covered and asks_beyond(signals, limits)
    if article and to_article and not (elsewhere and not named) and not beyond:
        return "answered"
    bonus = limits.named_bonus if named else 0.0
    lead = signals.background_lead()
    background_only = (
        not covered
        and on_background
        and (lead - bonus >= limits.no_article_margin or (elsewhere and not named))
    )
    if article and not background_only and not beyond:
        return "answered"
    return "no_article_match"


def asks_beyond(signals: compose.Signals, limits: Thresholds) -> bool:
    """The question asks what only the background answers (later events, outcomes), by the
    beyond-the-article model, and the background matches it at least as well as the article
    (by the model's `min_lead`)."""
    model = limits.beyond
    return (
        model is not None
        and signals.beyond >= model.min_score
        and signals.background_lead() >= model.min_lead
    )


def _about_the_article(
    state: IndexState,
    intent: Intent,
    ranked: list[compose.ScoredSegment],
    hits: list[Hit],
    settings: Settings,
    texts: Texts,
) -> Draft:
    """Byline, overview and help questions: answered from the article's front matter and title."""
    corpus = state.corpus
    title = _title_quote(state, ranked)
    if intent == "byline":
        return Draft("answered", title + _credit_quotes(state, ranked), [metadata_item(corpus)])
    if intent == "help":
        return Draft("answered", title, [], lead=article_about(corpus, texts).summary)
    # "What is it about?" carries no topic: the answer is the claims curated as the article's
    # argument or, with none curated, its contested claims nearest its title; the title's hits
    # also choose the background (the cards nearest the thesis, then the quotes' sources).
    thesis_hits = state.retriever.search(corpus.article.title)
    thesis = compose.score_segments(state.segments, thesis_hits, state.fact_claims)
    quotes = compose.overview_quotes(corpus, thesis, settings)
    background = compose.select_background(corpus, thesis_hits, quotes, settings, state.thresholds)
    return Draft("answered", quotes, background)


def _credit_quotes(state: IndexState, ranked: list[compose.ScoredSegment]) -> list[Quote]:
    """The article's own words about itself and its authors (its production credit and its
    author bio), the one that matches the question best first, for a byline answer: "who
    wrote it" is answered by the bio as much as by the credit line."""
    article = state.corpus.article
    credits = [s for s in state.segments if article.part_of(s.sentence_ids[0]) in CREDITS]
    best = [s.segment for s in ranked if s.segment in credits]
    ordered = best + [s for s in credits if s not in best]
    quotes = [compose.make_quote(state.corpus, s.start, s.end) for s in ordered]
    return [q for q in quotes if q is not None]


def _title_quote(state: IndexState, ranked: list[compose.ScoredSegment]) -> list[Quote]:
    """The article's title as a quote: every answered answer quotes the article's own words."""
    for scored in [*ranked, *(compose.ScoredSegment(s, 0.0) for s in state.segments)]:
        if state.corpus.article.part_of(scored.segment.sentence_ids[0]) == "title":
            quote = compose.make_quote(state.corpus, scored.segment.start, scored.segment.end)
            if quote is not None:
                return [quote]
    return []
