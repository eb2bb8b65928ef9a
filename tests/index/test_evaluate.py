"""`evaluate`: figures from hand-built answers, including an allegation shown as established."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer.compose import fact_item, make_quote
from index.answer.contract import Answer, BackgroundItem, Quote, Verification
from index.corpus.load import Corpus, load_corpus
from index.evaluate import Case, evaluate, load_cases
from tests.support.core import CORPUS_DIR, KENNA_MEETING

TWEET = "sent a denunciatory tweet against Castillo's move to dissolve Congress the next day"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS_DIR)


def quote_of(corpus: Corpus, text: str) -> Quote:
    start = corpus.article.text.index(text)
    quote = make_quote(corpus, start, start + len(text))
    assert quote is not None
    return quote


def answer(
    status: str,
    quotes: list[Quote] = (),
    background: list[BackgroundItem] = (),
    total_ms: float = 10.0,
) -> Answer:
    return Answer(
        id="x",
        question="q",
        status=status,
        mode="extractive",
        quotes=list(quotes),
        background=list(background),
        rendered="r",
        verification=Verification(passed=True),
        timings_ms={"total": total_ms},
    )


def gold(text: str, *labels: str) -> dict:
    return {"text": text, "labels": list(labels)}


@pytest.fixture(scope="module")
def mixed(corpus: Corpus):
    """Three cases: a half-right answer, a wrong status, an allegation shown as established."""
    meeting = quote_of(corpus, KENNA_MEETING)
    sealed = quote_of(corpus, "This measure sealed his fate.")
    forged = sealed.model_copy(update={"text": "This measure sealed nothing."})
    cases = [
        Case(
            "a",
            "Did Kenna meet Bobbio and tweet?",
            "answered",
            gold=[gold(KENNA_MEETING, "allegation"), gold(TWEET, "established")],
        ),
        Case("b", "What is the capital of Australia?", "out_of_scope"),
        Case(
            "c",
            "Did Kenna meet Bobbio?",
            "answered",
            gold=[gold(KENNA_MEETING, "allegation")],
            never_established=[KENNA_MEETING],
        ),
    ]
    answers = [
        answer("answered", [meeting, forged]),
        answer("answered"),
        answer("answered", [meeting.model_copy(update={"label": "established"})]),
    ]
    return evaluate(cases, answers, corpus)


def test_verbatim_share_counts_quotes_that_are_article_slices(mixed) -> None:
    assert mixed.figures["verbatim_share"] == pytest.approx(2 / 3)


def test_gold_recall_counts_gold_passages_overlapped_by_a_quote(mixed) -> None:
    assert mixed.figures["gold_recall"] == pytest.approx(2 / 3)
    assert "a: missed gold " + repr(TWEET[:50]) in mixed.failures


def test_label_accuracy_counts_gold_quotes_with_an_allowed_label(mixed) -> None:
    assert mixed.figures["label_accuracy"] == pytest.approx(1 / 2)
    assert "c: label established not in ['allegation']" in mixed.failures


def test_an_allegation_shown_as_established_is_counted(mixed) -> None:
    assert mixed.figures["allegations_as_established"] == 1
    assert f"c: allegation shown as established: {KENNA_MEETING[:50]!r}" in mixed.failures


def test_status_accuracy_counts_matching_statuses(mixed) -> None:
    assert mixed.figures["status_accuracy"] == pytest.approx(2 / 3)
    assert "b: status answered, expected out_of_scope" in mixed.failures


def test_a_perfect_answer_scores_full_marks(corpus: Corpus) -> None:
    case = Case(
        "p",
        "Did Kenna meet Bobbio?",
        "answered",
        gold=[gold(KENNA_MEETING, "allegation")],
        never_established=[KENNA_MEETING],
    )
    report = evaluate([case], [answer("answered", [quote_of(corpus, KENNA_MEETING)])], corpus)
    assert {
        k: report.figures[k]
        for k in (
            "verbatim_share",
            "gold_recall",
            "label_accuracy",
            "allegations_as_established",
            "status_accuracy",
            "mrr",
        )
    } == {
        "verbatim_share": 1.0,
        "gold_recall": 1.0,
        "label_accuracy": 1.0,
        "allegations_as_established": 0,
        "status_accuracy": 1.0,
        "mrr": 1.0,
    }
    assert report.failures == []


def test_an_established_quote_elsewhere_does_not_count_as_an_allegation(corpus: Corpus) -> None:
    case = Case("t", "Did Kenna tweet?", "answered", never_established=[KENNA_MEETING])
    report = evaluate([case], [answer("answered", [quote_of(corpus, TWEET)])], corpus)
    assert report.figures["allegations_as_established"] == 0


def test_mrr_is_the_reciprocal_rank_of_the_first_gold_quote(corpus: Corpus) -> None:
    case = Case("r", "Did Kenna tweet?", "answered", gold=[gold(TWEET, "established")])
    quotes = [quote_of(corpus, KENNA_MEETING), quote_of(corpus, TWEET)]
    report = evaluate([case], [answer("answered", quotes)], corpus)
    assert report.figures["mrr"] == pytest.approx(0.5)


def test_background_hits_look_at_text_and_publishers(corpus: Corpus) -> None:
    item = fact_item(corpus, "kenna-bobbio-meeting-report")
    cases = [
        Case("h", "q", "answered", background_any=["Nuestra Bandera"]),
        Case("m", "q", "answered", background_any=["escort"]),
    ]
    report = evaluate(cases, [answer("answered", background=[item])] * 2, corpus)
    assert report.figures["background_hits"] == pytest.approx(0.5)
    assert "m: background lacks any of ['escort']" in report.failures


def test_gold_text_missing_from_the_article_is_a_failure_not_a_miss(corpus: Corpus) -> None:
    case = Case("g", "q", "answered", gold=[gold("Words the article never used", "opinion")])
    report = evaluate([case], [answer("answered")], corpus)
    assert report.figures["gold_recall"] is None  # nothing was measured: no score, not 1.0
    assert report.failures == ["g: gold text not in article: 'Words the article never used'"]


def test_quoted_characters_and_latency(corpus: Corpus) -> None:
    meeting = quote_of(corpus, KENNA_MEETING)
    cases = [Case(str(n), "q", "answered") for n in range(3)]
    answers = [answer("answered", [meeting], total_ms=ms) for ms in (10.0, 30.0, 20.0)]
    report = evaluate(cases, answers, corpus)
    assert report.figures["chars_quoted_max"] == len(KENNA_MEETING)
    assert report.figures["latency_p50_ms"] == 20.0
    assert report.figures["latency_p95_ms"] == 30.0


def test_no_cases_gives_no_scores(corpus: Corpus) -> None:
    report = evaluate([], [], corpus)
    assert report.figures["cases"] == 0
    assert report.figures["status_accuracy"] is None
    assert report.figures["gold_recall"] is None and report.figures["verbatim_share"] is None
    assert report.failures == []


def test_load_cases_reads_a_question_set(tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(
        "- id: x1\n  question: Did Kenna meet Bobbio?\n  status: answered\n"
        f"  gold:\n    - text: {KENNA_MEETING!r}\n      labels: [allegation]\n"
        f"  never_established: [{KENNA_MEETING!r}]\n"
        '- {id: x2, question: "What is the capital of Australia?", status: out_of_scope}\n',
        encoding="utf-8",
    )
    first, second = load_cases([path])
    assert first.gold == [gold(KENNA_MEETING, "allegation")]
    assert first.never_established == [KENNA_MEETING]
    assert (second.id, second.status, second.gold) == ("x2", "out_of_scope", [])
