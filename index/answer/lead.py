"""The answer's first line, from data: what the curated note of the top claim or the top card says.

A pure function of the draft's quotes and background and the corpus; no model. The sentence is a
template of `prompts/texts.yaml` (`leads`) filled with one curated text only: the note of the most
relevant quoted claim (its label picks the template), or the text of the top fact card (when the
top quote has no curated claim, or there are no quotes), or the article's own card when the draft
answers a question about the article itself. The verifier recomputes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.answer.contract import BackgroundItem, Quote
from index.corpus.card import METADATA_FACT_ID, metadata_item
from index.corpus.labels import label_span
from index.corpus.load import Corpus
from index.texts import Texts


@dataclass(frozen=True)
class Lead:
    """The first line and the curated text it states (so the rendering does not repeat it)."""

    text: str
    # The quote (index in the draft's quotes) whose claim note the lead states, or None.
    quote: int | None = None
    # The card whose text the lead states, or None.
    fact_id: str | None = None
    # The answer's cards whose sources back the lead (listed under it): the stated card, or
    # the cards curated as supporting or contradicting the stated claim.
    backed_by: tuple[str, ...] = ()


def card_text(item: BackgroundItem, corpus: Corpus) -> str | None:
    """The card's text as the corpus has it (not as the draft carries it), if it has sources."""
    if item.fact_id == METADATA_FACT_ID:
        card = metadata_item(corpus)
        return card.text if card.sources else None
    fact = corpus.facts.get(item.fact_id)
    return fact.text if fact is not None and fact.sources else None


def _card_lead(background: list[BackgroundItem], corpus: Corpus, texts: Texts) -> Lead | None:
    """The top card: the first independent one, else the article's own card."""
    ordered = [b for b in background if b.fact_id != METADATA_FACT_ID] + [
        b for b in background if b.fact_id == METADATA_FACT_ID
    ]
    for item in ordered:
        text = card_text(item, corpus)
        if text:
            return Lead(
                texts.leads["card"].format(text=text),
                fact_id=item.fact_id,
                backed_by=(item.fact_id,),
            )
    return None


def compose_lead(
    quotes: list[Quote], background: list[BackgroundItem], corpus: Corpus, texts: Texts
) -> Lead | None:
    """The lead of an answered draft: the top quote's curated note, else the top card's text,
    else the first curated note further down; None when no curated text fits.

    A draft carrying the article's own card answers a question about the article (its byline):
    that card leads.
    """
    byline = _card_lead([b for b in background if b.fact_id == METADATA_FACT_ID], corpus, texts)
    if byline is not None:
        return byline
    card = _card_lead(background, corpus, texts)
    for n, quote in enumerate(quotes):
        span = label_span(corpus, quote.start, quote.end)
        if span is None or span.labelled_by != "curated" or span.label not in texts.leads:
            if n == 0 and card is not None:
                return card
            continue
        shown = {b.fact_id for b in background}
        linked = [f for cid in span.claim_ids for f in corpus.claim(cid).fact_ids if f in shown]
        return Lead(
            texts.leads[span.label].format(note=span.note),
            quote=n,
            backed_by=tuple(dict.fromkeys(linked)),
        )
    return card


def lead_line(
    quotes: list[Quote], background: list[BackgroundItem], corpus: Corpus, texts: Texts
) -> str | None:
    """One or two plain sentences answering the question, built only from curated texts."""
    lead = compose_lead(quotes, background, corpus, texts)
    return lead.text if lead is not None else None
