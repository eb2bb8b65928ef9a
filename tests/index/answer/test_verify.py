"""The verifier reports each way an answer can lie; the engine never sends such an answer."""

from __future__ import annotations

import pytest

from index.answer.compose import fact_item, make_quote
from index.answer.contract import BackgroundItem, Quote, Source
from index.answer.engine import Engine
from index.answer.pipeline import Draft, IndexState
from index.answer.render import render
from index.answer.verify import quotations, verify
from index.corpus.card import metadata_item
from index.corpus.load import Corpus
from index.texts import load_texts
from tests.support.core import KENNA_MEETING, Built, FakeLog, build, claim_quote

TEXTS = load_texts()


@pytest.fixture(scope="module")
def meeting(corpus: Corpus) -> Quote:
    return claim_quote(corpus, "kenna-bobbio-meeting")


@pytest.fixture(scope="module")
def tweet(corpus: Corpus) -> Quote:
    return claim_quote(corpus, "kenna-tweet")


@pytest.fixture(scope="module")
def fact(corpus: Corpus) -> BackgroundItem:
    return fact_item(corpus, "kenna-bobbio-meeting-report")


def check(
    corpus: Corpus,
    quotes: list[Quote],
    background: list[BackgroundItem] | None = None,
    rendered: str | None = None,
    summary: str | None = None,
) -> list[str]:
    """Verify quotes as rendered by the real renderer unless a rendering is given."""
    background = background or []
    if rendered is None:
        rendered = render(quotes, background, TEXTS, summary=summary)
    return verify(quotes, background, rendered, corpus, TEXTS, summary=summary)


def test_an_honest_answer_passes(
    corpus: Corpus, meeting: Quote, tweet: Quote, fact: BackgroundItem
) -> None:
    assert check(corpus, [meeting, tweet], [fact, metadata_item(corpus)]) == []


def test_a_cue_labelled_sentence_passes(corpus: Corpus) -> None:
    corpus_without_claims = Corpus(corpus.directory, corpus.article, (), (), {}, corpus.sha256)
    sentence = corpus.article.sentence("p5.s2")
    quote = make_quote(corpus_without_claims, sentence.start, sentence.end)
    assert quote is not None and quote.labelled_by == "cue"
    assert check(corpus_without_claims, [quote]) == []


def test_tampered_quote_text_is_reported(corpus: Corpus, meeting: Quote) -> None:
    forged = meeting.model_copy(update={"text": meeting.text.replace("met", "secretly met")})
    failures = check(corpus, [forged])
    assert (
        f"quote {meeting.start}-{meeting.end}: text is not the article slice at its offsets"
        in failures
    )


def test_wrong_offsets_are_reported(corpus: Corpus, meeting: Quote) -> None:
    shifted = meeting.model_copy(update={"start": meeting.start + 1, "end": meeting.end + 1})
    failures = check(corpus, [shifted])
    assert failures[0].endswith("text is not the article slice at its offsets")


def test_offsets_outside_the_article_are_reported(corpus: Corpus, meeting: Quote) -> None:
    beyond = len(corpus.article.text)
    outside = meeting.model_copy(update={"start": beyond, "end": beyond + 10, "text": ""})
    assert check(corpus, [outside]) != []


def test_an_allegation_relabelled_established_is_reported(corpus: Corpus, meeting: Quote) -> None:
    relabelled = meeting.model_copy(update={"label": "established"})
    failures = check(corpus, [relabelled])
    assert (
        f"quote {meeting.start}-{meeting.end}: label established/curated but the data says "
        "allegation/curated"
    ) in failures


def test_a_curated_label_passed_off_as_a_cue_is_reported(corpus: Corpus, meeting: Quote) -> None:
    assert check(corpus, [meeting.model_copy(update={"labelled_by": "cue"})]) != []


