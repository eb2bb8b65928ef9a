"""Who spoke to whom when no one is named: a thing the cited text puts after a verb may not be
its subject in the summary."""

from __future__ import annotations

from index.llm import subjects
from index.llm.judge import Judge
from tests.index.llm.test_evidence import judge_one

CITED = "In a surprise move, she announced to the press on 7 May that she would resign."


def reversed_subject(judge: Judge, sentence: str, *cited: str) -> str | None:
    return subjects.reversed_subject(sentence, list(cited), judge.name_spans)


def test_the_listener_made_the_speaker_is_a_reversal(judge):
    made = "The press announced that she would resign."
    assert reversed_subject(judge, made, CITED) == (
        "press: subject of 'announc' here, its object in what it cites"
    )


def test_the_cited_roles_kept_are_no_reversal(judge):
    assert reversed_subject(judge, "She announced to the press that she would resign.", CITED) is (
        None
    )
    # A subject the cited texts never place around that verb: no evidence either way.
    assert reversed_subject(judge, "The minister announced that she would resign.", CITED) is None


def test_a_noun_on_both_sides_of_the_verb_is_no_evidence(judge):
    both = CITED + " The press announced it at once."
    assert reversed_subject(judge, "The press announced that she would resign.", both) is None


def test_the_agent_of_a_cited_passive_is_its_subject(judge):
    cited = "She and her family were arrested by the military before they could get there."
    assert reversed_subject(judge, "The military arrested her.", cited) is None
    # "The press was told": the press is the object of a passive "tell".
    told = "The press was told on 7 May that she would resign."
    assert reversed_subject(judge, "The press told her that she would resign.", told) == (
        "press: subject of 'tell' here, its object in what it cites"
    )


def test_a_passive_verb_has_no_such_subject(judge):
    passive = "The press was announced to."  # no active verb after the noun: nothing read
    assert reversed_subject(judge, passive, CITED) is None


def test_the_judge_drops_the_press_announcing(judge, corpus):
    text = "The press announced that Castillo was going to temporarily dissolve the Congress."
    dropped = judge_one(judge, corpus, text, ("dissolve-congress-announcement",))
    assert (dropped.dropped, dropped.detail) == (
        "roles",
        "press: subject of 'announc' here, its object in what it cites",
    )
