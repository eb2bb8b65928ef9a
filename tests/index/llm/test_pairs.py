"""Who did what with whom: a verb between two names needs a cited text telling it of both."""

from __future__ import annotations

from index.llm import pairs
from index.llm.judge import Judge
from tests.index.llm.test_evidence import judge_one

MEETING = "Last spring the council sent Ann Smith to Lima. She met Ben Brown on 6 May."
MESSAGES = "Carl Green, a former officer, sent messages to Dan White."


def unattested(judge: Judge, sentence: str, *cited: str) -> str | None:
    return pairs.unattested_pair(sentence, list(cited), judge.name_spans)


def test_a_pair_no_cited_text_tells_is_unattested(judge):
    # Each name and the verb are cited; that Carl met Ben is in none of them.
    assert unattested(judge, "Carl Green met Ben Brown on 6 May.", MEETING, MESSAGES) == (
        "green and brown: no cited text tells 'meet' of both"
    )


def test_a_pair_one_cited_text_tells_passes(judge):
    # "She" a sentence after "Ann Smith": the text names both.
    assert unattested(judge, "Ann Smith met Ben Brown on 6 May.", MEETING, MESSAGES) is None
    assert unattested(judge, "Carl Green sent messages to Dan White.", MESSAGES) is None
    assert unattested(judge, "Ann Smith met Ben Brown's aide.", MEETING) is None  # any name


def test_no_direct_object_no_pair(judge):
    assert unattested(judge, "Carl Green met with Ben Brown.", MEETING, MESSAGES) is None
    assert unattested(judge, "Ann Smith was met by Carl Green.", MEETING, MESSAGES) is None


def test_the_judge_drops_a_meeting_moved_to_another_name(judge, corpus):
    text = "Pedro Rejas met Gustavo Bobbio on December 6."
    cites = ("kenna-sent-before-election", "kenna-bobbio-meeting", "montesinos-rejas-embassy")
    dropped = judge_one(judge, corpus, text, cites)
    assert (dropped.dropped, dropped.detail) == (
        "roles",
        "reja and bobbio: no cited text tells 'meet' of both",
    )
