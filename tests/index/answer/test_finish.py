"""From a draft to the answer: rendered with its lead from data, verified, carried into `Answer`."""

from __future__ import annotations

from index.answer.finish import build_answer, render_draft, verify_draft
from index.answer.pipeline import Draft
from index.answer.render import Rendering
from index.corpus.load import Corpus
from index.texts import load_texts
from tests.support.core import claim_quote

TEXTS = load_texts()


def test_an_answered_draft_without_a_lead_opens_with_the_one_built_from_its_quote(
    corpus: Corpus,
) -> None:
    meeting = claim_quote(corpus, "kenna-bobbio-meeting")
    rendered = render_draft(Draft("answered", [meeting], []), TEXTS, corpus)
    assert rendered.lead is not None
    assert rendered.text.startswith(rendered.lead.text)
    assert meeting.text in rendered.text


def test_a_draft_with_its_own_lead_keeps_it(corpus: Corpus) -> None:
    rendered = render_draft(Draft("out_of_scope", [], [], lead="Not about this."), TEXTS, corpus)
    assert rendered.text.startswith("Not about this.")


def test_without_a_corpus_only_an_empty_draft_passes(corpus: Corpus) -> None:
    meeting = claim_quote(corpus, "kenna-bobbio-meeting")
    empty = Draft("rejected_input", [], [], lead="Empty question.")
    quoting = Draft("answered", [meeting], [])
    assert verify_draft(None, empty, Rendering("Empty question."), TEXTS) == []
    assert verify_draft(None, quoting, Rendering(meeting.text), TEXTS) == [
        "no corpus to verify against"
    ]


def test_the_answer_carries_the_draft_the_renderings_and_the_verdict(corpus: Corpus) -> None:
    meeting = claim_quote(corpus, "kenna-bobbio-meeting")
    draft = Draft("answered", [meeting], [], summary=None, notice="degraded")
    rendered = Rendering("short", detail="long")
    answer = build_answer(
        "a1", "q?", draft, rendered, ["a failure"], {"total": 1.0}, mode="extractive", language="es"
    )
    assert (answer.id, answer.question, answer.status, answer.mode) == (
        "a1",
        "q?",
        "answered",
        "extractive",
    )
    assert answer.quotes == [meeting] and answer.notice == "degraded"
    assert (answer.rendered, answer.rendered_detail, answer.language) == ("short", "long", "es")
    assert not answer.verification.passed and answer.verification.failures == ["a failure"]