def test_a_quote_spanning_claims_of_different_labels_is_reported(
    corpus: Corpus, meeting: Quote, tweet: Quote
) -> None:
    start, end = meeting.start, tweet.end
    spanning = Quote(
        text=corpus.article.text[start:end],
        start=start,
        end=end,
        sentence_ids=["p4.s7"],
        paragraph=4,
        label="allegation",
        labelled_by="curated",
        claim_ids=["kenna-bobbio-meeting", "kenna-tweet"],
        note=meeting.note,
    )
    failures = check(corpus, [spanning])
    assert failures == [f"quote {start}-{end}: mixes claims with different labels"]


def test_wrong_sentence_ids_are_reported(corpus: Corpus, meeting: Quote) -> None:
    failures = check(corpus, [meeting.model_copy(update={"sentence_ids": ["p4.s6"]})])
    assert failures == [
        f"quote {meeting.start}-{meeting.end}: sentence ids do not match the offsets"
    ]


def test_wrong_paragraph_is_reported(corpus: Corpus, meeting: Quote) -> None:
    failures = check(corpus, [meeting.model_copy(update={"paragraph": 5})])
    assert failures == [
        f"quote {meeting.start}-{meeting.end}: paragraph number does not match the offsets"
    ]


def test_wrong_claim_ids_are_reported(corpus: Corpus, meeting: Quote) -> None:
    failures = check(corpus, [meeting.model_copy(update={"claim_ids": ["alvarado-greenlight"]})])
    assert failures == [
        f"quote {meeting.start}-{meeting.end}: claim ids do not match the claims at these offsets"
    ]


def test_a_tampered_note_is_reported(corpus: Corpus, meeting: Quote) -> None:
    forged = meeting.model_copy(update={"note": "Confirmed by Reuters and the State Department."})
    assert check(corpus, [forged]) != []


def test_background_without_sources_is_reported(corpus: Corpus, fact: BackgroundItem) -> None:
    failures = check(corpus, [], [fact.model_copy(update={"sources": []})])
    assert failures == [f"background {fact.fact_id}: every item needs a source with a URL"]


def test_background_with_a_source_but_no_url_is_reported(
    corpus: Corpus, fact: BackgroundItem
) -> None:
    no_url = Source(publisher="Someone", url="", date="2022", title="Untitled")
    failures = check(corpus, [], [fact.model_copy(update={"sources": [no_url]})])
    assert failures == [f"background {fact.fact_id}: every item needs a source with a URL"]


def test_background_text_differing_from_its_card_is_reported(
    corpus: Corpus, fact: BackgroundItem
) -> None:
    failures = check(corpus, [], [fact.model_copy(update={"text": "The meeting is confirmed."})])
    assert failures == [f"background {fact.fact_id}: text differs from the fact card"]


def test_background_from_no_card_is_reported(corpus: Corpus, fact: BackgroundItem) -> None:
    failures = check(corpus, [], [fact.model_copy(update={"fact_id": "made-up"})])
    assert failures[0] == "background made-up: no such fact card"
    # Its sources come from no card either, so the links shown are not from the data.
    assert len(failures) == 1 + len(fact.sources)
    assert all(f.startswith("rendered: a link not from the data: ") for f in failures[1:])


def test_forged_article_metadata_is_reported(corpus: Corpus) -> None:
    item = metadata_item(corpus)
    forged = item.model_copy(update={"text": item.text.replace("Vijay Prashad", "Someone Else")})
    assert check(corpus, [], [forged]) == [
        "background article-metadata: does not match the article's metadata"
    ]


def test_rendered_missing_a_quote_is_reported(corpus: Corpus, meeting: Quote, tweet: Quote) -> None:
    rendered = render([tweet], [], TEXTS)
    failures = check(corpus, [meeting, tweet], rendered=rendered)
    assert failures == [f"rendered: quote {meeting.start}-{meeting.end} is not shown verbatim"]


