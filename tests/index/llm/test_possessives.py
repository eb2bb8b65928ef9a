"""Whose it is: a summary sentence may not give a possessive to another name, nor make a name
what a verb acts on where what it cites has the verb act on something of that name's."""

from __future__ import annotations

from index.llm import possessives
from index.llm.judge import Judge
from tests.index.llm.test_evidence import judge_one

RECOGNITION = (
    "The council, through Ann Smith, recognized the new cabinet after Ben Brown's removal."
)
NOMINATION = "The council sent Ann Smith's nomination as envoy to the Senate in May."


def swapped(judge: Judge, sentence: str, *cited: str) -> str | None:
    return possessives.swapped_possessor(sentence, list(cited), judge.name_spans)


def possessed(judge: Judge, sentence: str, *cited: str) -> str | None:
    return possessives.possessed_object(sentence, list(cited), judge.name_spans)


def test_a_possessive_moved_to_another_name_is_caught(judge):
    sentence = "The council recognized the new cabinet after Ann Smith's removal."
    assert swapped(judge, sentence, RECOGNITION) == "smith's remov: brown's in what it cites"


def test_a_possessive_as_cited_passes(judge):
    assert swapped(judge, "The cabinet came after Ben Brown's removal.", RECOGNITION) is None
    # "the removal of Ben Brown" is his too; a possessive nothing cited has is the word guards'.
    cited = "The council met after the removal of Ben Brown."
    assert swapped(judge, "The council met after Ben Brown's removal.", cited) is None
    assert swapped(judge, "Ann Smith's speech came later.", RECOGNITION) is None


def test_what_was_sent_of_a_name_is_not_the_name(judge):
    sentence = "Ann Smith was sent as envoy by the council in May."
    assert possessed(judge, sentence, NOMINATION) == (
        "smith: 'send' acts on smith's nomination in what it cites"
    )
    assert possessed(judge, "The council sent Ann Smith as envoy.", NOMINATION)


def test_what_was_sent_of_a_name_as_cited_passes(judge):
    assert possessed(judge, "The council sent Ann Smith's nomination in May.", NOMINATION) is None
    both = NOMINATION + " In June the council sent Ann Smith to Lima."
    assert possessed(judge, "The council sent Ann Smith to Lima.", both) is None


def test_the_judge_drops_the_moved_possessive(judge, corpus):
    text = "The U. S. government recognized Peru's new government after Lisa Kenna's removal."
    checked = judge_one(judge, corpus, text, ("us-recognized-new-government",))
    assert (checked.dropped, checked.detail) == (
        "roles",
        "kenna's remov: castillo's in what it cites",
    )
