"""Sentence by sentence against the evidence: the embedding checks, the code's attribution."""

from __future__ import annotations

import pytest

from index.answer import compose, vocabulary
from index.corpus.load import Corpus, load_corpus
from index.llm import similarity
from index.llm.evidence import Shown
from index.llm.judge import Checked, Judge, contested_spans
from index.llm.prompt import load_llm_texts
from index.llm.reply import Claimed, Reply
from index.llm.similarity import Cosines, Similarity
from tests.index.llm.test_guards import every_passage
from tests.support.fakes import FakeEmbedder
from tests.support.llm_stub import CORPUS

ESTABLISHED = "Kenna sent a denunciatory tweet against Castillo's move to dissolve Congress."
TWEET = "kenna-tweet"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


def make_judge(corpus: Corpus, embedder: object | None) -> Judge:
    return Judge(
        corpus,
        compose.build_segments(corpus),
        vocabulary.common_words(corpus),
        vocabulary.author_words(corpus),
        load_llm_texts().attribution,
        Similarity(embedder),
    )


def judge_one(judge: Judge, corpus: Corpus, text: str, cites: tuple[str, ...]) -> Checked:
    outcome = judge.judge(Reply((Claimed(text, cites),)), Shown(corpus, every_passage(corpus)))
    return outcome.sentences[0]


@pytest.fixture
def fitted(monkeypatch):
    """Give the fake embedder cosine thresholds, as a fitted model has."""

    def fit(support: float, contested: float, margin: float) -> None:
        cosines = {**similarity.COSINES, FakeEmbedder.model_id: Cosines(support, contested, margin)}
        monkeypatch.setattr(similarity, "COSINES", cosines)

    return fit


def test_without_fitted_thresholds_the_embedder_is_not_used(corpus):
    embedder = FakeEmbedder()
    judge = make_judge(corpus, embedder)
    assert not judge.similarity.available
    assert judge_one(judge, corpus, ESTABLISHED, (TWEET,)).dropped is None
    assert embedder.embedded == []


def test_a_sentence_far_from_what_it_cites_is_dropped_by_cosine(corpus, fitted):
    fitted(support=0.99, contested=2.0, margin=0.0)
    checked = judge_one(make_judge(corpus, FakeEmbedder()), corpus, ESTABLISHED, (TWEET,))
    assert checked.dropped == "dissimilar" and "cosine" in checked.detail


def test_a_plain_sentence_nearer_a_contested_claim_than_its_evidence_is_dropped(corpus, fitted):
    fitted(support=0.0, contested=0.0, margin=-1.0)
    judge = make_judge(corpus, FakeEmbedder())
    checked = judge_one(judge, corpus, ESTABLISHED, (TWEET,))
    assert checked.dropped == "contested" and "cosine" in checked.detail
    # A sentence the code attributes is not stated as fact: the contested check does not apply.
    meeting = judge_one(judge, corpus, "Kenna met Bobbio on December 6.", ("kenna-bobbio-meeting",))
    assert meeting.dropped is None and meeting.attributed_by_code


def test_an_embedder_that_fails_leaves_the_word_checks(corpus, fitted):
    fitted(support=0.99, contested=2.0, margin=0.0)
    judge = make_judge(corpus, FakeEmbedder(fail_after=0))
    assert judge_one(judge, corpus, ESTABLISHED, (TWEET,)).dropped is None
    assert judge.similarity.failed and not judge.similarity.available


def test_the_template_lowercases_a_common_first_word_but_not_a_name(corpus):
    judge = make_judge(corpus, None)
    common = judge_one(
        judge, corpus, "The pressure got to Castillo.", ("pressure-got-to-castillo",)
    )
    named = judge_one(judge, corpus, "Kenna met Bobbio on December 6.", ("kenna-bobbio-meeting",))
    assert common.text == "In the authors' view, the pressure got to Castillo."
    assert named.text == "The authors allege that Kenna met Bobbio on December 6."


def test_a_sentence_naming_the_authors_is_not_attributed_twice(corpus):
    judge = make_judge(corpus, None)
    text = "Prashad and Llerena Robles write that Kenna met Bobbio on December 6."
    checked = judge_one(judge, corpus, text, ("kenna-bobbio-meeting",))
    assert (checked.dropped, checked.text, checked.attributed_by_code) == (None, text, False)


def test_a_fact_cards_words_in_quotation_marks_lose_the_marks(corpus):
    fact = corpus.facts["castillo-arrest-escort"].text
    assert "his own police escort" in fact
    text = 'Castillo was arrested by "his own police escort", not by the military.'
    checked = judge_one(make_judge(corpus, None), corpus, text, ("castillo-arrest-escort",))
    assert checked.dropped is None
    assert checked.text == "Castillo was arrested by his own police escort, not by the military."


def test_joining_two_passages_into_an_event_neither_tells_is_unsupported(corpus):
    text = "The CIA organized the coup."
    cites = ("title-us-egged-on-coup", "kenna-sent-before-election")
    checked = judge_one(make_judge(corpus, None), corpus, text, cites)
    assert checked.dropped == "unsupported"


def test_every_contested_claim_of_the_corpus_is_checked_title_included(corpus):
    spans = {c.id for c in contested_spans(corpus, compose.build_segments(corpus))}
    contested = {c.id for c in corpus.claims if c.label in ("allegation", "disputed", "opinion")}
    assert contested <= spans and "title-us-egged-on-coup" in spans


def test_a_summary_ships_only_when_at_least_half_of_it_survives(corpus):
    judge = make_judge(corpus, None)
    shown = Shown(corpus, every_passage(corpus))
    good = Claimed(ESTABLISHED, (TWEET,))
    bad = Claimed("Ambassador Kenna ordered the arrest of Castillo.", (TWEET,))
    assert judge.judge(Reply((good, bad)), shown).enough
    assert not judge.judge(Reply((good, bad, bad)), shown).enough
