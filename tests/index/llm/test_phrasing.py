"""Phrasing checks on a summary sentence before any evidence is read."""

from __future__ import annotations

import pytest

from index.llm import phrasing


@pytest.mark.parametrize(
    "text",
    [
        "The authors claim that Keiko Fujimori again?",  # the member's question echoed
        'Did the embassy call him?"',
        "Kenna met.",  # too short
    ],
)
def test_a_question_or_a_stub_is_a_fragment(text: str) -> None:
    assert phrasing.fragment(text) == ("fragment", text)


@pytest.mark.parametrize(
    "text",
    [
        "The authors allege that Lisa Kenna met Gustavo Bobbio on December 6.",
        'The article asks "Why did Pedro Castillo take the fatal step?" and answers it.',
    ],
)
def test_a_statement_is_no_fragment(text: str) -> None:
    assert phrasing.fragment(text) is None


def test_a_cards_heading_copied_before_its_text_is_cut():
    titles = ["Castillo arrested by his own police escort"]
    text = "Pedro Castillo was arrested on 7 December 2022 by his own police escort."
    assert phrasing.without_heading(f"{titles[0]}: {text}", titles) == text
    # given a verb by the model, it is still the heading
    assert (
        phrasing.without_heading(f"Castillo was arrested by his own police escort: {text}", titles)
        == text
    )


def test_a_clause_before_a_colon_that_is_no_heading_stays():
    titles = ["Castillo arrested by his own police escort"]
    text = "The police said one thing: Castillo was arrested on 7 December 2022."
    assert phrasing.without_heading(text, titles) == text
