"""The words questions and passages are compared by: folded, stop words out, stemmed."""

from __future__ import annotations

from index.search.text import tokenize


def test_what_an_apostrophe_leaves_is_not_a_word() -> None:
    assert tokenize("Who's Vladimiro Montesinos?") == tokenize("Who is Vladimiro Montesinos?")
    assert tokenize("don't") == ["don"]


def test_numbers_stay_even_one_digit_long() -> None:
    assert tokenize("December 7") == ["decemb", "7"]


def test_verbs_that_only_ask_are_stop_words() -> None:
    assert tokenize("Tell me about Kenna") == tokenize("Kenna") == ["kenna"]
    assert tokenize("Cuéntame de Kenna") == ["kenna"]
