"""Things joined as one subject (or object): what a sentence says of them, each must have."""

from __future__ import annotations

import pytest

from index.llm import coordination
from index.llm.judge import Judge
from tests.index.llm.test_evidence import judge_one

# h465 of the live run: the card dates the nomination only, "almost a year before the election".
MERGED = "Lisa Kenna's nomination and confirmation were almost a year before the 2021 election."
NOMINATION = ("kenna-nomination", "bobbio-appointment")


def merge(judge: Judge, sentence: str, cited: str) -> str | None:
    return coordination.merged(sentence, [cited], judge.name_spans, judge.content_stems)


def test_a_predicate_the_card_gives_one_conjunct_only_is_dropped(judge, corpus):
    checked = judge_one(judge, corpus, MERGED, NOMINATION)
    assert checked.dropped == "merged"
    assert checked.detail == (
        "confirmation: what it cites says '2021, almost, elect, year' of Lisa Kenna's "
        "nomination, not of confirmation"
    )
    both = judge_one(judge, corpus, MERGED.replace("Lisa", "Both Lisa"), NOMINATION)
    assert both.dropped == "merged"


def test_the_predicate_said_of_the_one_it_belongs_to_ships(judge, corpus):
    single = "Lisa Kenna's nomination was almost a year before the 2021 election."
    assert judge_one(judge, corpus, single, NOMINATION).dropped is None
    other = "President Donald Trump sent Lisa Kenna's nomination to the U.S. Senate in May 2020."
    assert coordination.coordinated(other, judge.name_spans) is None
    assert judge_one(judge, corpus, other, NOMINATION).dropped is None


@pytest.mark.parametrize(
    ("sentence", "cites"),
    [
        # "Castillo and his family rushed … but were arrested by the military": one clause.
        ("Castillo and his family were arrested by the military.", ("arrested-by-military",)),
        (
            "Castillo and his family rushed toward the Mexican Embassy.",
            ("rushed-to-mexican-embassy",),
        ),
        (
            "Fernando Rospigliosi and Rubén Vargas asked embassy officers to back a communications "
            "effort against Ollanta Humala.",
            ("rospigliosi-2005-cable",),
        ),
    ],
    ids=["arrested", "rushed", "asked"],
)
def test_a_coordination_the_cited_clause_has_whole_ships(judge, corpus, sentence, cites):
    assert coordination.coordinated(sentence, judge.name_spans) is not None
    checked = judge_one(judge, corpus, sentence, cites)
    assert checked.dropped is None, checked.detail


def test_each_conjunct_with_the_predicate_in_its_own_clause_is_no_merge(judge):
    sentence = "Kenna and Bobbio met the generals on 6 December."
    apart = "Kenna met the generals on 6 December; Bobbio met the generals on 6 December too."
    assert merge(judge, sentence, apart) is None
    one_only = "Kenna met the generals on 6 December, and Bobbio resigned two days later."
    assert merge(judge, sentence, one_only) == (
        "Bobbio: what it cites says '6, decemb, general, met' of Kenna, not of Bobbio"
    )


def test_a_list_in_the_cited_text_is_one_clause(judge):
    cited = "Castillo, his wife, and his children were arrested by the military."
    assert coordination.clauses(cited, judge.name_spans) == [cited]
    assert merge(judge, "Castillo and his children were arrested by the military.", cited) is None


def test_a_clause_split_needs_a_verb_on_both_sides(judge):
    cited = "Trump sent the nomination in May 2020, and the Senate confirmed it in November."
    assert coordination.clauses(cited, judge.name_spans) == [
        "Trump sent the nomination in May 2020",
        "the Senate confirmed it in November.",
    ]
    heading = "Kenna's nomination and confirmation: Trump sent the nomination in May 2020."
    assert (
        coordination.clauses(heading, judge.name_spans)[0] == "Kenna's nomination and confirmation"
    )


def test_a_clause_with_a_pronoun_counts_for_each_conjunct(judge):
    cited = "Bobbio was sworn in on 5 December, and he and Kenna met on 6 December."
    assert merge(judge, "Kenna and Bobbio met on 6 December.", cited) is None


def test_a_list_of_three_names_the_one_left_out(judge):
    cited = "Kenna and Bobbio met the generals, while Castillo stayed at the palace."
    assert merge(judge, "Kenna, Bobbio and Castillo met the generals.", cited) == (
        "Castillo: what it cites says 'general, met' of Kenna, Bobbio, not of Castillo"
    )


def test_a_coordinated_object_is_checked_too(judge):
    sentence = "Kenna met Bobbio and Castillo on December 6."
    assert coordination.coordinated(sentence, judge.name_spans) == (
        ["Bobbio", "Castillo"],
        "Kenna met on December 6.",
    )
    assert merge(judge, sentence, "Kenna met Bobbio and Castillo on December 6.") is None
    split = "Kenna met Bobbio on December 6, and Castillo resigned the next day."
    assert merge(judge, sentence, split) == (
        "Castillo: what it cites says '6, decemb, kenna, met' of Bobbio, not of Castillo"
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Kenna met Bobbio in Lima on December 6.",  # one subject, one object
        "In May and June, Kenna met Bobbio.",  # an opening phrase, no subject
        "He and his family were arrested by the military.",  # a pronoun: nothing to look for
        "Kenna met Bobbio, and Castillo resigned.",  # two clauses, no coordinated phrase
        "Castillo announced he would dissolve Congress and set up an emergency government.",
        "Kenna or Bobbio met the generals.",
    ],
)
def test_no_coordinated_phrase_no_check(judge, sentence):
    assert coordination.coordinated(sentence, judge.name_spans) is None
    assert merge(judge, sentence, "Kenna met Bobbio; Castillo resigned, and he fled.") is None


def test_a_conjunct_nothing_cited_has_is_left_to_the_other_checks(judge):
    cited = "Kenna met the generals on 6 December, and Bobbio resigned two days later."
    assert merge(judge, "Kenna and Torres met the generals on 6 December.", cited) is None
