"""The text-level guards: attribution, restatement, verdicts, markup; and the whole summary
against the verifier whatever the model writes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from index.answer import compose, vocabulary
from index.answer.verify import check_summary
from index.answer.vocabulary import common_words
from index.corpus.labels import label_span
from index.corpus.load import Corpus, load_corpus
from index.llm.evidence import Shown
from index.llm.guards import attributed, passes_verdict, sanitize, unattributed
from index.llm.judge import Judge
from index.llm.prompt import Context, Passage, load_llm_texts
from index.llm.reply import Claimed, Reply
from index.llm.similarity import Similarity
from tests.support.llm_stub import CORPUS


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def allegations(corpus: Corpus) -> list[str]:
    return [c.quote for c in corpus.claims if c.label in ("allegation", "disputed", "opinion")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Kenna met Bobbio on December 6, the day before the coup.",
        "The military arrested Castillo before he reached the embassy.",
        "Mariano Alvarado gave the generals the green light to move against Castillo.",
        "The last call Castillo took before leaving the palace came from the U.S. Embassy.",
        "The U.S. egged on the coup in Peru.",
        "This measure sealed his fate.",
        "He was likely warned to flee to a friendly embassy.",
    ],
)
def test_restated_allegation_without_attribution_is_caught(corpus, allegations, sentence):
    assert unattributed(sentence, allegations, common_words(corpus))


@pytest.mark.parametrize(
    "sentence",
    [
        "The authors allege that Kenna met Bobbio on December 6.",
        "According to the article, the military arrested Castillo before he reached the embassy.",
        "The article claims the last call came from the U.S. Embassy.",
        "In the authors' view, this measure sealed his fate.",
        "Castillo announced on December 7 that he would temporarily dissolve Congress.",
        "Kenna sent a tweet denouncing Castillo's move to dissolve Congress.",
        "His approval rating had risen to 31 percent while Congress stood at about 10 percent.",
        "Congress removed Castillo on December 7, 2022.",
    ],
)
def test_attributed_or_established_content_passes(corpus, allegations, sentence):
    assert not unattributed(sentence, allegations, common_words(corpus))


@pytest.mark.parametrize(
    "sentence",
    [
        "The article mentions that Kenna met Bobbio.",
        "The authors note that the meeting took place on December 6.",
        "Kenna appears to have met Bobbio, the authors point out.",
        "According to Prashad, Kenna met Bobbio.",
    ],
)
def test_hedges_the_old_verb_list_missed_count_as_attribution(corpus, sentence):
    from index.answer.vocabulary import author_words

    assert attributed(sentence, author_words(corpus))


def test_verdicts_are_found_but_negated_ones_are_not():
    assert passes_verdict("The meeting is confirmed by several sources.")
    assert not passes_verdict("No independent source has confirmed the meeting.")


def test_a_verdict_word_the_cited_cards_use_themselves_is_their_report():
    card = "The navy and the prison authority confirmed the calls were genuine."
    assert not passes_verdict("The prison authority confirmed the calls were genuine.", card)
    # Only the word the card uses: another verdict stays the model's own.
    assert passes_verdict("The calls were verified and genuine.", card)
    assert passes_verdict("The meeting is confirmed by several sources.", "The meeting took place.")


def test_sanitize_strips_markup_links_and_mass_mentions():
    raw = "## Established\n> **Kenna** met Bobbio, see https://example.com @everyone\n- a list"
    assert sanitize(raw) == "Established Kenna met Bobbio, see @\u200beveryone a list"


def every_passage(corpus: Corpus) -> Context:
    passages = []
    for seg in compose.build_segments(corpus):
        span = label_span(corpus, seg.start, seg.end)
        if span is not None:
            text = corpus.article.text[seg.start : seg.end]
            pid = seg.claim_id or seg.sentence_ids[0]
            passages.append(Passage(pid, seg, span.label, span.labelled_by, text))
    return Context(tuple(passages), tuple(sorted(corpus.facts)))


@pytest.fixture(scope="module")
def judge(corpus: Corpus) -> Judge:
    return Judge(
        corpus,
        compose.build_segments(corpus),
        common_words(corpus),
        vocabulary.author_words(corpus),
        load_llm_texts().attribution,
        Similarity(None),
    )


def test_a_quotation_split_by_an_abbreviation_is_checked_whole(corpus, judge):
    real = "the last phone call that Castillo took before he left the presidential palace came"
    fake = 'It adds that "the U.S. Embassy gave the order."'
    shown = Shown(corpus, every_passage(corpus))
    reply = Reply(
        (
            Claimed(f'The article says "{real}".', ("last-call-from-embassy",)),
            Claimed(fake, ("last-call-from-embassy",)),
        )
    )
    outcome = judge.judge(reply, shown)
    # The quotation survives whole; the lead-in is the allegation's, from its label.
    assert outcome.summary == f'The authors allege that "{real}".'


FRAGMENTS = st.sampled_from(
    [
        "The authors allege",
        '"',
        "\u201c",
        "\u201d",
        "This measure sealed his fate.",
        "temporarily dissolve the Congress",
        "the U.S. Embassy",
        "ordered the arrest",
        ". ",
        "It is being said",
        " and ",
        "Kenna met Bobbio",
        "! ",
        "U.S. officials",
        "\n> ",
        "[establish]",
        "@everyone",
    ]
)
IDS = st.sampled_from(["measure-sealed-fate", "kenna-bobbio-meeting", "kenna-tweet", "p4.s7", "x"])


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(FRAGMENTS, max_size=8), st.lists(IDS, max_size=2)), max_size=4))
def test_whatever_the_model_writes_the_summary_passes_the_verifier(corpus, judge, parts):
    shown = Shown(corpus, every_passage(corpus))
    reply = Reply(tuple(Claimed(" ".join(text), tuple(ids)) for text, ids in parts))
    summary = judge.judge(reply, shown).summary
    if summary:
        assert check_summary(summary, corpus, summary) == []


def test_the_judge_ships_a_cards_own_verdict_word_and_drops_the_models(judge, corpus):
    from tests.index.llm.test_evidence import judge_one

    kept = judge_one(
        judge,
        corpus,
        "The navy and the prison authority confirmed the calls were genuine.",
        ("montesinos-audios",),
    )
    assert kept.dropped is None, kept.detail
    planted = judge_one(
        judge,
        corpus,
        "The Montesinos calls are established as genuine by the navy.",
        ("montesinos-audios",),
    )
    assert planted.dropped == "verdict"
