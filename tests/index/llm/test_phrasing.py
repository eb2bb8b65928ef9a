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
