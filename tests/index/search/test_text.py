"""The words questions and passages are compared by: folded, stop words out, stemmed."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from snowballstemmer.english_stemmer import EnglishStemmer

from index.search.text import fold, query_terms, stem, tokenize

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


def folded_by_definition(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_folding_drops_accents_and_case() -> None:
    assert fold("Perú, JOSÉ Llerena") == "peru, jose llerena"
    assert fold("Ñandú — “ok”") == "nandu — “ok”"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text())
def test_folding_is_nfkd_without_combining_marks_for_any_text(text: str) -> None:
    assert fold(text) == folded_by_definition(text)


def test_folding_keeps_a_bounded_table_of_the_characters_it_met() -> None:
    from index.search.text import _UNMARKED

    rare = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2 * _UNMARKED.KEPT))
    assert fold(rare + "e\u0301") == folded_by_definition(rare + "e\u0301")
    assert len(_UNMARKED) <= _UNMARKED.KEPT


def test_folding_the_corpus_is_nfkd_without_combining_marks() -> None:
    for path in sorted(CORPUS.rglob("*.*")):
        text = path.read_text(encoding="utf-8")
        assert fold(text) == folded_by_definition(text), path.name


def test_stems_are_snowball_english_whichever_implementation_is_installed() -> None:
    """PyStemmer (C) when installed, else snowballstemmer's own Python: the same algorithm,
    so an index built with one is searched alike with the other."""
    reference = EnglishStemmer()
    vocabulary = set()
    for path in sorted(CORPUS.rglob("*.*")):
        vocabulary |= set(re.findall(r"[a-z0-9]+", fold(path.read_text(encoding="utf-8"))))
    assert len(vocabulary) > 1000
    differ = {w for w in vocabulary if stem(w) != reference.stemWord(w)}
    assert not differ


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
