"""The corpus's names: those only the background cards use, found in a question."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from index.answer.compose import Signals
from index.answer.engine import Engine
from index.answer.names import background_names, capitalized_runs, names_only_the_background_uses
from index.answer.status import decide
from index.answer.vocabulary import rare_names
from index.search.calibration import Thresholds
from tests.support.core import build

BACKGROUND = frozenset({("dina", "boluarte"), ("president", "dina", "boluarte"), ("ned", "price")})


@pytest.mark.parametrize(
    ("text", "openers", "runs"),
    [
        ("Did Dina Boluarte meet Lisa Kenna?", False, [("dina", "boluarte"), ("lisa", "kenna")]),
        (
            "Did Dina Boluarte meet Lisa Kenna?",
            True,
            [("did", "dina", "boluarte"), ("lisa", "kenna")],
        ),
        ("Dina Boluarte, a lawyer, met Ned Price.", True, [("dina", "boluarte"), ("ned", "price")]),
        ("who is dina boluarte", False, []),  # lower case: nothing to go on
    ],
)
def test_capitalized_runs_are_names_word_by_word(
    text: str, openers: bool, runs: list[tuple[str, ...]]
) -> None:
    assert [r for r in capitalized_runs(text, openers=openers) if len(r) >= 2] == runs


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is Dina Boluarte?", {"dina boluarte"}),
        ("When did President Dina Boluarte take office?", {"president dina boluarte"}),
        ("What did Ned Price and Dina Boluarte say?", {"ned price", "dina boluarte"}),
        ("Is Boluarte still president?", set()),  # one word: too little to go on
        ("What did Hugo Price say?", set()),  # no card's name
        ("Boluarte Dina?", set()),  # the opening word is no part of a name
        ("who is dina boluarte", {"dina boluarte"}),  # lower case: a whole name of the cards
        ("what did ned price and dina boluarte say", {"ned price", "dina boluarte"}),
        ("is dina happy", set()),
    ],
)
def test_a_question_names_someone_only_the_background_uses(
    question: str, expected: set[str]
) -> None:
    assert names_only_the_background_uses(question, BACKGROUND) == expected


LIMITS = Thresholds(
    article_min_score=0.80,
    background_min_score=0.85,
    no_article_margin=0.05,
    lexical_min_score=100.0,
)
# The article matches better than the cards: answered, unless the question names someone only
# the cards name.
ARTICLE_AHEAD = Signals(article_dense=0.86, article_bm25=0.0, fact_dense=0.80, fact_bm25=0.0)


def test_naming_someone_only_the_background_names_is_the_backgrounds_question() -> None:
    def status(elsewhere: bool, named: bool = False) -> str:
        return decide(ARTICLE_AHEAD, covered=False, named=named, limits=LIMITS, elsewhere=elsewhere)

    assert status(elsewhere=False) == "answered"
    assert status(elsewhere=True) == "no_article_match"  # though no card scores enough
    assert status(elsewhere=True, named=True) == "answered"  # a rare name of the article too
    covered = decide(ARTICLE_AHEAD, covered=True, named=False, limits=LIMITS, elsewhere=True)
    assert covered == "answered"  # every word of it in one article sentence
    weak = replace(ARTICLE_AHEAD, article_dense=0.5, fact_dense=0.5)
    assert decide(weak, covered=False, named=False, limits=LIMITS, elsewhere=True) == (
        "no_article_match"
    )


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build(Path(tmp_path_factory.mktemp("names"))).engine


def test_the_background_names_are_the_cards_names_the_article_never_uses(engine: Engine) -> None:
    corpus = engine.snapshot().corpus
    names = background_names(corpus)
    assert ("dina", "boluarte") in names and ("lilia", "paredes") in names
    assert not any(name[-1] in {"kenna", "castillo", "bobbio"} for name in names)
    # A card sentence's capitalized opener is no part of a name ("In June", "The Commission").
    assert not any(name[0] in {"in", "the", "a", "an"} for name in names)


def test_the_titles_title_case_makes_no_rare_name(engine: Engine) -> None:
    corpus = engine.snapshot().corpus
    assert "Coup" in corpus.article.title
    names = rare_names(corpus)
    assert "coup" not in names and "egged" not in names
    assert {"rejas", "mendieta"} <= names


def test_a_question_about_someone_only_a_card_names_is_answered_from_that_card(
    engine: Engine,
) -> None:
    answer = engine.answer("Who is Lilia Paredes?")
    assert answer.status == "no_article_match"
    assert any("Lilia Paredes" in item.text for item in answer.background)
