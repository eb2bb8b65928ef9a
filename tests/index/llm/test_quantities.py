"""Whose figure it is: a summary sentence may not give a number of what it cites to another."""

from __future__ import annotations

from index.llm import quantities
from index.llm.judge import Judge
from tests.index.llm.test_evidence import judge_one

POLL = (
    "A poll from around 10 May 2022 put Ann Smith's approval rating at 27 percent, with about "
    "two thirds of voters disapproving."
)
RATINGS = "Her rating had risen to 31 percent, while that of the Senate was just about 10 percent."
VOTE = "On 1 May the Senate voted 73 to 32, with 6 abstentions, to admit the motion."


def misbound(judge: Judge, sentence: str, *cited: str) -> str | None:
    return quantities.misbound(sentence, list(cited), judge.name_spans, judge.support.bylines)


def test_a_figure_given_to_someone_else_is_misbound(judge):
    assert misbound(judge, "The council's approval rating was 27 percent.", POLL) == (
        "27: smith's in what it cites"
    )


def test_a_name_the_figure_is_not_with_is_misbound(judge):
    moved = "In the poll, the approval of Ben Brown was about two thirds."
    assert misbound(judge, moved, POLL) == "2/3: with brown here, not in what it cites"


def test_swapped_figures_are_misbound(judge):
    swapped = "The rating of the Senate was 31 percent, while Ann Smith's was 10 percent."
    assert misbound(judge, swapped, RATINGS, POLL) == "10: with smith here, not in what it cites"


def test_figures_as_cited_pass(judge):
    assert misbound(judge, "The poll put Ann Smith's approval at 27 percent.", POLL) is None
    assert misbound(judge, "Ann Smith said her approval rating was 27 percent.", POLL) is None
    kept = "Her rating was 31 percent, while that of the Senate was about 10 percent."
    assert misbound(judge, kept, RATINGS) is None
    assert misbound(judge, "About two thirds of voters disapproved of Ann Smith.", POLL) is None


def test_a_subject_owns_no_figure(judge):
    # The Senate voted 73 to 32: the votes are no "Senate's 73".
    assert misbound(judge, "The motion was admitted 73 to 32.", VOTE) is None


def test_dates_are_no_figures(judge):
    keys = [m.key for m in quantities.mentions(VOTE, judge.name_spans)]
    assert keys == ["73", "32", "6"]
    dated = "On December 7, 2022, he left."
    assert [m.key for m in quantities.mentions(dated, judge.name_spans)] == []


def test_a_figure_the_cited_texts_lack_is_left_to_the_number_check(judge):
    assert misbound(judge, "The council's approval rating was 45 percent.", POLL) is None


def test_a_comma_after_a_number_ends_its_clause(judge):
    cited = "Ann Smith served in Lima until 2023, about three weeks after the vote."
    (three,) = [m for m in quantities.mentions(cited, judge.name_spans) if m.key == "3"]
    assert three.names == frozenset()


def test_the_judge_drops_a_card_figure_given_to_another(judge, corpus):
    text = "The legislature's approval rating was 27 percent, with about two thirds disapproving."
    dropped = judge_one(judge, corpus, text, ("poll-ipsos-nov-2022",))
    assert (dropped.dropped, dropped.detail) == ("roles", "27: castillo's in what it cites")