def test_an_allegation_tagged_established_is_reported(corpus: Corpus, meeting: Quote) -> None:
    shown_as_established = render([meeting.model_copy(update={"label": "established"})], [], TEXTS)
    assert f"> {meeting.text}\n{TEXTS.tags['established']}" in shown_as_established
    failures = check(corpus, [meeting], rendered=shown_as_established)
    where = f"rendered: quote {meeting.start}-{meeting.end} (allegation)"
    assert failures == [
        f"{where} is not followed by its label's tag",
        f"{where} carries another label's tag: {TEXTS.tags['established']}",
    ]


def test_a_quote_rendered_with_no_tag_is_reported(corpus: Corpus, meeting: Quote) -> None:
    failures = check(corpus, [meeting], rendered=f"> {meeting.text}\n¶4 — {meeting.note}")
    assert failures == [
        f"rendered: quote {meeting.start}-{meeting.end} (allegation) is not "
        "followed by its label's tag"
    ]


def test_a_summary_quoting_words_not_in_the_article_is_reported(
    corpus: Corpus, meeting: Quote
) -> None:
    summary = 'The authors say "the CIA organized the coup in Peru".'
    failures = check(corpus, [meeting], summary=summary)
    assert failures == [
        "summary: quotation not in the article: 'the CIA organized the coup in Peru'"
    ]


def test_a_summary_quoting_the_article_passes(corpus: Corpus, meeting: Quote) -> None:
    assert check(corpus, [meeting], summary=f'The authors write "{KENNA_MEETING}".') == []


# -- the engine sends a safe answer instead -----------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("verify") / "data")


QUESTION = "Did Lisa Kenna meet Bobbio on December 6?"


def assert_safe_error(engine: Engine, log: FakeLog) -> None:
    answer = engine.answer(QUESTION)
    assert answer.status == "error"
    assert answer.quotes == [] and answer.background == []
    assert answer.rendered == TEXTS.lines["error"]
    [record] = log.records
    assert record.answer.status == "error"
    assert record.answer.id == answer.id
    assert record.rejected_answer is not None
    assert record.rejected_answer.status == "answered"
    assert record.rejected_answer.quotes
    assert not record.rejected_answer.verification.passed


def test_engine_replaces_an_answer_failing_verification(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.answer.finish.verify", lambda *args, **kwargs: ["injected failure"])
    log = FakeLog()
    engine = Engine(built.settings, built.embedder, answer_log=log)
    assert_safe_error(engine, log)
    assert log.records[0].rejected_answer.verification.failures == ["injected failure"]


def test_engine_replaces_an_answer_with_a_tampered_quote(built: Built) -> None:
    forged_text = "She met Peru's Minister of Defense Gustavo Bobbio in secret on December 6"

    class Forger:
        mode = "forger"
        template_hash = "0" * 16

        def __call__(self, state: IndexState, question: str, hits: list, draft: Draft) -> Draft:
            first = draft.quotes[0].model_copy(update={"text": forged_text})
            return draft.but(quotes=[first, *draft.quotes[1:]])

    refiner = Forger()

    log = FakeLog()
    engine = Engine(built.settings, built.embedder, answer_log=log, refiner=refiner)
    assert_safe_error(engine, log)
    assert forged_text not in engine.answer(QUESTION).rendered
    failures = log.records[0].rejected_answer.verification.failures
    assert any("text is not the article slice" in f for f in failures)


def test_engine_logs_verified_answers_without_a_rejected_one(built: Built) -> None:
    log = FakeLog()
    answer = Engine(built.settings, built.embedder, answer_log=log).answer(QUESTION)
    assert answer.verification.passed
    [record] = log.records
    assert record.rejected_answer is None and record.answer == answer


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('He said "a former agent" twice.', ["a former agent"]),
        ("He said 'a former agent' and ‘the old spy’.", ["a former agent", "the old spy"]),
        ("Ana's tweet and Ben's reply", []),  # apostrophes open nothing
        ("the authors' view and the writers' claim", []),
    ],
)
def test_quotations_are_double_or_single_marks_not_apostrophes(
    text: str, quoted: list[str]
) -> None:
    assert [words for _, _, words in quotations(text)] == quoted
