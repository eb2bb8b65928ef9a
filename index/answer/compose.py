"""Extractive composition: pick article spans and background facts from the ranked hits."""

from __future__ import annotations

import math
from dataclasses import dataclass

from index.answer.contract import BackgroundItem, Quote
from index.corpus.labels import label_span
from index.corpus.load import Corpus
from index.search.calibration import Thresholds
from index.search.retrieval import Hit
from index.search.text import content_words, word_set, words
from index.settings import Settings

# A quote must score at least this share of the best one, so answers point rather than pad.
RELATIVE_CUTOFF = 0.55
LINKED_FACTS_PER_QUOTE = 2
# How much of a sentence hit reaches each claim when the sentence holds several claims, and how
# much of a window hit reaches the sentences inside it.
SHARED_WEIGHT = 0.6
WINDOW_WEIGHT = 0.75
# The best few facts lend this share of their score to the claims linked to them.
LINKED_FACT_HITS = 3
FACT_LINK_WEIGHT = 0.5
_CONTESTED = ("allegation", "opinion", "disputed")


@dataclass(frozen=True, eq=False)
class Segment:
    """A quotable span: one curated claim, or a whole sentence no claim covers. Built once
    per index version, one object per span: compared and hashed by identity (fast)."""

    start: int
    end: int
    sentence_ids: tuple[str, ...]
    paragraph: int
    claim_id: str | None


def fact_claim_links(corpus: Corpus) -> dict[str, list[str]]:
    links: dict[str, list[str]] = {}
    for claim in corpus.claims:
        for fact_id in claim.fact_ids:
            links.setdefault(fact_id, []).append(claim.id)
    return links


def build_segments(corpus: Corpus) -> list[Segment]:
    article = corpus.article
    segments: dict[tuple[int, int], Segment] = {}
    for sentence in article.quotable():
        claims = corpus.claims_overlapping(sentence.start, sentence.end)
        spans: list[tuple[int, int, str | None]] = [(c.start, c.end, c.id) for c in claims]
        spans = spans or [(sentence.start, sentence.end, None)]
        for start, end, claim_id in spans:
            ids = tuple(s.id for s in article.sentences_overlapping(start, end))
            segments.setdefault(
                (start, end), Segment(start, end, ids, sentence.paragraph, claim_id)
            )
    return sorted(segments.values(), key=lambda s: s.start)


@dataclass(frozen=True)
class ScoredSegment:
    segment: Segment
    score: float
    # The segment's own match (its claim's or its sentence's), for the relevance check.
    dense: float = 0.0
    bm25: float = 0.0

    def relevant(self, limits: Thresholds, top_dense: float) -> bool:
        """Relevant on its own, by the status decision's measures: a BM25 score over its
        threshold, or a cosine nearer the best passage's than the article threshold."""
        floor = (top_dense + limits.article_min_score) / 2
        return self.dense >= max(floor, limits.article_min_score) or (
            self.bm25 >= limits.lexical_min_score
        )


def score_segments(
    segments: list[Segment], hits: list[Hit], fact_claims: dict[str, list[str]] | None = None
) -> list[ScoredSegment]:
    """Spread each article hit onto the spans it covers; claim hits count fully.

    A background fact that matches well also lends weight to the claims curated as linked to it:
    the fact cards are written in plain words, so they catch paraphrases the article's own
    wording misses.
    """
    by_claim = {s.claim_id: s for s in segments if s.claim_id}
    by_sentence: dict[str, list[Segment]] = {}
    for seg in segments:
        for sid in seg.sentence_ids:
            by_sentence.setdefault(sid, []).append(seg)
    score: dict[Segment, float] = {}
    own: dict[Segment, tuple[float, float]] = {}

    def add(seg: Segment, hit: Hit, weight: float) -> None:
        score[seg] = max(score.get(seg, 0.0), weight * hit.fused)

    def match(seg: Segment, hit: Hit) -> None:
        dense, bm25 = own.get(seg, (0.0, 0.0))
        own[seg] = (max(dense, hit.dense or 0.0), max(bm25, hit.bm25 or 0.0))

    fact_hits = [h for h in hits if h.item.kind == "fact"][:LINKED_FACT_HITS]
    for hit in fact_hits:
        for claim_id in (fact_claims or {}).get(hit.item.metadata["fact_id"], []):
            if claim_id in by_claim:
                add(by_claim[claim_id], hit, FACT_LINK_WEIGHT)
    # How well each claim matches on its own decides which claim of a shared sentence the
    # sentence's own match goes to in full.
    claim_fit = {h.item.metadata["claim_id"]: h.fused for h in hits if h.item.kind == "claim"}
    for hit in hits:
        meta = hit.item.metadata
        if hit.item.kind == "claim" and meta["claim_id"] in by_claim:
            add(by_claim[meta["claim_id"]], hit, 1.0)
            match(by_claim[meta["claim_id"]], hit)
        elif hit.item.kind in ("sentence", "window"):
            sids = hit.item.sentence_ids
            kind_weight = 1.0 if hit.item.kind == "sentence" else WINDOW_WEIGHT
            for sid in sids:
                shared = by_sentence.get(sid, [])
                best = max(shared, key=lambda s: claim_fit.get(s.claim_id or "", 0.0), default=None)
                for seg in shared:
                    add(seg, hit, kind_weight * (1.0 if seg is best else SHARED_WEIGHT))
                    if hit.item.kind == "sentence":
                        match(seg, hit)
    ranked = sorted(score, key=score.__getitem__, reverse=True)
    return [ScoredSegment(s, score[s], *own.get(s, (0.0, 0.0))) for s in ranked]


