"""From a draft to the answer sent: its renderings, the verifier's verdict, the `Answer`."""

from __future__ import annotations

from index.answer.contract import Answer, Carried, Verification
from index.answer.lead import Lead, compose_lead
from index.answer.pipeline import Draft, IndexState
from index.answer.render import Rendering, render_answer
from index.answer.verify import verify
from index.corpus.load import Corpus
from index.texts import Texts


def render_draft(draft: Draft, texts: Texts, corpus: Corpus | None) -> Rendering:
    """The default and full renderings; an answered draft without a lead of its own opens
    with the lead built from data (the top claim's note or the top card)."""
    lead: str | Lead | None = draft.lead
    if lead is None and draft.status == "answered" and corpus is not None:
        lead = compose_lead(draft.quotes, draft.background, corpus, texts)
    return render_answer(
        draft.quotes,
        draft.background,
        texts,
        corpus=corpus,
        lead=lead,
        summary=draft.summary,
        notice=draft.notice,
    )


def verify_draft(
    state: IndexState | None, draft: Draft, rendered: Rendering, texts: Texts
) -> list[str]:
    """The verifier's failures, checked against the texts it was rendered with (its
    language's tags and headings); a draft with nothing to check needs no corpus."""
    if state is None:
        return [] if not (draft.quotes or draft.background) else ["no corpus to verify against"]
    return verify(
        draft.quotes, draft.background, rendered, state.corpus, texts, summary=draft.summary
    )


def build_answer(
    answer_id: str,
    question: str,
    draft: Draft,
    rendered: Rendering,
    failures: list[str],
    timings: dict[str, float],
    *,
    mode: str,
    language: str = "en",
    carried: Carried | None = None,
) -> Answer:
    return Answer(
        id=answer_id,
        question=question,
        status=draft.status,
        mode=mode,
        quotes=draft.quotes,
        background=draft.background,
        summary=draft.summary,
        notice=draft.notice,
        rendered=rendered.text,
        rendered_detail=rendered.detail,
        verification=Verification(passed=not failures, failures=failures),
        timings_ms=dict(timings),
        language=language,
        carried=carried,
    )
