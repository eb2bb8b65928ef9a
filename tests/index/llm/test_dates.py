"""When it happened: a date a summary sentence gives an event must be a cited date of that event."""

from __future__ import annotations

from index.llm import dates
from index.llm.judge import Judge
from tests.index.llm.test_evidence import judge_one

POSTING = "Last spring the council sent Ann Smith to Lima as its envoy."
RECOGNITION = "On 8 May, the council recognized Ben Brown's new cabinet."


def misdated(judge: Judge, sentence: str, *cited: str) -> str | None:
    return dates.misdated(sentence, list(cited), judge.name_spans)


def test_a_date_moved_to_another_event_is_caught(judge):
    # The name, the verb and the date are each cited; that she was sent on 8 May is in none.
    assert misdated(judge, "Ann Smith was sent to Lima on May 8.", POSTING, RECOGNITION) == (
        "'send' on May 8: no cited text holding that date tells it"
    )
    assert misdated(judge, "They sent Ann Smith to Lima on 8 May.", POSTING, RECOGNITION)


def test_a_date_cited_with_its_event_passes(judge):
    assert misdated(judge, "The council recognized the cabinet on May 8.", RECOGNITION) is None
    assert misdated(judge, "She met Ben Brown on May 6.", "She met Ben Brown on 6 May.") is None


def test_a_parenthetical_is_a_statement_of_its_own(judge):
    cited = "She tweeted against it the next day (on May 8, the council recognized Ben Brown)."
    assert misdated(judge, "She tweeted against it on May 8.", cited) == (
        "'tweet' on May 8: no cited text holding that date tells it"
    )
    assert misdated(judge, "The council recognized Ben Brown on May 8.", cited) is None


def test_a_clause_a_cited_passage_ends_is_a_statement_of_its_own(judge):
    # A claim quoted as a clause, then its sentence: "… cabinet. and she tweeted …".
    cited = "on May 8, the council recognized the cabinet. and she tweeted against it"
    assert misdated(judge, "She tweeted against it on May 8.", cited)
    assert dates.statements(cited) == [
        "on May 8, the council recognized the cabinet",
        "and she tweeted against it",
    ]


def test_it_abstains_where_it_cannot_read_the_event(judge):
    # A participle describing a noun, a date before its verb, a date nothing cited holds.
    assert misdated(judge, "The poll taken on May 8 put her at 27 percent.", RECOGNITION) is None
    assert misdated(judge, "On May 8, Ann Smith was sent to Lima.", POSTING, RECOGNITION) is None
    assert misdated(judge, "Ann Smith was sent to Lima on June 3.", POSTING, RECOGNITION) is None
    assert misdated(judge, "Ann Smith was sent to Lima in 2021.", POSTING, RECOGNITION) is None
    # A common noun before "sent" may be a participle's ("the envoy sent to Lima"): unread.
    assert (
        misdated(judge, "The council sent Ann Smith to Lima on 8 May.", POSTING, RECOGNITION)
        is None
    )


def test_the_judge_drops_a_posting_given_the_recognition_date(judge, corpus):
    text = "Lisa Kenna was sent as ambassador to Lima by the U.S. government on December 8."
    dropped = judge_one(
        judge, corpus, text, ("kenna-sent-before-election", "us-recognized-new-government")
    )
    assert (dropped.dropped, dropped.detail) == (
        "roles",
        "'send' on December 8: no cited text holding that date tells it",
    )


NOMINATION = (
    "The council sent Ann Smith's nomination as envoy to the Senate in May 2020, a year early, "
    "and the Senate confirmed her on 18 November 2020."
)


def test_a_month_and_year_is_a_date_of_its_own_event(judge):
    # Two events of one cited sentence, each with its date: the confirmation was not in May.
    assert misdated(judge, "Ann Smith was confirmed as envoy in May 2020.", NOMINATION) == (
        "'confirm' on May 2020: no cited text holding that date tells it"
    )
    assert misdated(judge, "The council sent her nomination in May 2020.", NOMINATION) is None
    assert misdated(judge, "The Senate confirmed Ann Smith on November 18.", NOMINATION) is None


def test_a_year_alone_is_no_date(judge):
    assert misdated(judge, "Ann Smith was confirmed as envoy in 2020.", NOMINATION) is None


def test_a_participle_coordinated_with_a_predicated_one_is_predicated(judge):
    sentence = "Ann Smith was nominated and confirmed as envoy in May 2020."
    assert misdated(judge, sentence, NOMINATION) == (
        "'confirm' on May 2020: no cited text holding that date tells it"
    )


def test_an_event_noun_given_another_events_date_is_caught(judge):
    sentence = "Ann Smith's nomination and confirmation in May 2020 came a year early."
    assert dates.misdated_event(sentence, [NOMINATION], judge.name_spans) == (
        "'confirmation' on May 2020: cited with another date"
    )
    alone = "Ann Smith's nomination in May 2020 came a year early."
    assert dates.misdated_event(alone, [NOMINATION], judge.name_spans) is None
    # an event the cited text does not date elsewhere is the word guards' to judge
    other = "Ann Smith's appointment in May 2020 came a year early."
    assert dates.misdated_event(other, [NOMINATION], judge.name_spans) is None