@dataclass(frozen=True)
class Signals:
    """How strongly the article and the background match a question (for the status decision)."""

    article_dense: float
    article_bm25: float
    fact_dense: float
    fact_bm25: float
    # The cosine of the nearest curated question (an ask embedded as a question), and whether
    # what it points at is an article claim (True) or a fact card (False).
    asked: float = 0.0
    asked_article: bool = False
    # The cosine of the nearest question the curators say the corpus does not answer.
    off_topic: float = 0.0
    # The cosine of the nearest curated question that is not about the article itself (not one
    # of a card tagged `article`: "who wrote the article?", "where else was it published?");
    # None: the same as `asked`.
    asked_topic: float | None = None
    # How likely the question asks what only the background answers (`index/answer/beyond.py`).
    beyond: float = 0.0

    # Weight of the BM25 difference beside the cosine difference in `background_lead`.
    BM25_WEIGHT = 0.02

    def background_lead(self) -> float:
        """How much better the background matches than the article (cosine, plus BM25 a little)."""
        return (self.fact_dense - self.article_dense) + self.BM25_WEIGHT * (
            self.fact_bm25 - self.article_bm25
        )


def relevance_signals(hits: list[Hit], about_article: frozenset[str] = frozenset()) -> Signals:
    """The signals of `hits`; `about_article`: the targets (`fact:ID`) of the cards about the
    article itself, whose curated questions are questions about the article, not its topic."""
    # One pass over the hits (about 1,100 of them per question); -inf: none of that kind.
    none = -math.inf
    article_dense = article_bm25 = fact_dense = fact_bm25 = off_topic = asked_topic = none
    asked: Hit | None = None
    asked_score = none
    for hit in hits:
        item = hit.item
        kind = item.kind
        if kind == "sentence" or kind == "claim":
            article_dense = max(article_dense, hit.own or 0.0)
            article_bm25 = max(article_bm25, hit.bm25 or 0.0)
        elif kind == "fact":
            fact_dense = max(fact_dense, hit.own or 0.0)
            fact_bm25 = max(fact_bm25, hit.bm25 or 0.0)
        elif kind == "question":
            score = hit.dense or 0.0
            if item.off_topic:
                off_topic = max(off_topic, score)
                continue
            if score > asked_score:
                asked, asked_score = hit, score
            if item.target not in about_article:
                asked_topic = max(asked_topic, score)

    def found(value: float) -> float:
        return value if value > none else 0.0

    return Signals(
        article_dense=found(article_dense),
        article_bm25=found(article_bm25),
        fact_dense=found(fact_dense),
        fact_bm25=found(fact_bm25),
        asked=found(asked_score),
        asked_article=bool(asked and str(asked.item.target).startswith("claim:")),
        off_topic=found(off_topic),
        asked_topic=found(asked_topic),
    )


def select_quotes(
    corpus: Corpus,
    ranked: list[ScoredSegment],
    settings: Settings,
    relative_cutoff: float = RELATIVE_CUTOFF,
    limits: Thresholds | None = None,
    names: frozenset[str] = frozenset(),
) -> list[Quote]:
    """The best passage (the first, whatever its score), then those close to the best score that
    are relevant on their own: no filler. A passage holding one of `names` (the question's rare
    names: the article uses each in one or two sentences, all of them about its bearer) is
    relevant on its own."""
    if not ranked:
        return []
    # The best score, not the first: a re-ranked order need not follow the scores.
    top = max(s.score for s in ranked)
    top_dense = max(s.dense for s in ranked)
    chosen: list[Quote] = []
    used = 0
    for scored in ranked:
        if len(chosen) >= settings.max_quotes:
            break
        seg = scored.segment
        length = seg.end - seg.start
        if chosen and used + length > settings.max_quote_chars:
            continue
        if (
            chosen
            and not _wanted(scored, relative_cutoff * top, limits, top_dense)
            and not (names and names & word_set(corpus.article.text[seg.start : seg.end]))
        ):
            continue
        quote = make_quote(corpus, seg.start, seg.end)
        if quote is not None:
            chosen.append(quote)
            used += length
    return chosen


