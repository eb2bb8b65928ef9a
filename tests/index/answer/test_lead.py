"""The answer's first line comes from data only: the top claim's note or the top card's text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.answer.compose import fact_item, make_quote
from index.answer.contract import Quote
from index.answer.engine import Engine
from index.answer.lead import Lead, compose_lead, lead_line
from index.answer.render import render_answer
from index.answer.verify import verify
from index.corpus.card import METADATA_FACT_ID, metadata_item
from index.corpus.load import Corpus
from index.texts import load_texts
from tests.support.core import build, claim_quote

TEXTS = load_texts()


@pytest.fixture(scope="module")
def few_claims(corpus: Corpus) -> Corpus:
    """The corpus with one curated claim left (the tweet), so most sentences are unclaimed."""
    kept = tuple(c for c in corpus.claims if c.id == "kenna-tweet")
    return replace(corpus, claims=kept, not_claims=())


def unclaimed_quote(corpus: Corpus) -> Quote:
    """A whole sentence no curated claim covers."""
    for sentence in corpus.article.quotable():
        if not corpus.claims_overlapping(sentence.start, sentence.end):
            quote = make_quote(corpus, sentence.start, sentence.end)
            assert quote is not None and quote.labelled_by != "curated"
            return quote
    raise AssertionError("every sentence is claimed")


@pytest.mark.parametrize(
    ("claim_id", "label"),
    [
        ("arrested-by-military", "disputed"),
        ("kenna-bobbio-meeting", "allegation"),
        ("kenna-tweet", "established"),
        ("pressure-got-to-castillo", "opinion"),
    ],
)
def test_the_top_quote_gives_its_labels_template_filled_with_its_note(
    corpus: Corpus, claim_id: str, label: str
) -> None:
    claim = corpus.claim(claim_id)
    assert claim.label == label
    lead = compose_lead([claim_quote(corpus, claim_id)], [], corpus, TEXTS)
    assert lead == Lead(TEXTS.leads[label].format(note=claim.note), quote=0)


def test_a_disputed_lead_says_what_the_sources_say_and_is_backed_by_their_cards(
    corpus: Corpus,
) -> None:
    claim = corpus.claim("arrested-by-military")
    cards = [fact_item(corpus, fid) for fid in claim.fact_ids] + [fact_item(corpus, "kenna-tweet")]
    lead = compose_lead([claim_quote(corpus, claim.id)], cards, corpus, TEXTS)
    assert lead is not None
    assert lead.text.startswith("The article's account is disputed. Sources say")
    assert lead.backed_by == claim.fact_ids
    rendering = render_answer(
        [claim_quote(corpus, claim.id)], cards, TEXTS, corpus=corpus, lead=lead
    )
    first_lines = rendering.text.split("\n\n")[0].split("\n")
    assert first_lines[0] == lead.text
    assert first_lines[1].startswith(TEXTS.lines["sources"] + " [")


def test_an_unclaimed_top_quote_leads_with_the_top_card(few_claims: Corpus) -> None:
    corpus = few_claims
    card = fact_item(corpus, "castillo-arrest-escort")
    lead = compose_lead(
        [unclaimed_quote(corpus), claim_quote(corpus, "kenna-tweet")],
        [card, fact_item(corpus, "kenna-tweet")],
        corpus,
        TEXTS,
    )
    assert lead == Lead(
        TEXTS.leads["card"].format(text=corpus.facts[card.fact_id].text),
        fact_id=card.fact_id,
        backed_by=(card.fact_id,),
    )


def test_without_a_card_the_first_curated_quote_further_down_leads(few_claims: Corpus) -> None:
    corpus = few_claims
    tweet = claim_quote(corpus, "kenna-tweet")
    lead = compose_lead([unclaimed_quote(corpus), tweet], [], corpus, TEXTS)
    assert lead == Lead(TEXTS.leads["established"].format(note=tweet.note), quote=1)


def test_no_curated_text_means_no_lead(few_claims: Corpus) -> None:
    assert lead_line([unclaimed_quote(few_claims)], [], few_claims, TEXTS) is None
    assert lead_line([], [], few_claims, TEXTS) is None


def test_a_byline_question_leads_with_the_articles_own_card(corpus: Corpus) -> None:
    card = metadata_item(corpus)
    lead = compose_lead([], [card], corpus, TEXTS)
    assert lead is not None and lead.fact_id == METADATA_FACT_ID
    assert lead.text == card.text and "Vijay Prashad" in lead.text


def test_the_lead_reads_the_corpus_not_the_drafts_copy(corpus: Corpus) -> None:
    honest = claim_quote(corpus, "kenna-bobbio-meeting")
    forged = honest.model_copy(update={"note": "Confirmed by the State Department."})
    assert lead_line([forged], [], corpus, TEXTS) == lead_line([honest], [], corpus, TEXTS)


def test_a_lead_not_built_from_the_data_fails_verification(corpus: Corpus) -> None:
    quote = claim_quote(corpus, "kenna-bobbio-meeting")
    lead = compose_lead([quote], [], corpus, TEXTS)
    assert lead is not None
    rendering = render_answer([quote], [], TEXTS, corpus=corpus, lead=lead)
    assert verify([quote], [], rendering, corpus, TEXTS) == []
    invented = Lead("The CIA organized the coup, sources confirm.", quote=0)
    forged = replace(
        rendering,
        text=rendering.text.replace(lead.text, invented.text),
        lead=invented,
    )
    assert "lead: not the line the curated notes and cards give" in verify(
        [quote], [], forged, corpus, TEXTS
    )
    moved = replace(rendering, text="Something first.\n\n" + rendering.text)
    assert "rendered: does not open with the lead" in verify([quote], [], moved, corpus, TEXTS)


# -- in the engine ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build(Path(tmp_path_factory.mktemp("lead")) / "data").engine


@pytest.mark.parametrize(
    "question",
    ["Who arrested Castillo?", "Is it true that the CIA organized the coup?", "Who is Lisa Kenna?"],
)
def test_answered_questions_open_with_the_lead_from_data(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.status == "answered" and answer.verification.passed
    lead = lead_line(answer.quotes, answer.background, engine.corpus, TEXTS)
    assert lead is not None
    assert answer.rendered.startswith(lead)
    assert (answer.rendered_detail or answer.rendered).startswith(lead)


def test_the_articles_own_card_leads_whatever_is_quoted(corpus: Corpus) -> None:
    """A draft carrying the byline card answers a question about the article itself."""
    title = claim_quote(corpus, "title-us-egged-on-coup")
    card = metadata_item(corpus)
    lead = compose_lead([title], [card], corpus, TEXTS)
    assert lead is not None and lead.fact_id == METADATA_FACT_ID and lead.quote is None
    rendering = render_answer([title], [card], TEXTS, corpus=corpus, lead=lead)
    assert rendering.text.startswith(card.text + "\n" + TEXTS.lines["copies"] + " [")
    assert TEXTS.headings["background"] not in rendering.text
    assert verify([title], [card], rendering, corpus, TEXTS) == []
