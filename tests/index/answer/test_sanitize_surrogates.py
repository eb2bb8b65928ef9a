"""A lone surrogate (undecodable input) never reaches the log or Discord."""

from __future__ import annotations

from index.answer.sanitize import clean_question


def test_lone_surrogates_are_dropped() -> None:
    assert clean_question("who \udc80arrested him") == "who arrested him"
