"""An attributed sentence may not restate a contested claim it does not cite."""

from __future__ import annotations

from tests.index.llm.test_evidence import judge_one

TITLE_BY = (
    "The authors allege that the U.S. egged on the coup in Peru, as his lawyers went over "
    "spreadsheets that showed Castillo would triumph over a motion in Congress to remove him."
)


def test_an_attributed_sentence_restating_an_uncited_allegation_is_dropped(judge, corpus):
    dropped = judge_one(judge, corpus, TITLE_BY, ("lawyers-spreadsheets",))
    assert (dropped.dropped, dropped.detail) == (
        "contested",
        "restates title-us-egged-on-coup, which it does not cite",
    )


def test_citing_the_allegation_it_restates_passes_that_check(judge, corpus):
    kept = judge_one(
        judge,
        corpus,
        "The authors allege that the U.S. egged on the coup in Peru.",
        ("title-us-egged-on-coup",),
    )
    assert kept.dropped is None
