"""Who says it comes from the data: a lead-in the model wrote gives way to the label's attribution,
a fact card credited to the article stays a misattribution, and a cited surname lets its given
name in."""

from __future__ import annotations

import pytest

from index.corpus.load import Corpus, load_corpus
from tests.index.llm.test_evidence import judge_one, make_judge
from tests.support.llm_stub import CORPUS

ESCORT = "Castillo was arrested by his own police escort, not by the military."


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def judge(corpus: Corpus):
    return make_judge(corpus, None)


def test_crediting_the_article_with_a_fact_card_stays_a_misattribution(judge, corpus):
    """Not rewritten as the card's fact: a card saying "a certificate says she worked at the CIA"
    does not make "she worked at the CIA" a plain fact (the local bench flagged that rewrite)."""
    sentence = f"The article states that {ESCORT[0].lower()}{ESCORT[1:]}"
    for cites in (("castillo-arrest-escort",), ("arrested-by-military", "castillo-arrest-escort")):
        assert judge_one(judge, corpus, sentence, cites).dropped == "misattributed"


def citing_the_oligarchy(judge, corpus, sentence: str):
    """`sentence` judged as a summary sentence citing the oligarchy passage (an opinion)."""
    return judge_one(judge, corpus, sentence, ("oligarchy-pressure",))


def test_the_labels_attribution_replaces_the_models_own_lead_in(judge, corpus):
    checked = citing_the_oligarchy(
        judge,
        corpus,
        "It also mentions that Castillo had been under immense pressure from an oligarchy.",
    )
    assert checked.dropped is None, checked.detail
    assert checked.text == (
        "In the authors' view, Castillo had been under immense pressure from an oligarchy."
    )


def test_a_given_name_of_a_cited_surname_is_no_new_name(judge, corpus):
    checked = citing_the_oligarchy(
        judge, corpus, "Pedro Castillo had been under immense pressure from an oligarchy."
    )
    assert checked.dropped is None, checked.detail
    # A given name whose surname nothing cited is still new, as is a surname the corpus never
    # writes after it.
    rejas = citing_the_oligarchy(judge, corpus, "Pedro Rejas was under pressure from an oligarchy.")
    assert rejas.dropped == "unsupported_name"