def _wanted(
    scored: ScoredSegment, cutoff: float, limits: Thresholds | None, top_dense: float
) -> bool:
    """Whether a passage after the first is worth quoting too."""
    if scored.score < cutoff:
        return False
    return limits is None or scored.relevant(limits, top_dense)


def make_quote(corpus: Corpus, start: int, end: int) -> Quote | None:
    """A quote sliced from the article at [start, end), labelled from the data."""
    span = label_span(corpus, start, end)
    if span is None:
        return None
    sentences = corpus.article.sentences_overlapping(start, end)
    return Quote(
        text=corpus.article.text[start:end],
        start=start,
        end=end,
        sentence_ids=[s.id for s in sentences],
        paragraph=sentences[0].paragraph,
        label=span.label,
        labelled_by=span.labelled_by,
        claim_ids=list(span.claim_ids),
        note=span.note,
    )


def fact_item(corpus: Corpus, fact_id: str) -> BackgroundItem:
    fact = corpus.facts[fact_id]
    return BackgroundItem(fact_id=fact.id, text=fact.text, sources=list(fact.sources))


def select_background(
    corpus: Corpus,
    hits: list[Hit],
    quotes: list[Quote],
    settings: Settings,
    limits: Thresholds,
    names: set[str] | None = None,
) -> list[BackgroundItem]:
    """The best-matching fact, then what sources say about quoted disputes and allegations.

    A fact card naming a rare name from the question counts as matching whatever its score.
    """
    linked: list[str] = []
    for quote in quotes:
        if quote.label in ("disputed", "allegation"):
            for cid in quote.claim_ids:
                linked.extend(corpus.claim(cid).fact_ids[:LINKED_FACTS_PER_QUOTE])
    # What an established quote rests on: its supporting card, after the disputes' sources.
    for quote in quotes:
        if quote.label == "established":
            for cid in quote.claim_ids:
                linked.extend(corpus.claim(cid).supported_by[:1])
    relevant = [
        h.item.metadata["fact_id"]
        for h in hits
        if h.item.kind == "fact"
        and (
            (h.dense or 0.0) >= limits.background_min_score
            or (h.bm25 or 0.0) >= limits.lexical_min_score
            or _names_text(h.item.text, names)
        )
    ]
    wanted = relevant[:1] + linked + relevant[1:]
    seen: list[str] = []
    for fid in wanted:
        if fid in corpus.facts and fid not in seen:
            seen.append(fid)
    return [fact_item(corpus, fid) for fid in seen[: settings.max_background]]


def _names_text(text: str, names: set[str] | None) -> bool:
    if not names:
        return False
    return not names.isdisjoint(word_set(text))


def overview_quotes(corpus: Corpus, ranked: list[ScoredSegment], settings: Settings) -> list[Quote]:
    """The article's argument: the claims curated as its thesis (`thesis: true`), in the
    article's order, as many as the quote budget's characters hold; for a corpus with none, its
    title, then the contested claims `ranked` puts first."""
    curated = sorted((c for c in corpus.claims if c.thesis), key=lambda c: c.start)
    if curated:
        return _within_budget(corpus, [(c.start, c.end) for c in curated], settings)
    title = [s for s in ranked if corpus.article.part_of(s.segment.sentence_ids[0]) == "title"]
    argued = []
    for scored in ranked:
        span = label_span(corpus, scored.segment.start, scored.segment.end)
        if scored.segment.paragraph > 0 and span and span.label in _CONTESTED:
            argued.append(scored)
    return select_quotes(corpus, title + argued, settings, relative_cutoff=0.0)


def _within_budget(corpus: Corpus, spans: list[tuple[int, int]], settings: Settings) -> list[Quote]:
    """The spans as quotes, in order, while their characters fit `max_quote_chars` (the first
    always)."""
    quotes: list[Quote] = []
    used = 0
    for start, end in spans:
        if quotes and used + (end - start) > settings.max_quote_chars:
            continue
        quote = make_quote(corpus, start, end)
        if quote is not None:
            quotes.append(quote)
            used += end - start
    return quotes


def literal_matches(segments: list[Segment], corpus: Corpus, topic: str) -> list[ScoredSegment]:
    """Segments holding every content word of the topic, folded ("Perú" finds "Peru")."""
    wanted = set(content_words(topic))
    if not wanted:
        return []
    found = [
        ScoredSegment(seg, 1.0)
        for seg in segments
        if wanted <= set(words(corpus.article.text[seg.start : seg.end]))
    ]
    return found
