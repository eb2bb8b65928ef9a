"""The words questions and passages are compared by: folded, stop words out, stemmed."""

from __future__ import annotations

from index.search.text import query_terms, tokenize


def test_what_an_apostrophe_leaves_is_not_a_word() -> None:
    assert tokenize("Who's Vladimiro Montesinos?") == tokenize("Who is Vladimiro Montesinos?")
    assert tokenize("don't") == ["don"]


def test_numbers_stay_even_one_digit_long() -> None:
    assert tokenize("December 7") == ["decemb", "7"]


def test_verbs_that_only_ask_are_stop_words() -> None:
    assert tokenize("Tell me about Kenna") == tokenize("Kenna") == ["kenna"]
    assert tokenize("Cuéntame de Kenna") == ["kenna"]


def test_the_lexical_search_leaves_out_the_words_that_only_say_someone_claims() -> None:
    asked = tokenize("Do the writers actually prove the greenlight claim?")
    assert query_terms(asked) == tokenize("greenlight")
    assert query_terms(tokenize("What does the article say about Kenna?")) == ["kenna"]


def test_a_question_made_only_of_claiming_words_keeps_them() -> None:
    asked = tokenize("What do the authors claim?")
    assert asked and query_terms(asked) == asked
